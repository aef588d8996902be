package dev.underway.local;

import java.io.IOException;

/**
 * A server exited at start-up because a port it was given was taken: free when it was looked up,
 * bound by another process since. {@link Ports#retryingTakenPorts} starts it again on others.
 */
public final class PortTakenException extends IOException {
  private static final long serialVersionUID = 1L;

  public PortTakenException(String message) {
    super(message);
  }
}
