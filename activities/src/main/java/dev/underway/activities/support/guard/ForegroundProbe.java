package dev.underway.activities.support.guard;

import java.time.Duration;

/**
 * One reading of what the application feels now: the time one foreground-like operation took,
 * on a connection of the probe's own. The guard calls it at a fixed rate on its own thread; a
 * probe never commits a write.
 */
public interface ForegroundProbe extends AutoCloseable {

  /** Runs the operation once; how long it took. */
  Duration sample() throws Exception;

  /** Releases the probe's connection. */
  @Override
  default void close() throws Exception {}
}
