package dev.underway.sandbox.report;

import dev.underway.sandbox.report.LoadReport.Gauge;
import dev.underway.sandbox.report.LoadReport.GaugePoint;
import dev.underway.sandbox.report.LoadReport.Mark;
import dev.underway.sandbox.report.LoadReport.MarkKind;
import dev.underway.sandbox.report.LoadReport.OperationStats;
import dev.underway.sandbox.report.LoadReport.PhaseReport;
import dev.underway.sandbox.report.LoadReport.TimelinePoint;
import java.util.ArrayList;
import java.util.List;

/**
 * A schema change's report as an operator at the prompt makes it: gates that wait minutes for a
 * person, an expand of 0.4 s (shorter than the load's counting interval), a backfill throttled,
 * pinned, unthrottled and set adaptive again within a second, two approvals of one gate, a
 * revert, and the gauges the scenario samples.
 */
final class SyntheticSchemaRun {
  private SyntheticSchemaRun() {}

  static final long EXPAND_GATE_WAIT = 252_000; // 4 min 12 s
  static final long EXPAND_MS = 400;

  static LoadReport report() {
    List<Mark> marks = new ArrayList<>();
    marks.add(new Mark(0, "warmup", "warmup", MarkKind.LOAD));
    marks.add(new Mark(3_000, "phase-0", "baseline", MarkKind.LOAD));
    long at = 13_000;
    at = add(marks, at, "plan", "observe", MarkKind.STEP, 12);
    at = add(marks, at, "plan", "plan", MarkKind.STEP, 9);
    at = add(marks, at, "expand", "gate", MarkKind.GATE, EXPAND_GATE_WAIT);
    at = add(marks, at, "expand", "approve", MarkKind.OPERATOR, 8);
    at = add(marks, at, "expand", "expand", MarkKind.STEP, EXPAND_MS - 8);
    long backfillStart = at;
    at = add(marks, at, "backfill", "backfill", MarkKind.STEP, 5_000);
    at = add(marks, at, "backfill", "throttle", MarkKind.OPERATOR, 300);
    at = add(marks, at, "backfill", "set-batch", MarkKind.OPERATOR, 300);
    at = add(marks, at, "backfill", "unthrottle", MarkKind.OPERATOR, 300);
    at = add(marks, at, "backfill", "set-batch", MarkKind.OPERATOR, 24_100);
    long backfillEnd = at;
    at = add(marks, at, "verify", "verify", MarkKind.STEP, 600);
    at = add(marks, at, "switch-reads", "gate", MarkKind.GATE, 60_000);
    // approval 1 of 2: the gate waits on
    at = add(marks, at, "switch-reads", "approve", MarkKind.GATE, 30_000);
    at = add(marks, at, "switch-reads", "approve", MarkKind.OPERATOR, 5);
    at = add(marks, at, "switch-reads", "switch-reads", MarkKind.STEP, 20);
    at = add(marks, at, "switch-reads", "soak", MarkKind.STEP, 8_000);
    at = add(marks, at, "switch-reads", "revert", MarkKind.OPERATOR, 3_000);
    at = add(marks, at, "stop-old-writes", "gate", MarkKind.GATE, 35_000);
    at = add(marks, at, "stop-old-writes", "approve", MarkKind.OPERATOR, 6);
    at = add(marks, at, "stop-old-writes", "stop-old-writes", MarkKind.STEP, 30);
    at = add(marks, at, "stop-old-writes", "quiet-writers", MarkKind.STEP, 15_000);
    at = add(marks, at, "contract", "gate", MarkKind.GATE, 181_000);
    at = add(marks, at, "contract", "approve", MarkKind.OPERATOR, 7);
    at = add(marks, at, "contract", "contract", MarkKind.STEP, 300);
    at = add(marks, at, "after", "after", MarkKind.LOAD, 10_000);
    long end = at;

    List<TimelinePoint> timeline = new ArrayList<>();
    List<GaugePoint> rate = new ArrayList<>();
    List<GaugePoint> lag = new ArrayList<>();
    for (long s = 0; s < end / 1000; s++) {
      timeline.add(new TimelinePoint(s, 200, s % 97 == 0 ? 2 : 0, 1.0 + (s % 7) / 10.0,
          4.0 + (s % 11)));
      long ms = s * 1000 + 500;
      boolean backfilling = ms >= backfillStart && ms < backfillEnd;
      rate.add(new GaugePoint(ms, backfilling ? 900 + (s % 5) * 40 : 0));
      lag.add(new GaugePoint(ms, 3 + (s % 13)));
    }
    OperationStats all = new OperationStats(12_000, 0, 1.2, 9.5, 31.0);
    OperationStats one = new OperationStats(200, 0, 1.1, 8.0, 12.0);
    List<PhaseReport> phases = new ArrayList<>();
    List<PhaseReport> waits = new ArrayList<>();
    List<LoadReport.BaselineRatio> ratios = new ArrayList<>();
    for (String phase : List.of("warmup", "phase-0", "plan", "expand", "backfill", "verify",
        "switch-reads", "stop-old-writes", "contract", "after")) {
      List<String> steps = marks.stream().filter(m -> m.phase().equals(phase))
          .map(Mark::step).distinct().toList();
      long changing = 0;
      long waited = 0;
      for (int i = 0; i < marks.size(); i++) {
        Mark m = marks.get(i);
        if (m.phase().equals(phase)) {
          long until = (i + 1 < marks.size() ? marks.get(i + 1).offsetMs() : end) - m.offsetMs();
          if (m.kind() == MarkKind.GATE) {
            waited += until;
          } else {
            changing += until;
          }
        }
      }
      boolean short1 = changing < 1000;
      phases.add(new PhaseReport(phase, steps, 0, changing, short1 ? one : all, all, all,
          short1 ? 200 : 199.5, 0, 3, 900, 880, 20, 0, 0));
      ratios.add(new LoadReport.BaselineRatio(phase, short1 ? null : 1.0, short1 ? null : 1.1));
      if (waited > 0) {
        waits.add(new PhaseReport(phase, List.of("gate"), 0, waited, all, all, all, 200, 0, 0,
            0, 0, 0, 0, 0));
      }
    }
    PhaseReport total = new PhaseReport("total", List.of(), 0, end, all, all, all, 199.5, 0, 12,
        3600, 3520, 80, 0, 0);
    return new LoadReport("2026-01-01T00:00:00Z", end, 200, 8, 50, total, phases, waits,
        timeline, marks, "phase-0", ratios, List.of(),
        List.of(new Gauge("backfill rate", "rows/s", rate),
            new Gauge("replica lag", "ms", lag)));
  }

  private static long add(List<Mark> marks, long at, String phase, String step, MarkKind kind,
      long lasts) {
    marks.add(new Mark(at, phase, step, kind));
    return at + lasts;
  }
}
