package dev.underway.activities.sql.schema;

import static org.assertj.core.api.Assertions.assertThat;

import dev.underway.guard.GuardSettings;
import dev.underway.guard.GuardState;
import dev.underway.workflows.schema.contract.BackfillSettings;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * While the guard holds the backfill slowed, the batch shrinks with the duty but not below
 * {@link Backfill#SLOWED_SMALLEST} rows: before, it halved every batch down to 10 rows, and a walk
 * of 300,000 rows took 13,000-17,000 batches whose own statements (a round trip, a control read,
 * a lag read each) loaded the foreground more than their rows did. The time target may still
 * make a batch smaller.
 */
class BackfillSlowedBatchTest {

  private static final BackfillSettings SETTINGS = new BackfillSettings(List.of("id"), 1_000,
      500, 1_500, null, null, 10, 50_000, GuardSettings.defaults());

  /** A guard resumed slowed at 30% duty, its probe always quick (no reading moves it). */
  private static StepGuard slowedAt30Percent() {
    GuardState slowed = new GuardState(GuardState.SLOWED, 1.0, 2.0, 1.25, 1.25, 0.3, 100L,
        "2026-12-08T00:00:00Z", "p99 2.0 ms = 2.00x baseline 1.0 ms > 1.25x");
    return StepGuard.open(GuardSettings.defaults(), () -> Duration.ofMillis(1), slowed,
        List.of());
  }

  @Test
  void aSlowedGuardShrinksTheBatchToTwoHundredRowsNotToTen() {
    Backfill b = new Backfill(SETTINGS, null, null, null, null);
    try (StepGuard g = slowedAt30Percent()) {
      assertThat(g.slowed()).isTrue();
      int batch = 1_000;
      for (int i = 0; i < 20; i++) {
        int next = b.nextBatch(batch, Duration.ofMillis(20), g);
        assertThat(next).as("never grows while slowed").isLessThanOrEqualTo(batch);
        batch = next;
      }
      assertThat(batch).isEqualTo(Backfill.SLOWED_SMALLEST);
    }
  }

  @Test
  void theTimeTargetStillMakesASlowBatchSmaller() {
    Backfill b = new Backfill(SETTINGS, null, null, null, null);
    try (StepGuard g = slowedAt30Percent()) {
      // 200 rows took 2 s against a 500 ms target: the sizer asks for fewer
      assertThat(b.nextBatch(Backfill.SLOWED_SMALLEST, Duration.ofSeconds(2), g))
          .isLessThan(Backfill.SLOWED_SMALLEST);
    }
  }
}
