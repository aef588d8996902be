package dev.underway.workflows.evolution;

import dev.underway.activities.DatabaseActivities;
import dev.underway.activities.PlatformActivities;
import dev.underway.model.ClusterObservation;
import dev.underway.model.TargetRef;
import io.temporal.activity.ActivityOptions;
import io.temporal.common.RetryOptions;
import io.temporal.workflow.Workflow;
import java.time.Duration;

/**
 * The activity stubs of a cluster evolution, by kind of step: observations (quick, read-only),
 * changes (idempotent; long ones heartbeat) and waits (long, heartbeating). A worker may lay a
 * shorter heartbeat timeout over all of them ({@code underway worker --heartbeat-timeout}).
 */
final class EvolutionActivities {

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

  final PlatformActivities observePlatform =
      Workflow.newActivityStub(PlatformActivities.class, OBSERVE);
  final DatabaseActivities observeDatabase =
      Workflow.newActivityStub(DatabaseActivities.class, OBSERVE);
  final PlatformActivities changePlatform =
      Workflow.newActivityStub(PlatformActivities.class, CHANGE);
  final DatabaseActivities changeDatabase =
      Workflow.newActivityStub(DatabaseActivities.class, CHANGE);
  final PlatformActivities waitPlatform =
      Workflow.newActivityStub(PlatformActivities.class, WAIT);
  final DatabaseActivities waitDatabase =
      Workflow.newActivityStub(DatabaseActivities.class, WAIT);

  /** The platform's, then the database's view, read together. */
  ClusterObservation observe(TargetRef target) {
    return new ClusterObservation(observePlatform.observe(target),
        observeDatabase.observe(target));
  }
}
