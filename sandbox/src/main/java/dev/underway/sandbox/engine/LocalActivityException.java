package dev.underway.sandbox.engine;

/**
 * A retryable failure of a local-sandbox activity (a server not reachable yet, an I/O error).
 * Carries a message only: no SQLException chain that could echo statement text.
 */
public final class LocalActivityException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  public LocalActivityException(String message) {
    super(message);
  }
}
