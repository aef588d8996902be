package dev.underway.sandbox.load;

import dev.underway.sandbox.report.LoadReport;
import dev.underway.sandbox.report.LoadReport.BaselineRatio;
import dev.underway.sandbox.report.LoadReport.Mark;
import dev.underway.sandbox.report.LoadReport.PhaseReport;
import dev.underway.sandbox.report.LoadReport.TimelinePoint;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.HdrHistogram.Histogram;

/**
 * Turns recorded intervals into phases (summing the segments between marks), a per-second
 * timeline and the recent window behind {@link LoadSnapshot}. Not thread-safe: the generator
 * calls it under one lock, from the collecting thread and from {@code mark}.
 */
final class Aggregator {

  private static final long SECOND = 1_000_000_000L;
  private static final long RECENT_WINDOW = 5 * SECOND;

  private static final class PhaseAcc {
    final Tally tally = new Tally();
    final LinkedHashSet<String> steps = new LinkedHashSet<>();
    final long firstOffsetNanos;
    long closedNanos;

    PhaseAcc(long firstOffsetNanos) {
      this.firstOffsetNanos = firstOffsetNanos;
    }
  }

  private static final class SecondAcc {
    final Histogram latency = new Histogram(3);
    long ok;
    long failed;

    SecondAcc() {
      latency.setAutoResize(true);
    }
  }

  private record Recent(long startNanos, long endNanos, long ok, long failed, Histogram latency) {}

  private final long startNanos;
  private final Map<String, PhaseAcc> phases = new LinkedHashMap<>();
  private final List<Mark> marks = new ArrayList<>();
  private final TreeMap<Long, SecondAcc> openSeconds = new TreeMap<>();
  private final List<TimelinePoint> timeline = new ArrayList<>();
  private final ArrayDeque<Recent> recent = new ArrayDeque<>();
  private final Tally total = new Tally();
  private String phase;
  private String step;
  private long segmentStartNanos;
  private long lastEndNanos;

  Aggregator(long startNanos, String phase, String step) {
    this.startNanos = startNanos;
    this.lastEndNanos = startNanos;
    enter(phase, step, startNanos);
  }

  String phase() {
    return phase;
  }

  String step() {
    return step;
  }

  /** Adds the interval that ended at {@code endNanos} (it began where the previous one ended). */
  void add(IntervalRecorder.Interval interval, long endNanos) {
    long begin = lastEndNanos;
    lastEndNanos = Math.max(endNanos, begin);
    phases.get(phase).tally.add(interval);
    total.add(interval);

    long second = (begin - startNanos) / SECOND;
    Iterator<Map.Entry<Long, SecondAcc>> it = openSeconds.entrySet().iterator();
    while (it.hasNext()) {
      Map.Entry<Long, SecondAcc> e = it.next();
      if (e.getKey() < second) {
        timeline.add(point(e.getKey(), e.getValue()));
        it.remove();
      }
    }
    SecondAcc acc = openSeconds.computeIfAbsent(second, s -> new SecondAcc());
    Histogram latency = interval.readLatency.copy();
    latency.add(interval.writeLatency);
    acc.latency.add(latency);
    long ok = interval.readsOk.sum() + interval.writesOk.sum();
    long failed = interval.readsFailed.sum() + interval.writesFailed.sum();
    acc.ok += ok;
    acc.failed += failed;

    recent.addLast(new Recent(begin, lastEndNanos, ok, failed, latency));
    while (!recent.isEmpty() && recent.peekFirst().endNanos() < lastEndNanos - RECENT_WINDOW) {
      recent.removeFirst();
    }
  }

  /** Closes the current segment at {@code nowNanos} and opens one for {@code phase}/{@code step}. */
  void mark(String newPhase, String newStep, long nowNanos) {
    phases.get(phase).closedNanos += nowNanos - segmentStartNanos;
    enter(newPhase, newStep, nowNanos);
  }

  private void enter(String newPhase, String newStep, long nowNanos) {
    phase = newPhase;
    step = newStep;
    segmentStartNanos = nowNanos;
    phases.computeIfAbsent(newPhase, p -> new PhaseAcc(nowNanos - startNanos)).steps.add(newStep);
    marks.add(new Mark((nowNanos - startNanos) / 1_000_000, newPhase, newStep));
  }

