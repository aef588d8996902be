package dev.underway.sandbox.load;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;
import static org.assertj.core.api.Assertions.within;

import dev.underway.sandbox.report.LoadReport;
import dev.underway.sandbox.report.LoadReport.Mark;
import dev.underway.sandbox.report.LoadReport.MarkKind;
import dev.underway.sandbox.report.LoadReport.PhaseReport;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Where the load goes when the run's steps are marked late, at the times the run recorded
 * them: each one-second interval is counted where its middle falls, gate waits apart. The
 * intervals carry different numbers of writes (second n: n writes) so each count says exactly
 * which seconds a phase got.
 */
class AggregatorTest {

  private static final long S = 1_000_000_000L;
  private static final LoadOptions OPTIONS = LoadOptions.of(100, 2, 100);

  /** Second {@code n} (ending at n+1 s): n+1 writes, each taking n+1 ms. */
  private static void addSecond(Aggregator a, int n) {
    IntervalRecorder.Interval i = new IntervalRecorder.Interval();
    for (int k = 0; k <= n; k++) {
      i.writesOk.increment();
      i.writeLatency.recordValue((n + 1) * 1000L);
    }
    a.add(i, (n + 1) * S);
  }

  /** Seconds {@code from} (inclusive) to {@code to} (exclusive), each as {@link #addSecond}. */
  private static void addSeconds(Aggregator a, int from, int to) {
    for (int n = from; n < to; n++) {
      addSecond(a, n);
    }
  }

  /** An aggregator in the baseline phase with {@code seconds} seconds of load already in it. */
  private static Aggregator baselineWithSeconds(int seconds) {
    Aggregator a = new Aggregator(0, "phase-0", "baseline");
    addSeconds(a, 0, seconds);
    return a;
  }

  private static LoadReport report(Aggregator a, long nowNanos) {
    return a.report(nowNanos, "2026-01-01T00:00:00Z", OPTIONS, List.of());
  }

  @Test
  void eachStepHasTheLoadOfItsOwnSegmentsAndNoGateWait() {
    Aggregator a = baselineWithSeconds(10);
    a.mark("phase-1", "scale", MarkKind.STEP, 2 * S);
    a.mark("phase-1", "gate", MarkKind.GATE, 4 * S);
    a.mark("phase-1", "scale", MarkKind.STEP, 6 * S); // the same step again after the gate
    a.mark("phase-1", "set-replication", MarkKind.STEP, 7 * S);
    a.mark("phase-2", "reader-service", MarkKind.STEP, 9 * S);

    LoadReport r = report(a, 10 * S);

    assertThat(r.steps()).extracting(LoadReport.StepReport::phase, LoadReport.StepReport::step,
        LoadReport.StepReport::kind).containsExactly(
        tuple("phase-0", "baseline", MarkKind.LOAD),
        tuple("phase-1", "scale", MarkKind.STEP),
        tuple("phase-1", "set-replication", MarkKind.STEP),
        tuple("phase-2", "reader-service", MarkKind.STEP));
    PhaseReport scale = r.steps().get(1).figures();
    assertThat(scale.writes().ok()).as("seconds 2, 3 and 6: never the gate's 4 and 5")
        .isEqualTo(3 + 4 + 7);
    assertThat(scale.durationMs()).isEqualTo(3000);
    assertThat(scale.all().p99Ms()).as("its slowest second is 7 ms").isCloseTo(7.0,
        within(0.01));
    PhaseReport replication = r.steps().get(2).figures();
    assertThat(replication.writes().ok()).as("seconds 7 and 8").isEqualTo(8 + 9);
    assertThat(replication.all().p99Ms()).isCloseTo(9.0, within(0.01));
    assertThat(r.steps().get(3).figures().writes().ok()).as("second 9").isEqualTo(10);
    assertThat(r.steps().get(0).figures().writes().ok()).isEqualTo(1 + 2);
  }

  @Test
  void lateMarksTakeTheLoadFromTheTimeTheRunRecordedAndGateWaitsStandApart() {
    Aggregator a = baselineWithSeconds(6);
    // read from the run's timeline after the fact, in any order
    a.mark("phase-1", "gate", MarkKind.GATE, 3 * S);
    a.mark("phase-1", "observe", MarkKind.STEP, 2_200_000_000L);
    a.mark("phase-1", "plan", MarkKind.STEP, 2_200_000_000L); // same workflow time: kept in order
    a.mark("phase-1", "recheck", MarkKind.STEP, 5 * S);

    LoadReport r = report(a, 6 * S);

    assertThat(r.marks()).extracting(Mark::offsetMs, Mark::step, Mark::kind).containsExactly(
        tuple(0L, "baseline", MarkKind.LOAD),
        tuple(2200L, "observe", MarkKind.STEP),
        tuple(2200L, "plan", MarkKind.STEP),
        tuple(3000L, "gate", MarkKind.GATE),
        tuple(5000L, "recheck", MarkKind.STEP));
    PhaseReport p0 = r.phase("phase-0").orElseThrow();
    PhaseReport p1 = r.phase("phase-1").orElseThrow();
    assertThat(p0.writes().ok()).as("seconds 0 and 1").isEqualTo(1 + 2);
    assertThat(p0.durationMs()).isEqualTo(2200);
    assertThat(p1.writes().ok()).as("seconds 2 (observe/plan) and 5 (after the gate)")
        .isEqualTo(3 + 6);
    assertThat(p1.durationMs()).as("0.8 s before the gate, 1 s after").isEqualTo(1800);
    assertThat(p1.steps()).containsExactly("observe", "plan", "gate", "recheck");
    // 3 writes of 3 ms and 6 of 6 ms: the median is 6 ms; with the gate's 4 and 5 ms it is 5
    assertThat(p1.all().p50Ms()).as("the latency at the gate is not the phase's")
        .isCloseTo(6.0, within(0.01));

    assertThat(r.waits()).singleElement().satisfies(w -> {
      assertThat(w.phase()).isEqualTo("phase-1");
      assertThat(w.durationMs()).isEqualTo(2000);
      assertThat(w.firstOffsetMs()).isEqualTo(3000);
      assertThat(w.writes().ok()).as("seconds 3 and 4").isEqualTo(4 + 5);
    });
    assertThat(r.total().writes().ok()).isEqualTo(1 + 2 + 3 + 4 + 5 + 6);
  }

