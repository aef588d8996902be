package dev.underway.workflows.evolution;

import dev.underway.workflows.evolution.contract.DatabaseActivities;
import dev.underway.workflows.evolution.contract.PlatformActivities;
import dev.underway.workflows.evolution.model.ClusterObservation;
import dev.underway.workflows.evolution.model.ClusterTarget;
import io.temporal.activity.ActivityOptions;
import io.temporal.common.RetryOptions;
import io.temporal.workflow.Workflow;
import java.time.Duration;

/**
 * The activity stubs of a cluster evolution, by kind of step: observations (quick, read-only),
 * changes (idempotent; long ones heartbeat) and waits (long, heartbeating), each call named for
 * the run's page. A worker may lay a shorter heartbeat timeout over all of them ({@code underway
 * worker --heartbeat-timeout}).
 */
final class EvolutionStubs {
  private EvolutionStubs() {}

  /** A dead worker's step moves to another worker after this long without a heartbeat. */
  static final Duration HEARTBEAT_TIMEOUT = Duration.ofMinutes(2);

  /** Observations: quick, read-only, retried for a while. */
  static final ActivityOptions OBSERVE = ActivityOptions.newBuilder()
      .setStartToCloseTimeout(Duration.ofMinutes(2))
      .setHeartbeatTimeout(HEARTBEAT_TIMEOUT)
      .setRetryOptions(RetryOptions.newBuilder()
          .setInitialInterval(Duration.ofSeconds(1))
          .setMaximumInterval(Duration.ofSeconds(30))
          .setMaximumAttempts(20)
          .build())
      .build();

  /**
   * Changes: idempotent, so a retry after a crash converges instead of repeating. Long ones (a
   * base backup) heartbeat, so a dead worker's change moves on within the heartbeat timeout.
   */
  static final ActivityOptions CHANGE = ActivityOptions.newBuilder()
      .setStartToCloseTimeout(Duration.ofMinutes(30))
      .setHeartbeatTimeout(HEARTBEAT_TIMEOUT)
      .setRetryOptions(RetryOptions.newBuilder()
          .setInitialInterval(Duration.ofSeconds(2))
          .setMaximumInterval(Duration.ofMinutes(1))
          .setMaximumAttempts(10)
          .build())
      .build();

  /** Waits: long, heartbeating; a dead worker is noticed within the heartbeat timeout. */
  static final ActivityOptions WAIT = ActivityOptions.newBuilder()
      .setStartToCloseTimeout(Duration.ofHours(12))
      .setHeartbeatTimeout(HEARTBEAT_TIMEOUT)
      .setRetryOptions(RetryOptions.newBuilder()
          .setInitialInterval(Duration.ofSeconds(5))
          .setMaximumInterval(Duration.ofMinutes(1))
          .setMaximumAttempts(20)
          .build())
      .build();

  /**
   * The platform's, then the database's view, read together; each call named on the run's page
   * ({@code phase-1 · observe (platform)}).
   */
  static ClusterObservation observe(ClusterTarget target, String summary) {
    return new ClusterObservation(
        platform(OBSERVE, summary + " (platform)").observe(target),
        database(OBSERVE, summary + " (database)").observe(target));
  }

  /** A platform stub of a kind of step whose calls the run's page names {@code summary}. */
  static PlatformActivities platform(ActivityOptions kind, String summary) {
    return Workflow.newActivityStub(PlatformActivities.class,
        ActivityOptions.newBuilder(kind).setSummary(summary).build());
  }

  /** A database stub of a kind of step whose calls the run's page names {@code summary}. */
  static DatabaseActivities database(ActivityOptions kind, String summary) {
    return Workflow.newActivityStub(DatabaseActivities.class,
        ActivityOptions.newBuilder(kind).setSummary(summary).build());
  }
}
