package dev.underway.activities.sql.schema;

import java.time.Duration;

/**
 * How the backfill waits, beside the run's settings: how often a pause re-reads the lag and the
 * control (and heartbeats), and how long a batch waits for a row lock before it is retried.
 */
public record Pacing(Duration pollWhilePaused, Duration batchLockTimeout) {
  public static final Pacing DEFAULT = new Pacing(Duration.ofMillis(250), Duration.ofMillis(250));
}
