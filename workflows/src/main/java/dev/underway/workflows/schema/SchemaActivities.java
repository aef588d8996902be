package dev.underway.workflows.schema;

import dev.underway.activities.Failures;
import dev.underway.activities.schema.SchemaChangeActivities;
import io.temporal.activity.ActivityCancellationType;
import io.temporal.activity.ActivityOptions;
import io.temporal.common.RetryOptions;
import io.temporal.workflow.Workflow;
import java.time.Duration;

/**
 * The activity stubs of a schema change by kind of step, each call named for the run's page.
 * Refusals are non-retryable whatever the implementation says.
 */
final class SchemaActivities {
  private SchemaActivities() {}

  static final Duration HEARTBEAT_TIMEOUT = Duration.ofMinutes(2);

  /**
   * The backfill's and the verification's: a stopped worker's walk resumes on another within
   * this, and an abort reaches a running walk within 0.8 of it (the SDK sends heartbeats, and
   * learns of a cancellation, at most that often). Both heartbeat after every batch and while
   * paused, so a live walk never comes near it.
   */
  static final Duration WALK_HEARTBEAT_TIMEOUT = Duration.ofSeconds(30);

  /** Failure types a retry cannot fix: refusals, and the lock or an expression that failed. */
  private static final java.util.List<String> NEVER_RETRIED = java.util.List.of(
      Failures.INVALID_REQUEST, Failures.TARGET_NOT_FOUND, Failures.INSUFFICIENT_PRIVILEGE,
      Failures.CREDENTIALS, Failures.NO_USABLE_KEY, Failures.COLUMN_EXISTS,
      Failures.EXPRESSION_INVALID, Failures.UNSAFE_CHANGE, Failures.CHANGE_IN_PROGRESS,
      Failures.LOCK_NOT_GRANTED, Failures.EXPRESSION_FAILED);

  /** Reads: quick, retried for a while. */
  static final ActivityOptions OBSERVE = ActivityOptions.newBuilder()
      .setStartToCloseTimeout(Duration.ofMinutes(5))
      .setHeartbeatTimeout(HEARTBEAT_TIMEOUT)
      .setRetryOptions(retries(Duration.ofSeconds(1), Duration.ofSeconds(30), 20))
      .build();

  /** Changes: idempotent (a retry converges); lock retries heartbeat. */
  static final ActivityOptions CHANGE = ActivityOptions.newBuilder()
      .setStartToCloseTimeout(Duration.ofMinutes(30))
      .setHeartbeatTimeout(HEARTBEAT_TIMEOUT)
      .setRetryOptions(retries(Duration.ofSeconds(2), Duration.ofMinutes(1), 10))
      .build();

  /**
   * The backfill and the verification: long, heartbeating, resumed from their heartbeat on the
   * next attempt; an abort waits for the attempt to stop before the rollback runs.
   */
  static final ActivityOptions WALK = ActivityOptions.newBuilder()
      .setStartToCloseTimeout(Duration.ofDays(7))
      .setHeartbeatTimeout(WALK_HEARTBEAT_TIMEOUT)
      .setCancellationType(ActivityCancellationType.WAIT_CANCELLATION_COMPLETED)
      .setRetryOptions(retries(Duration.ofSeconds(5), Duration.ofMinutes(1), 100))
      .build();

  /** An operator's command or a progress read: quick, few retries. */
  static final ActivityOptions QUICK = ActivityOptions.newBuilder()
      .setStartToCloseTimeout(Duration.ofSeconds(30))
      .setRetryOptions(retries(Duration.ofSeconds(1), Duration.ofSeconds(5), 3))
      .build();

  private static RetryOptions retries(Duration first, Duration max, int attempts) {
    return RetryOptions.newBuilder().setInitialInterval(first).setMaximumInterval(max)
        .setMaximumAttempts(attempts).setDoNotRetry(NEVER_RETRIED.toArray(new String[0])).build();
  }

  static SchemaChangeActivities of(ActivityOptions kind, String summary) {
    return Workflow.newActivityStub(SchemaChangeActivities.class,
        ActivityOptions.newBuilder(kind).setSummary(summary).build());
  }
}
