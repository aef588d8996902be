package dev.underway.activities.support;

import io.temporal.activity.Activity;
import java.time.Duration;

/**
 * The pause between two readings of a waiting activity. Polling belongs in activities (the
 * workflow only sees their result, so its history stays small); the wait itself is a plain
 * sleep, bounded by the activity's heartbeat and start-to-close timeouts.
 */
public final class Polling {
  private Polling() {}

  /**
   * Sleeps {@code interval}. An interrupt (the worker shutting down) keeps the thread's interrupt
   * flag and fails the attempt, so Temporal retries it, on this or another worker.
   */
  public static void pause(Duration interval) {
    try {
      Thread.sleep(interval.toMillis());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw Activity.wrap(e);
    }
  }
}
