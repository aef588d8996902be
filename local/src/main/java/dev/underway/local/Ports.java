package dev.underway.local;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.util.Collection;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Free TCP ports on 127.0.0.1, and starting a server again when its port was taken meanwhile. */
public final class Ports {
  private Ports() {}

  private static final Logger log = LoggerFactory.getLogger(Ports.class);

  /** How many starts {@link #retryingTakenPorts} makes before it gives up. */
  public static final int ATTEMPTS = 3;

  /** A free port on 127.0.0.1: free when asked; another process could take it after. */
  public static int freeLoopbackPort() throws IOException {
    return freeLoopbackPort(List.of());
  }

  /** A free port on 127.0.0.1 that is none of {@code taken} (ports already handed out). */
  public static int freeLoopbackPort(Collection<Integer> taken) throws IOException {
    for (int attempt = 0; attempt < 20; attempt++) {
      try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
        s.setReuseAddress(true);
        if (!taken.contains(s.getLocalPort())) {
          return s.getLocalPort();
        }
      }
    }
    throw new IOException("No free loopback port found");
  }

  /** One start of a server; {@code attempt} counts from 1, later ones choose other ports. */
  @FunctionalInterface
  public interface Start<T> {
    T attempt(int attempt) throws IOException;
  }

  /**
   * Runs {@code start} until it does not fail with a {@link PortTakenException}, {@value
   * #ATTEMPTS} times at most; the last such failure is thrown.
   *
   * @param what the server, for the log
   */
  public static <T> T retryingTakenPorts(String what, Start<T> start) throws IOException {
    for (int attempt = 1; ; attempt++) {
      try {
        return start.attempt(attempt);
      } catch (PortTakenException e) {
        if (attempt >= ATTEMPTS) {
          throw e;
        }
        log.warn("{}: a port was taken before it was bound ({}); starting again on another",
            what, e.getMessage());
      }
    }
  }
}