  LoadSnapshot snapshot(long nowNanos, boolean readerPathInUse) {
    long okLastSecond = 0;
    long from = lastEndNanos;
    Histogram window = new Histogram(3);
    window.setAutoResize(true);
    for (Recent r : recent) {
      if (r.endNanos() > lastEndNanos - SECOND) {
        okLastSecond += r.ok();
        from = Math.min(from, r.startNanos());
      }
      window.add(r.latency());
    }
    long span = lastEndNanos - from;
    double opsPerSecond = span > 0 ? okLastSecond * (double) SECOND / span : 0;
    Double p99 = window.getTotalCount() == 0 ? null : Tally.ms(window.getValueAtPercentile(99));
    return new LoadSnapshot((nowNanos - startNanos) / 1_000_000, phase, step,
        round(opsPerSecond), total.ok(), total.failed(), total.missed, p99, readerPathInUse);
  }

  LoadReport report(long nowNanos, String startedAt, LoadOptions options,
      List<LoadReport.ErrorSample> errors) {
    List<PhaseReport> phaseReports = new ArrayList<>();
    for (Map.Entry<String, PhaseAcc> e : phases.entrySet()) {
      PhaseAcc acc = e.getValue();
      long nanos = acc.closedNanos + (e.getKey().equals(phase) ? nowNanos - segmentStartNanos : 0);
      phaseReports.add(phaseReport(e.getKey(), new ArrayList<>(acc.steps),
          acc.firstOffsetNanos, nanos, acc.tally));
    }
    PhaseReport totalReport = phaseReport("total", List.of(), 0, nowNanos - startNanos, total);

    List<TimelinePoint> points = new ArrayList<>(timeline);
    openSeconds.forEach((s, acc) -> points.add(point(s, acc)));

    String baselinePhase = null;
    PhaseReport base = null;
    for (PhaseReport p : phaseReports) {
      if (p.all().ok() > 0 && !p.phase().equals(LoadGenerator.WARMUP)) {
        base = p;
        baselinePhase = p.phase();
        break;
      }
    }
    List<BaselineRatio> ratios = new ArrayList<>();
    for (PhaseReport p : phaseReports) {
      Double opsRatio = null;
      Double p99Ratio = null;
      if (base != null && base.opsPerSecond() > 0 && p.all().ok() > 0) {
        opsRatio = round(p.opsPerSecond() / base.opsPerSecond());
      }
      if (base != null && base.all().p99Ms() != null && p.all().p99Ms() != null) {
        p99Ratio = round(p.all().p99Ms() / base.all().p99Ms());
      }
      ratios.add(new BaselineRatio(p.phase(), opsRatio, p99Ratio));
    }
    return new LoadReport(startedAt, (nowNanos - startNanos) / 1_000_000,
        options.opsPerSecond(), options.threads(), options.writePercent(), totalReport,
        phaseReports, points, marks, baselinePhase, ratios, errors);
  }

  private static PhaseReport phaseReport(String name, List<String> steps, long firstOffsetNanos,
      long durationNanos, Tally t) {
    double seconds = durationNanos / (double) SECOND;
    return new PhaseReport(name, steps, firstOffsetNanos / 1_000_000, durationNanos / 1_000_000,
        t.allStats(), t.readStats(), t.writeStats(),
        seconds > 0 ? round(t.ok() / seconds) : 0,
        t.missed, t.retries, t.readsOnReaderPath, t.readsStandby, t.readsPrimary, t.readsUnknown,
        t.readsNotFound);
  }

  private static TimelinePoint point(long second, SecondAcc acc) {
    Histogram h = acc.latency;
    if (h.getTotalCount() == 0) {
      return new TimelinePoint(second, acc.ok, acc.failed, null, null);
    }
    return new TimelinePoint(second, acc.ok, acc.failed,
        Tally.ms(h.getValueAtPercentile(50)), Tally.ms(h.getValueAtPercentile(99)));
  }

  static double round(double v) {
    return Math.round(v * 1000.0) / 1000.0;
  }
}
