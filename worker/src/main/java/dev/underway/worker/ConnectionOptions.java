package dev.underway.worker;

import java.nio.file.Path;
import picocli.CommandLine.Help.Visibility;
import picocli.CommandLine.Option;

/**
 * How to reach Temporal; shared by every subcommand as a picocli mixin.
 *
 * <p>The API key is a secret: it is never shown in {@code --help} (no default is displayed),
 * never in {@link #toString()}, and never logged.
 */
public class ConnectionOptions {

  public static final String DEFAULT_ADDRESS = "localhost:7233";

  @Option(names = "--address", paramLabel = "HOST:PORT",
      defaultValue = "${env:TEMPORAL_ADDRESS:-" + DEFAULT_ADDRESS + "}",
      description = "Temporal frontend address (env TEMPORAL_ADDRESS). Default: ${DEFAULT-VALUE}.")
  String address = DEFAULT_ADDRESS;

  @Option(names = "--namespace", paramLabel = "NAME",
      defaultValue = "${env:TEMPORAL_NAMESPACE:-default}",
      description = "Temporal namespace (env TEMPORAL_NAMESPACE). Default: ${DEFAULT-VALUE}.")
  String namespace = "default";

  @Option(names = "--task-queue", paramLabel = "NAME",
      defaultValue = "${env:UNDERWAY_TASK_QUEUE:-underway}",
      description = "Task queue the worker polls and runs are started on"
          + " (env UNDERWAY_TASK_QUEUE). Default: ${DEFAULT-VALUE}.")
  String taskQueue = "underway";

  @Option(names = "--tls",
      description = "Use TLS. On by default when --api-key or a --tls-* file is given.")
  boolean tls;

  @Option(names = "--no-tls", description = "Never use TLS (e.g. a local server with an API key"
      + " proxy).")
  boolean noTls;

  @Option(names = "--tls-cert", paramLabel = "FILE",
      description = "Client certificate (PEM) for mutual TLS.")
  Path tlsCert;

  @Option(names = "--tls-key", paramLabel = "FILE",
      description = "Client private key (PKCS#8 PEM) for mutual TLS.")
  Path tlsKey;

  @Option(names = "--tls-ca", paramLabel = "FILE",
      description = "CA certificate (PEM) to trust for the server instead of the system's.")
  Path tlsCa;

  @Option(names = "--api-key", paramLabel = "KEY", defaultValue = "${env:TEMPORAL_API_KEY}",
      showDefaultValue = Visibility.NEVER,
      description = "API key sent as a bearer token (env TEMPORAL_API_KEY). A secret: never"
          + " printed or logged.")
  String apiKey;

  @Option(names = "--verbose", description = "Show stack traces of errors.")
  boolean verbose;

  public ConnectionOptions() {}

  /** Options for tests and embedding. */
  public static ConnectionOptions of(String address, String namespace, String taskQueue) {
    ConnectionOptions o = new ConnectionOptions();
    o.address = address;
    o.namespace = namespace;
    o.taskQueue = taskQueue;
    return o;
  }

  public String address() {
    return address;
  }

  public String namespace() {
    return namespace;
  }

  public String taskQueue() {
    return taskQueue;
  }

  public Path tlsCert() {
    return tlsCert;
  }

  public Path tlsKey() {
    return tlsKey;
  }

  public Path tlsCa() {
    return tlsCa;
  }

  public boolean verbose() {
    return verbose;
  }

  /** The {@code underway} command a user types next, with the options they need to reach here. */
  String underwayCommand(String rest) {
    StringBuilder s = new StringBuilder("underway ").append(rest);
    if (!DEFAULT_ADDRESS.equals(address)) {
      s.append(" --address ").append(address);
    }
    if (!"default".equals(namespace)) {
      s.append(" --namespace ").append(namespace);
    }
    return s.toString();
  }

  /**
   * The {@code temporal} CLI command a user types next, with the options it needs to reach the
   * same server (TLS and credentials are theirs to add; they never appear in messages).
   */
  String temporalCommand(String rest) {
    StringBuilder s = new StringBuilder("temporal ").append(rest);
    if (!DEFAULT_ADDRESS.equals(address)) {
      s.append(" --address ").append(address);
    }
    if (!"default".equals(namespace)) {
      s.append(" --namespace ").append(namespace);
    }
    return s.toString();
  }

  /** The API key, or null. Keep it out of messages. */
  String apiKey() {
    return apiKey == null || apiKey.isBlank() ? null : apiKey;
  }

  public boolean hasApiKey() {
    return apiKey() != null;
  }

  /** Whether to use TLS: explicit --tls/--no-tls, else on when a key or TLS file is given. */
  public boolean useTls() {
    if (noTls) {
      return false;
    }
    return tls || hasApiKey() || tlsCert != null || tlsKey != null || tlsCa != null;
  }

  /** A copy for the embedded server: another address, plain text. */
  ConnectionOptions forEmbeddedServer(String newAddress) {
    ConnectionOptions o = new ConnectionOptions();
    o.address = newAddress;
    o.namespace = namespace;
    o.taskQueue = taskQueue;
    o.noTls = true;
    o.apiKey = apiKey;
    o.verbose = verbose;
    return o;
  }

  @Override
  public String toString() {
    return "ConnectionOptions[address=" + address + ", namespace=" + namespace + ", taskQueue="
        + taskQueue + ", tls=" + useTls() + (tlsCert == null ? "" : ", tlsCert=" + tlsCert)
        + (tlsKey == null ? "" : ", tlsKey=" + tlsKey) + (tlsCa == null ? "" : ", tlsCa=" + tlsCa)
        + ", apiKey=" + (hasApiKey() ? "(set, hidden)" : "(none)") + "]";
  }
}
