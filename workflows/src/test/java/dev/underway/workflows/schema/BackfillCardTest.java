package dev.underway.workflows.schema;

import static org.assertj.core.api.Assertions.assertThat;

import dev.underway.kernel.StepProgress;
import dev.underway.workflows.schema.contract.BackfillControl;
import dev.underway.workflows.schema.contract.BackfillProgress;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The backfill's progress as the card shows it: paused says why and has no ETA. */
class BackfillCardTest {

  private static BackfillProgress at(String throttle, Long eta) {
    return new BackfillProgress(List.of("42"), 12_345, 100_000, 13, 1_000, 987.6, eta, throttle,
        1, 0, "2026-12-07T21:20:36.881487065Z", 12_000L, 0L);
  }

  @Test
  void runningFreeItHasARoundedRateAnEtaAndTheGuardWithinBudget() {
    StepProgress p = BackfillCard.of(at(null, 89L), new BackfillControl(false, null, null),
        false, "PT0.05S");
    assertThat(p.done()).isEqualTo(12_345);
    assertThat(p.total()).isEqualTo(100_000);
    assertThat(p.totalEstimated()).isTrue();
    assertThat(p.perSecond()).isEqualTo(988);
    assertThat(p.etaSeconds()).isEqualTo(89);
    assertThat(p.state()).isEqualTo("running");
    assertThat(p.at()).isEqualTo("2026-12-07T21:20:36Z");
    assertThat(p.details()).containsExactly("Batch size: 1,000 rows (adaptive)",
        "Latency guard: budget 50 ms, within budget");
  }

  @Test
  void pausedByTheOperatorItHasNoEtaAndSaysWhoAndWhy() {
    StepProgress p = BackfillCard.of(at("throttled by alice: deploy", 89L),
        new BackfillControl(true, "alice: deploy", 200), true, null);
    assertThat(p.etaSeconds()).as("an ETA would count down while nothing moves").isNull();
    assertThat(p.state()).isEqualTo("paused: throttled by alice: deploy");
    assertThat(p.details()).containsExactly("Batch size: 1,000 rows (pinned by set-batch)");
  }

  @Test
  void slowedByTheLatencyGuardItRunsOnWithAnEta() {
    StepProgress p = BackfillCard.of(at("latency: probe 80 ms > 50 ms", 120L), null, true,
        "PT0.05S");
    assertThat(p.etaSeconds()).isEqualTo(120);
    assertThat(p.state()).isEqualTo("running, slowed: latency: probe 80 ms > 50 ms");
    assertThat(p.details()).contains("Latency guard: budget 50 ms, slowing the backfill"
        + " (latency: probe 80 ms > 50 ms)");
  }

  @Test
  void pausedOnReplicaLagItHasNoEta() {
    StepProgress p = BackfillCard.of(at("replica lag: standby1 3.2 s > 1.5 s", 5L), null, true,
        null);
    assertThat(p.etaSeconds()).isNull();
    assertThat(p.state()).isEqualTo("paused: replica lag: standby1 3.2 s > 1.5 s");
  }
}
