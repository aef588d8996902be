package dev.underway.workflows.schema;

import static org.assertj.core.api.Assertions.assertThat;

import dev.underway.guard.GuardSettings;
import dev.underway.guard.GuardState;
import dev.underway.kernel.StepProgress;
import dev.underway.workflows.schema.contract.BackfillControl;
import dev.underway.workflows.schema.contract.BackfillProgress;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The latency guard's state as the run's page and the status show it (from the progress's
 * {@code guard}, not from the request's budget), and the expand gate's expected backfill time.
 * Pure.
 */
class GuardCardTest {

  static final GuardState SLOWED = new GuardState(GuardState.SLOWED, 2.7, 4.1, 3.4, 1.25, 0.4,
      750L, "2026-12-07T21:20:30.5Z", "p99 4.1 ms = 1.52x baseline 2.7 ms > 1.25x");

  private static BackfillProgress with(GuardState guard, String throttle) {
    return new BackfillProgress(List.of("42"), 12_345, 100_000, 13, 1_000, 987.6, 89L, throttle,
        1, 0, "2026-12-07T21:20:36.881487065Z", 12_000L, 0L, guard, List.of());
  }

  @Test
  void slowedTheCardShowsBaselineP99RatioBudgetDutyAndWhyNotTheRequestsBudget() {
    StepProgress p = BackfillCard.of(with(SLOWED, null), new BackfillControl(false, null, null,
        1.25), true, "PT0.05S");
    assertThat(p.state()).isEqualTo("running, slowed by the latency guard: p99 4.1 ms = 1.52x"
        + " baseline 2.7 ms > 1.25x");
    assertThat(p.perSecond()).isEqualTo(988);
    assertThat(p.etaSeconds()).as("slowed, it still moves: the ETA at this rate").isEqualTo(89);
    assertThat(p.details()).containsExactly(
        "Latency guard: slowed — p99 4.1 ms = 1.52x baseline 2.7 ms > 1.25x (since"
            + " 2026-12-07T21:20:30Z)",
        "Foreground p99: 4.1 ms now (1.52x the baseline), baseline 2.7 ms",
        "Budget: 3.4 ms (1.25x the baseline, or the floor when higher; ratio set by set-ratio)",
        "Duty cycle: 40% (rests 750 ms after each slice of work)",
        "Batch size: 1,000 rows (adaptive)");
    assertThat(p.details()).noneMatch(d -> d.contains("budget 50 ms"));
  }

  @Test
  void freeUnderAnAbsoluteBudgetAndSamplingTheBaseline() {
    GuardState free = new GuardState(GuardState.FREE, 2.7, 2.9, 50.0, null, 1.0, 0L,
        "2026-12-07T21:20:30Z", "p99 2.9 ms <= budget 50.0 ms");
    StepProgress p = BackfillCard.of(with(free, null), null, false, "PT0.05S");
    assertThat(p.state()).isEqualTo("running");
    assertThat(p.details()).startsWith("Latency guard: free (within budget) (since"
        + " 2026-12-07T21:20:30Z)", "Foreground p99: 2.9 ms now (1.07x the baseline), baseline"
        + " 2.7 ms", "Budget: 50.0 ms (an absolute budget)", "Duty cycle: 100%");

    GuardState baseline = new GuardState(GuardState.BASELINE, null, null, null, 1.25, 1.0, null,
        null, null);
    StepProgress sampling = BackfillCard.of(with(baseline, "latency guard: sampling the"
        + " foreground's baseline"), null, true, null);
    assertThat(sampling.state()).startsWith("running: the latency guard samples the"
        + " foreground's baseline p99");
    assertThat(sampling.details()).contains("Foreground p99: not measured yet, baseline being"
        + " sampled");
  }

  @Test
  void pausedByTheOperatorItHasNoEtaEvenWithTheGuard() {
    StepProgress p = BackfillCard.of(with(SLOWED, "throttled by alice: deploy"),
        new BackfillControl(true, "alice: deploy", 200, null), true, null);
    assertThat(p.state()).isEqualTo("paused: throttled by alice: deploy");
    assertThat(p.etaSeconds()).isNull();
    assertThat(p.details()).contains("Batch size: 1,000 rows (pinned by set-batch)")
        .anyMatch(d -> d.startsWith("Latency guard: slowed"));
  }

  @Test
  void atTheFloorItSaysTheBackfillKeepsItsMinimumRate() {
    GuardState floor = new GuardState(GuardState.FLOOR, 2.7, 9.0, 3.4, 1.25, 0.05, 9_500L,
        "2026-12-07T21:21:00Z", "p99 9.0 ms = 3.33x baseline 2.7 ms > 1.25x");
    StepProgress p = BackfillCard.of(with(floor, null), null, true, null);
    assertThat(p.details().get(0)).startsWith("Latency guard: at its floor (the backfill keeps"
        + " its minimum rate)");
    assertThat(p.details()).contains("Duty cycle: 5% (rests 9500 ms after each slice of work)");
  }

  @Test
  void ratiosAreWrittenAsPeopleWriteThem() {
    assertThat(GuardTexts.ratio(1.25)).isEqualTo("1.25x");
    assertThat(GuardTexts.ratio(1.5)).isEqualTo("1.5x");
    assertThat(GuardTexts.ratio(2)).isEqualTo("2x");
    assertThat(GuardTexts.ratio(10)).isEqualTo("10x");
  }

  @Test
  void theExpandGateShowsTheTimeAtFullRateAndAtTheGuardsFloorAndHowItIsEstimated() {
    BackfillDuration d = new BackfillDuration(120_000, true, 1_000, 500,
        GuardSettings.defaults());
    assertThat(d.rowsPerSecond()).isEqualTo(2_000.0);
    assertThat(d.fullSeconds()).isEqualTo(60);
    assertThat(d.floorSeconds()).isEqualTo(1_200);
    assertThat(d.figure()).isEqualTo("~1 min 0 s at full rate, up to ~20 min 0 s at the latency"
        + " guard's floor (5% duty)");
    assertThat(d.sentence()).contains("about 1 min 0 s at full rate, up to about 20 min 0 s if"
        + " the latency guard holds it at its floor (5% duty); the guard decides between them")
        .contains("held under 1.25x its baseline").contains("120,000 row(s) at 2,000 rows/s")
        .contains("not measured yet");

    BackfillDuration budget = new BackfillDuration(5_000, false, 500, 1_000,
        new GuardSettings(null, null, 50L, null, null, null, null));
    assertThat(budget.sentence()).contains("held under the absolute budget of 50 ms")
        .contains("5,000 row(s) (estimated) at 500 rows/s");

    BackfillDuration before = new BackfillDuration(5_000, true, 1_000, 500, null);
    assertThat(before.figure()).isEqualTo("~3 s at full rate");
    assertThat(before.sentence()).doesNotContain("guard");
  }
}
