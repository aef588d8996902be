package dev.underway.workflows.schema;

import static org.assertj.core.api.Assertions.assertThat;

import dev.underway.kernel.Failures;
import dev.underway.workflows.schema.contract.SchemaFailures;
import io.temporal.activity.ActivityOptions;
import io.temporal.common.RetryOptions;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * "Crashes cost seconds, not minutes": every heartbeating kind of step is retried within the
 * heartbeat timeout plus a few seconds however often its worker died, with no attempt budget a
 * long step (or a worker killed a dozen times) could spend, and stops at once on the failures
 * no retry can fix.
 */
class SchemaStubsTest {

  private static final Map<String, ActivityOptions> KINDS = Map.of("OBSERVE",
      SchemaStubs.OBSERVE, "CHANGE", SchemaStubs.CHANGE, "WALK", SchemaStubs.WALK);

  @Test
  void aDeadWorkerIsNoticedWithinHalfAMinute() {
    KINDS.forEach((kind, options) -> assertThat(options.getHeartbeatTimeout()).as(kind)
        .isPositive().isLessThanOrEqualTo(Duration.ofSeconds(30)));
  }

  @Test
  void theWaitBeforeARetryNeverGrowsPastAFewSecondsAndAttemptsAreUnlimited() {
    KINDS.forEach((kind, options) -> {
      RetryOptions r = options.getRetryOptions();
      assertThat(r.getMaximumAttempts()).as(kind + ": unlimited attempts").isZero();
      assertThat(r.getMaximumInterval()).as(kind).isLessThanOrEqualTo(Duration.ofSeconds(5));
      // the 12th interruption of a step waits no longer than the first few
      assertThat(backoff(r, 12)).as(kind).isLessThanOrEqualTo(Duration.ofSeconds(5));
      assertThat(r.getDoNotRetry()).as(kind).contains(SchemaFailures.STATEMENT_INVALID.type(),
          SchemaFailures.EXPRESSION_FAILED.type(), SchemaFailures.EXPRESSION_INVALID.type(),
          SchemaFailures.LOCK_NOT_GRANTED.type(), Failures.INSUFFICIENT_PRIVILEGE,
          Failures.CREDENTIALS, Failures.INVALID_REQUEST, Failures.TARGET_NOT_FOUND,
          SchemaFailures.NO_USABLE_KEY.type(), SchemaFailures.COLUMN_EXISTS.type(),
          SchemaFailures.UNSAFE_CHANGE.type(), SchemaFailures.CHANGE_IN_PROGRESS.type());
    });
  }

  @Test
  void aResumedStepStartsWithinTheHeartbeatTimeoutPlusTheLongestRetryWait() {
    KINDS.forEach((kind, options) -> assertThat(options.getHeartbeatTimeout()
        .plus(options.getRetryOptions().getMaximumInterval())).as(kind)
        .isLessThanOrEqualTo(Duration.ofSeconds(35)));
  }

  @Test
  void anAbortWaitsForTheWalkToStop() {
    assertThat(SchemaStubs.WALK.getCancellationType().name())
        .isEqualTo("WAIT_CANCELLATION_COMPLETED");
  }

  /** The wait before attempt {@code n + 1}, as Temporal computes it. */
  private static Duration backoff(RetryOptions r, int n) {
    double coefficient = r.getBackoffCoefficient() == 0 ? 2 : r.getBackoffCoefficient();
    double millis = r.getInitialInterval().toMillis() * Math.pow(coefficient, n - 1);
    long max = r.getMaximumInterval() == null ? Long.MAX_VALUE : r.getMaximumInterval().toMillis();
    return Duration.ofMillis((long) Math.min(millis, max));
  }
}