  @Test
  void aReportDuringTheRunIsTheSameAsOneAfterTheLoadIsAttributedForGood() {
    Aggregator a = baselineWithSeconds(4);
    a.mark("phase-1", "gate", MarkKind.GATE, 2 * S);
    LoadReport early = report(a, 4 * S);
    assertThat(early.waits()).singleElement()
        .satisfies(w -> assertThat(w.writes().ok()).isEqualTo(3 + 4));
    assertThat(report(a, 4 * S)).as("a report changes nothing").isEqualTo(early);

    // long after: seconds 0..3 are attributed for good, where the early report put them
    a.mark("phase-1", "recheck", MarkKind.STEP, 4 * S);
    addSeconds(a, 4, 40);
    LoadReport late = report(a, 40 * S);
    assertThat(late.phase("phase-0").orElseThrow().writes().ok()).isEqualTo(1 + 2);
    assertThat(late.waits().get(0).writes().ok()).isEqualTo(3 + 4);
  }

  @Test
  void aMarkOlderThanWhatIsCountedForGoodMovesForwardToIt() {
    Aggregator a = baselineWithSeconds(40);
    // seconds ending by 40 - 30 = 10 s are phase-0's for good
    a.mark("phase-1", "scale", MarkKind.STEP, 5 * S);
    LoadReport r = report(a, 40 * S);
    assertThat(r.marks().get(1).offsetMs()).isEqualTo(10_000);
    assertThat(r.phase("phase-0").orElseThrow().writes().ok())
        .as("the first ten seconds").isEqualTo(55);
    assertThat(r.phase("phase-1").orElseThrow().durationMs()).isEqualTo(30_000);
  }

  @Test
  void repeatingTheLatestMarkChangesNothing() {
    Aggregator a = new Aggregator(0, "phase-0", "baseline");
    addSecond(a, 0);
    a.mark("phase-1", "scale", MarkKind.STEP, S / 2);
    a.mark("phase-1", "scale", MarkKind.STEP, S);
    assertThat(report(a, S).marks()).hasSize(2);
  }

  @Test
  void aPhaseShorterThanTheCountingIntervalGetsNoRatioAndRatesAreOverTheCountedSeconds() {
    Aggregator a = baselineWithSeconds(10);
    // 0.4 s of expand holding the middle of second 10 (10.5 s), then the backfill
    a.mark("expand", "expand", MarkKind.STEP, 10_300_000_000L);
    a.mark("backfill", "backfill", MarkKind.STEP, 10_700_000_000L);
    addSeconds(a, 10, 16);
    LoadReport r = report(a, 16 * S);

    PhaseReport expand = r.phase("expand").orElseThrow();
    assertThat(expand.durationMs()).isEqualTo(400);
    assertThat(expand.tooShortForRate()).isTrue();
    assertThat(expand.writes().ok()).as("second 10, counted whole").isEqualTo(11);
    assertThat(expand.opsPerSecond())
        .as("over the second counted, not 11 / 0.4 s = 27.5").isEqualTo(11.0);
    assertThat(r.baseline()).filteredOn(b -> b.phase().equals("expand")).singleElement()
        .satisfies(b -> {
          assertThat(b.opsPerSecondRatio()).isNull();
          assertThat(b.p99Ratio()).isNull();
        });
    // the backfill: 5.3 s long, counted over seconds 11 to 15 (5 s): 12 + ... + 16 writes
    PhaseReport backfill = r.phase("backfill").orElseThrow();
    assertThat(backfill.durationMs()).isEqualTo(5_300);
    assertThat(backfill.writes().ok()).isEqualTo(12 + 13 + 14 + 15 + 16);
    assertThat(backfill.opsPerSecond()).isEqualTo(70 / 5.0);
    assertThat(backfill.tooShortForRate()).isFalse();
    assertThat(r.baseline()).filteredOn(b -> b.phase().equals("backfill")).singleElement()
        .satisfies(b -> assertThat(b.opsPerSecondRatio()).isNotNull());
  }

  @Test
  void everyOperatorsActionIsItsOwnMarkEvenWhenItRepeatsTheLastOne() {
    Aggregator a = baselineWithSeconds(2);
    a.mark("backfill", "backfill", MarkKind.STEP, S);
    a.mark("backfill", "set-batch", MarkKind.OPERATOR, S + S / 10, "batch size pinned at 200");
    a.mark("backfill", "set-batch", MarkKind.OPERATOR, S + S / 5, "batch size pinned at 200");
    a.mark("backfill", "backfill", MarkKind.STEP, S + S / 4);
    assertThat(report(a, 2 * S).marks()).extracting(Mark::step, Mark::kind, Mark::detail)
        .containsExactly(tuple("baseline", MarkKind.LOAD, ""),
            tuple("backfill", MarkKind.STEP, ""),
            tuple("set-batch", MarkKind.OPERATOR, "batch size pinned at 200"),
            tuple("set-batch", MarkKind.OPERATOR, "batch size pinned at 200"),
            tuple("backfill", MarkKind.STEP, ""));
  }
}
