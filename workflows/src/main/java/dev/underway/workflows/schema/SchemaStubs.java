package dev.underway.workflows.schema;

import dev.underway.kernel.Failures;
import dev.underway.workflows.schema.contract.SchemaChangeActivities;
import dev.underway.workflows.schema.contract.SchemaFailures;
import io.temporal.activity.ActivityCancellationType;
import io.temporal.activity.ActivityOptions;
import io.temporal.common.RetryOptions;
import io.temporal.workflow.Workflow;
import java.time.Duration;
import java.util.List;

/**
 * The activity stubs of a schema change by kind of step, each call named for the run's page.
 * Refusals are non-retryable whatever the implementation says.
 */
final class SchemaStubs {
  private SchemaStubs() {}

  /**
   * Every step that can take more than a moment (observe, expand, the flags, the contract, the
   * backfill, the verification) heartbeats at least this often (long statements included: they
   * heartbeat while they run), so a step whose worker died is retried on another worker within
   * this after its last heartbeat, plus at most {@link #MAX_RETRY_INTERVAL}. The worker sends
   * heartbeats every second or so ({@code WorkerSettings}), so a Temporal server outage shorter
   * than this minus a second stops no healthy step; every statement's {@code statement_timeout}
   * is shorter than half of it, so that a dead worker's statement cannot commit after the retry
   * began. {@code underway worker --heartbeat-timeout} replaces it.
   */
  static final Duration HEARTBEAT_TIMEOUT = Duration.ofSeconds(30);

  /**
   * The longest wait between two attempts. Temporal's retry policy cannot tell a heartbeat
   * timeout (a dead worker) from any other failure, so the backoff is kept short: however often
   * a step was interrupted, the next attempt starts within this of the failure.
   */
  static final Duration MAX_RETRY_INTERVAL = Duration.ofSeconds(5);

  /** The first wait before a retry. */
  static final Duration FIRST_RETRY_INTERVAL = Duration.ofSeconds(1);

  /**
   * Failure types a retry cannot fix: refusals, the lock not granted, an expression that failed
   * on a row, a statement not valid on the database (SQLSTATE class 42). They stop the step at
   * once; every other failure is retried without an attempt limit (a worker killed any number
   * of times must not use up a step's attempts; an operator aborts a step that cannot succeed).
   */
  static final List<String> NEVER_RETRIED = List.of(
      Failures.INVALID_REQUEST, Failures.TARGET_NOT_FOUND, Failures.INSUFFICIENT_PRIVILEGE,
      Failures.CREDENTIALS, SchemaFailures.NO_USABLE_KEY.type(),
      SchemaFailures.COLUMN_EXISTS.type(), SchemaFailures.EXPRESSION_INVALID.type(),
      SchemaFailures.UNSAFE_CHANGE.type(), SchemaFailures.CHANGE_IN_PROGRESS.type(),
      SchemaFailures.LOCK_NOT_GRANTED.type(), SchemaFailures.EXPRESSION_FAILED.type(),
      SchemaFailures.STATEMENT_INVALID.type());

  /** Retries of every heartbeating step: at once-ish, no growth past 5 s, no attempt limit. */
  static final RetryOptions RETRIES = RetryOptions.newBuilder()
      .setInitialInterval(FIRST_RETRY_INTERVAL)
      .setBackoffCoefficient(2)
      .setMaximumInterval(MAX_RETRY_INTERVAL)
      .setMaximumAttempts(0)
      .setDoNotRetry(NEVER_RETRIED.toArray(new String[0]))
      .build();

  /** Reads: quick; a long count heartbeats while it runs. */
  static final ActivityOptions OBSERVE = ActivityOptions.newBuilder()
      .setStartToCloseTimeout(Duration.ofMinutes(5))
      .setHeartbeatTimeout(HEARTBEAT_TIMEOUT)
      .setRetryOptions(RETRIES)
      .build();

  /** Changes: idempotent (a retry converges); lock retries heartbeat. */
  static final ActivityOptions CHANGE = ActivityOptions.newBuilder()
      .setStartToCloseTimeout(Duration.ofMinutes(30))
      .setHeartbeatTimeout(HEARTBEAT_TIMEOUT)
      .setRetryOptions(RETRIES)
      .build();

  /**
   * The backfill and the verification: long, heartbeating after every batch or chunk and while
   * paused, resumed from their heartbeat on the next attempt; an abort waits for the attempt to
   * stop (it sees the cancellation at its next heartbeat, a second or so) before the rollback
   * runs.
   */
  static final ActivityOptions WALK = ActivityOptions.newBuilder()
      .setStartToCloseTimeout(Duration.ofDays(7))
      .setHeartbeatTimeout(HEARTBEAT_TIMEOUT)
      .setCancellationType(ActivityCancellationType.WAIT_CANCELLATION_COMPLETED)
      .setRetryOptions(RETRIES)
      .build();

  /** An operator's command or a progress read: quick, few retries (the update says it failed). */
  static final ActivityOptions QUICK = ActivityOptions.newBuilder()
      .setStartToCloseTimeout(Duration.ofSeconds(30))
      .setRetryOptions(RetryOptions.newBuilder().setInitialInterval(Duration.ofSeconds(1))
          .setMaximumInterval(MAX_RETRY_INTERVAL).setMaximumAttempts(3)
          .setDoNotRetry(NEVER_RETRIED.toArray(new String[0])).build())
      .build();

  static SchemaChangeActivities of(ActivityOptions kind, String summary) {
    return Workflow.newActivityStub(SchemaChangeActivities.class,
        ActivityOptions.newBuilder(kind).setSummary(summary).build());
  }
}
