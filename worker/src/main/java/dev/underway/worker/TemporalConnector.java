package dev.underway.worker;

/**
 * Opens a connection to Temporal. Commands get their connection from here, so tests hand them
 * the test environment's client instead of a network connection.
 */
@FunctionalInterface
public interface TemporalConnector {
  TemporalConnection connect(ConnectionOptions options);
}
