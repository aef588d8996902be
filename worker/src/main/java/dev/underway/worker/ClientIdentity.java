package dev.underway.worker;

import java.net.InetAddress;
import java.net.UnknownHostException;

/**
 * The identity {@code underway} declares to Temporal with every request ({@code
 * WorkflowClientOptions} identity): {@code underway:USER@HOST}, the operating-system user and the
 * machine. A run records it next to each decision's {@code by} (the Temporal identity). It is
 * what this client says, not something the server checked: see the README's trust model.
 */
public final class ClientIdentity {
  private ClientIdentity() {}

  static final String PREFIX = "underway:";

  /** {@code underway:USER@HOST} for this process. */
  public static String ofThisProcess() {
    return of(System.getProperty("user.name"), host());
  }

  static String of(String user, String host) {
    return PREFIX + (user == null || user.isBlank() ? "unknown-user" : user) + "@"
        + (host == null || host.isBlank() ? "unknown-host" : host);
  }

  private static String host() {
    try {
      return InetAddress.getLocalHost().getHostName();
    } catch (UnknownHostException e) {
      String env = System.getenv("HOSTNAME");
      return env == null ? null : env;
    }
  }
}
