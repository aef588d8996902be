package dev.underway.worker;

import io.temporal.worker.WorkerOptions;
import java.time.Duration;

/**
 * The options of every Underway worker ({@code underway worker}, the sandbox's): heartbeats reach
 * the server at most {@link #HEARTBEAT_EVERY} apart. The SDK otherwise throttles an activity's
 * heartbeats to 0.8 of its heartbeat timeout (24 s for a 30 s timeout), so that a Temporal
 * server outage of a few seconds could outlast the time left since the last heartbeat that got
 * through and stop a healthy attempt, and a cancellation (an abort) could reach a running
 * activity only at its next sent heartbeat, up to 24 s late. With heartbeats every second an
 * outage shorter than the heartbeat timeout minus a second stops nothing, and an abort reaches a
 * backfill within a second or so of its next batch.
 */
public final class WorkerSettings {
  private WorkerSettings() {}

  /** The most time between two heartbeats the worker sends to the server. */
  public static final Duration HEARTBEAT_EVERY = Duration.ofSeconds(1);

  /** {@link #HEARTBEAT_EVERY} for help texts. */
  static final String HEARTBEAT_EVERY_TEXT = "1 s";

  /** The worker options: the heartbeat throttle, whether or not a step has a timeout. */
  public static WorkerOptions options() {
    return WorkerOptions.newBuilder()
        // pid@host, as the SDK names a worker by default: the client's identity is the
        // command's (underway:USER@HOST, see ClientIdentity), which does not tell workers apart
        .setIdentity(java.lang.management.ManagementFactory.getRuntimeMXBean().getName())
        .setMaxHeartbeatThrottleInterval(HEARTBEAT_EVERY)
        .setDefaultHeartbeatThrottleInterval(HEARTBEAT_EVERY)
        .build();
  }
}
