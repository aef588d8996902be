package dev.underway.sandbox.load;

import dev.underway.sandbox.report.LoadReport;
import dev.underway.sandbox.report.LoadReport.BaselineRatio;
import dev.underway.kernel.Run;
import dev.underway.sandbox.report.LoadReport.Mark;
import dev.underway.sandbox.report.LoadReport.MarkKind;
import dev.underway.sandbox.report.LoadReport.PhaseReport;
import dev.underway.sandbox.report.LoadReport.TimelinePoint;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.HdrHistogram.Histogram;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Turns recorded intervals into phases, a per-second timeline and the recent window behind
 * {@link LoadSnapshot}. Not thread-safe: the generator calls it under one lock, from the
 * collecting thread and from {@code mark}.
 *
 * <p>Marks may arrive late: the run's steps are read from its timeline a poll after they
 * happened, and carry the time the run recorded. So an interval is attributed to a phase only
 * once it is {@link #HOLD} old (until then it is pending, and a report counts it where the marks
 * known so far put it), by its midpoint: the segment between two marks that holds the middle of
 * the interval gets it. A mark made now (the sandbox's own) cuts an interval exactly where it
 * is made; a late one is exact to half an interval (half a second). A mark older than the
 * attributed past is moved forward to it, and says so in the log.
 */
final class Aggregator {

  private static final Logger log = LoggerFactory.getLogger(Aggregator.class);
  private static final long SECOND = 1_000_000_000L;
  private static final long RECENT_WINDOW = 5 * SECOND;
  /** How long an interval waits for late marks before it is attributed for good. */
  static final long HOLD = 30 * SECOND;

  /** A mark, in nanoseconds since the start. */
  private record Segment(long offsetNanos, String phase, String step, MarkKind kind,
      String detail) {}

  /** A step's window: its phase, step and who marked it. */
  private record StepKey(String phase, String step, MarkKind kind) {}

  private static StepKey stepKey(Segment s) {
    return new StepKey(s.phase(), s.step(), s.kind());
  }

  /** An interval not yet attributed. */
  private record Pending(long beginNanos, long endNanos, Tally tally) {}

  /**
   * What one phase got for good, while changing and while waiting at its gates, and how long
   * the intervals counted in each last (the time a rate is over).
   */
  private static final class PhaseAcc {
    final Tally changing = new Tally();
    final Tally waiting = new Tally();
    long changingNanos;
    long waitingNanos;

    void add(Pending p, boolean gate) {
      (gate ? waiting : changing).add(p.tally());
      if (gate) {
        waitingNanos += p.endNanos() - p.beginNanos();
      } else {
        changingNanos += p.endNanos() - p.beginNanos();
      }
    }

    void add(PhaseAcc other) {
      changing.add(other.changing);
      waiting.add(other.waiting);
      changingNanos += other.changingNanos;
      waitingNanos += other.waitingNanos;
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
  private final List<Segment> segments = new ArrayList<>();
  private final Map<String, PhaseAcc> attributed = new HashMap<>();
  /** What each step got for good ({@link #stepKey}); gate waits are no step's. */
  private final Map<StepKey, PhaseAcc> attributedSteps = new HashMap<>();
  private final ArrayDeque<Pending> pending = new ArrayDeque<>();
  private final TreeMap<Long, SecondAcc> openSeconds = new TreeMap<>();
  private final List<TimelinePoint> timeline = new ArrayList<>();
  private final ArrayDeque<Recent> recent = new ArrayDeque<>();
  private final Tally total = new Tally();
  private long lastEndNanos;
  private long attributedUntilNanos;

  Aggregator(long startNanos, String phase, String step) {
    this.startNanos = startNanos;
    this.lastEndNanos = startNanos;
    this.attributedUntilNanos = startNanos;
    segments.add(new Segment(0, phase, step, MarkKind.LOAD, ""));
  }

  /** The phase of the latest mark. */
  String phase() {
    return segments.get(segments.size() - 1).phase();
  }

  String step() {
    return segments.get(segments.size() - 1).step();
  }

  /** Adds the interval that ended at {@code endNanos} (it began where the previous one ended). */
  void add(IntervalRecorder.Interval interval, long endNanos) {
    long begin = lastEndNanos;
    lastEndNanos = Math.max(endNanos, begin);
    Tally tally = new Tally();
    tally.add(interval);
    total.add(tally);
    pending.addLast(new Pending(begin, lastEndNanos, tally));
    attributeUntil(lastEndNanos - HOLD);

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
    Histogram latency = tally.all();
    acc.latency.add(latency);
    acc.ok += tally.ok();
    acc.failed += tally.failed();

    recent.addLast(new Recent(begin, lastEndNanos, tally.ok(), tally.failed(), latency));
    while (!recent.isEmpty() && recent.peekFirst().endNanos() < lastEndNanos - RECENT_WINDOW) {
      recent.removeFirst();
    }
  }

  /**
   * From {@code atNanos} (a {@link System#nanoTime()} reading, possibly in the past) until the
   * next mark, the load belongs to {@code phase}/{@code step}. Repeating the latest mark
   * changes nothing, unless it is an operator's action (two set-batch in a row are two).
   */
  void mark(String phase, String step, MarkKind kind, long atNanos) {
    mark(phase, step, kind, atNanos, "");
  }

  /** {@link #mark(String, String, MarkKind, long)} with what the run said about it. */
  void mark(String phase, String step, MarkKind kind, long atNanos, String detail) {
    Segment last = segments.get(segments.size() - 1);
    if (kind != MarkKind.OPERATOR && last.phase().equals(phase) && last.step().equals(step)
        && last.kind() == kind && last.detail().equals(detail == null ? "" : detail)) {
      return;
    }
    long at = atNanos;
    if (at < attributedUntilNanos) {
      log.warn("Mark {}/{} came {} ms after the load before it was counted; it is moved to"
          + " where counting stands", phase, step, (attributedUntilNanos - at) / 1_000_000);
      at = attributedUntilNanos;
    }
    Segment s = new Segment(at - startNanos, phase, step, kind, detail == null ? "" : detail);
    int i = segments.size();
    while (i > 0 && segments.get(i - 1).offsetNanos() > s.offsetNanos()) {
      i--;
    }
    segments.add(i, s);
  }

  /** Attributes, for good, every pending interval that ended by {@code untilNanos}. */
  private void attributeUntil(long untilNanos) {
    while (!pending.isEmpty() && pending.peekFirst().endNanos() <= untilNanos) {
      Pending p = pending.removeFirst();
      Segment s = segmentAt(p);
      attributed.computeIfAbsent(s.phase(), k -> new PhaseAcc())
          .add(p, s.kind() == MarkKind.GATE);
      if (s.kind() != MarkKind.GATE) {
        attributedSteps.computeIfAbsent(stepKey(s), k -> new PhaseAcc()).add(p, false);
      }
      attributedUntilNanos = Math.max(attributedUntilNanos, p.endNanos());
    }
  }

  /** The segment that holds the middle of {@code p}. */
  private Segment segmentAt(Pending p) {
    long middle = (p.beginNanos() + p.endNanos()) / 2 - startNanos;
    Segment found = segments.get(0);
    for (Segment s : segments) {
      if (s.offsetNanos() > middle) {
        break;
      }
      found = s;
    }
    return found;
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
    return new LoadSnapshot((nowNanos - startNanos) / 1_000_000, phase(), step(),
        round(opsPerSecond), total.ok(), total.failed(), total.missed, p99, readerPathInUse);
  }

  LoadReport report(long nowNanos, String startedAt, LoadOptions options,
      List<LoadReport.ErrorSample> errors) {
    Map<String, PhaseAcc> tallies = talliesWithPending();
    Map<String, long[]> nanos = new LinkedHashMap<>(); // phase -> {changing, waiting}
    Map<String, LinkedHashSet<String>> steps = new LinkedHashMap<>();
    Map<String, Long> firstOffset = new HashMap<>();
    Map<String, Long> firstWait = new HashMap<>();
    List<Mark> marks = new ArrayList<>();
    Map<StepKey, long[]> stepNanos = new LinkedHashMap<>(); // key -> {duration, first offset}
    for (int i = 0; i < segments.size(); i++) {
      Segment s = segments.get(i);
      long end = i + 1 < segments.size() ? segments.get(i + 1).offsetNanos()
          : nowNanos - startNanos;
      boolean gate = s.kind() == MarkKind.GATE;
      nanos.computeIfAbsent(s.phase(), k -> new long[2])[gate ? 1 : 0] +=
          Math.max(0, end - s.offsetNanos());
      steps.computeIfAbsent(s.phase(), k -> new LinkedHashSet<>()).add(s.step());
      firstOffset.putIfAbsent(s.phase(), s.offsetNanos());
      if (gate) {
        firstWait.putIfAbsent(s.phase(), s.offsetNanos());
      } else {
        long[] d = stepNanos.computeIfAbsent(stepKey(s), k -> new long[] {0, s.offsetNanos()});
        d[0] += Math.max(0, end - s.offsetNanos());
      }
      marks.add(new Mark(s.offsetNanos() / 1_000_000, s.phase(), s.step(), s.kind(),
          s.detail()));
    }
    List<PhaseReport> phaseReports = new ArrayList<>();
    List<PhaseReport> waits = new ArrayList<>();
    for (Map.Entry<String, long[]> e : nanos.entrySet()) {
      String name = e.getKey();
      PhaseAcc acc = tallies.getOrDefault(name, new PhaseAcc());
      phaseReports.add(phaseReport(name, new ArrayList<>(steps.get(name)),
          firstOffset.get(name), e.getValue()[0], acc.changing, acc.changingNanos));
      if (firstWait.containsKey(name)) {
        waits.add(phaseReport(name, List.of(Run.GATE), firstWait.get(name), e.getValue()[1],
            acc.waiting, acc.waitingNanos));
      }
    }
    Map<StepKey, PhaseAcc> stepTallies = stepTalliesWithPending();
    List<LoadReport.StepReport> stepReports = new ArrayList<>();
    for (Map.Entry<StepKey, long[]> e : stepNanos.entrySet()) {
      StepKey k = e.getKey();
      PhaseAcc acc = stepTallies.getOrDefault(k, new PhaseAcc());
      stepReports.add(new LoadReport.StepReport(k.phase(), k.step(), k.kind(),
          phaseReport(k.phase(), List.of(k.step()), e.getValue()[1], e.getValue()[0],
              acc.changing, acc.changingNanos)));
    }
    PhaseReport totalReport = phaseReport("total", List.of(), 0, nowNanos - startNanos, total,
        lastEndNanos - startNanos);

    List<TimelinePoint> points = new ArrayList<>(timeline);
    openSeconds.forEach((s, acc) -> points.add(point(s, acc)));

    String baselinePhase = null;
    PhaseReport base = null;
    for (PhaseReport p : phaseReports) {
      if (p.all().ok() > 0 && !p.phase().equals(LoadGenerator.WARMUP) && !p.tooShortForRate()) {
        base = p;
        baselinePhase = p.phase();
        break;
      }
    }
    List<BaselineRatio> ratios = new ArrayList<>();
    for (PhaseReport p : phaseReports) {
      Double opsRatio = null;
      Double p99Ratio = null;
      if (p.tooShortForRate()) {
        // one interval's counts, most of them from around the phase: no ratio describes it
        ratios.add(new BaselineRatio(p.phase(), null, null));
        continue;
      }
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
        phaseReports, waits, points, marks, baselinePhase, ratios, errors, List.of(),
        stepReports);
  }

  /** {@link #talliesWithPending()} per step. */
  private Map<StepKey, PhaseAcc> stepTalliesWithPending() {
    Map<StepKey, PhaseAcc> out = new HashMap<>();
    attributedSteps.forEach((k, acc) -> {
      PhaseAcc copy = new PhaseAcc();
      copy.add(acc);
      out.put(k, copy);
    });
    for (Pending p : pending) {
      Segment s = segmentAt(p);
      if (s.kind() != MarkKind.GATE) {
        out.computeIfAbsent(stepKey(s), k -> new PhaseAcc()).add(p, false);
      }
    }
    return out;
  }

  /** What each phase got for good plus where the marks so far put the pending intervals. */
  private Map<String, PhaseAcc> talliesWithPending() {
    Map<String, PhaseAcc> out = new HashMap<>();
    attributed.forEach((phase, acc) -> {
      PhaseAcc copy = new PhaseAcc();
      copy.add(acc);
      out.put(phase, copy);
    });
    for (Pending p : pending) {
      Segment s = segmentAt(p);
      out.computeIfAbsent(s.phase(), k -> new PhaseAcc()).add(p, s.kind() == MarkKind.GATE);
    }
    return out;
  }

  /**
   * A phase's figures: its duration is the time between its marks; its rate is over the time
   * its counted intervals cover ({@code countedNanos}), which differs from its duration by up
   * to an interval at each of its ends.
   */
  private static PhaseReport phaseReport(String name, List<String> steps, long firstOffsetNanos,
      long durationNanos, Tally t, long countedNanos) {
    double seconds = countedNanos / (double) SECOND;
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
