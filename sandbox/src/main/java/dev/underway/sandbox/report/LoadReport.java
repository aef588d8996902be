package dev.underway.sandbox.report;

import dev.underway.kernel.Run;
import java.util.List;
import java.util.Objects;

/**
 * What the load generator saw during a sandbox run: per phase, a per-second timeline, the phase
 * and step marks, and each phase compared with the baseline phase. Immutable and
 * Jackson-friendly (records only; latencies in milliseconds, offsets from the start of the run).
 *
 * <p>Latency is measured from each operation's <em>scheduled</em> start (open-loop pacing), so
 * time spent waiting for a free connection while the database stalls is counted, not hidden.
 * Latency percentiles cover successful operations only; failed ones are counted.
 *
 * @param startedAt wall-clock start of the load, ISO-8601 (UTC)
 * @param durationMs from start to stop (or to the moment the report was taken)
 * @param targetOpsPerSecond the configured total rate
 * @param threads the configured concurrency
 * @param writePercent share of writes in the mix
 * @param total every phase together
 * @param phases in the order they were first marked; each sums the segments of that phase
 *     in which something happened (its steps), never the time spent waiting at its gates
 * @param waits per phase, the time spent waiting at its gates and the load during it (only
 *     phases that had a gate); kept out of {@code phases} so that a phase's figures describe
 *     the change, not the minutes a person took to approve it
 * @param timeline one point per second of the run
 * @param marks every phase/step boundary in time order: the run's steps and gates at the times
 *     its own timeline recorded, and the sandbox's own (warm-up, baseline, after)
 * @param baselinePhase the phase the ratios compare to: the first phase with successful
 *     operations that lasted at least {@link #SAMPLING_MS}, null when none did
 * @param baseline per phase, throughput and p99 as ratios to the baseline phase's (none for a
 *     phase {@link PhaseReport#tooShortForRate() too short for a rate})
 * @param errors the first distinct error messages (at most a few dozen), with how often each
 *     occurred; secrets removed
 * @param gauges series a scenario sampled besides the load (e.g. a backfill's rate, replica
 *     lag), drawn under the load's chart with the same marks; empty when none
 * @param steps per phase and step (each step's segments summed, its gate waits excluded), the
 *     load during it, in the order first marked: what the benchmark's per-step rows read; empty in
 *     reports written before it
 */
public record LoadReport(
    String startedAt,
    long durationMs,
    double targetOpsPerSecond,
    int threads,
    int writePercent,
    PhaseReport total,
    List<PhaseReport> phases,
    List<PhaseReport> waits,
    List<TimelinePoint> timeline,
    List<Mark> marks,
    String baselinePhase,
    List<BaselineRatio> baseline,
    List<ErrorSample> errors,
    List<Gauge> gauges,
    List<StepReport> steps) {

  /**
   * The load is counted in intervals of this length (and at every mark the sandbox makes
   * itself), each interval whole in the segment that holds its middle: a phase shorter than this
   * has at most one interval's counts, which say nothing about its own rate.
   */
  public static final long SAMPLING_MS = 1000;

  /** A report without gauges (the load's own figures only). */
  public LoadReport(String startedAt, long durationMs, double targetOpsPerSecond, int threads,
      int writePercent, PhaseReport total, List<PhaseReport> phases, List<PhaseReport> waits,
      List<TimelinePoint> timeline, List<Mark> marks, String baselinePhase,
      List<BaselineRatio> baseline, List<ErrorSample> errors) {
    this(startedAt, durationMs, targetOpsPerSecond, threads, writePercent, total, phases, waits,
        timeline, marks, baselinePhase, baseline, errors, List.of(), List.of());
  }

  /** A report without per-step windows. */
  public LoadReport(String startedAt, long durationMs, double targetOpsPerSecond, int threads,
      int writePercent, PhaseReport total, List<PhaseReport> phases, List<PhaseReport> waits,
      List<TimelinePoint> timeline, List<Mark> marks, String baselinePhase,
      List<BaselineRatio> baseline, List<ErrorSample> errors, List<Gauge> gauges) {
    this(startedAt, durationMs, targetOpsPerSecond, threads, writePercent, total, phases, waits,
        timeline, marks, baselinePhase, baseline, errors, gauges, List.of());
  }

  /** This report with {@code gauges} instead of its own. */
  public LoadReport withGauges(List<Gauge> gauges) {
    return new LoadReport(startedAt, durationMs, targetOpsPerSecond, threads, writePercent,
        total, phases, waits, timeline, marks, baselinePhase, baseline, errors, gauges, steps);
  }

  /**
   * The load during one step of one phase: every segment marked {@code phase}/{@code step}
   * (of kind {@code kind}) summed; a gate's wait is never a step's.
   *
   * @param kind who marked it: {@link MarkKind#STEP} for the run's own steps
   * @param figures the load during it ({@link PhaseReport#phase()} is the phase, its only step
   *     {@code step}); {@link PhaseReport#tooShortForRate()} when it lasted under a second
   */
  public record StepReport(String phase, String step, MarkKind kind, PhaseReport figures) {
    public StepReport {
      Objects.requireNonNull(phase, "phase");
      Objects.requireNonNull(figures, "figures");
      step = step == null ? "" : step;
      kind = kind == null ? MarkKind.LOAD : kind;
    }
  }

  /**
   * A series sampled during the run.
   *
   * @param name what it is ({@code backfill rows/s})
   * @param unit its unit ({@code rows/s}, {@code ms})
   * @param points in time order
   */
  public record Gauge(String name, String unit, List<GaugePoint> points) {
    public Gauge {
      Objects.requireNonNull(name, "name");
      points = List.copyOf(points);
    }
  }

  /** One sample: {@code offsetMs} from the start of the run. */
  public record GaugePoint(long offsetMs, double value) {}

  public LoadReport {
    Objects.requireNonNull(total, "total");
    phases = List.copyOf(phases);
    waits = waits == null ? List.of() : List.copyOf(waits);
    timeline = List.copyOf(timeline);
    marks = List.copyOf(marks);
    baseline = List.copyOf(baseline);
    errors = List.copyOf(errors);
    gauges = gauges == null ? List.of() : List.copyOf(gauges);
    steps = steps == null ? List.of() : List.copyOf(steps);
  }

  /** The report of one phase, if it was marked. */
  public java.util.Optional<PhaseReport> phase(String name) {
    return phases.stream().filter(p -> p.phase().equals(name)).findFirst();
  }

  /**
   * Counts and latency of one kind of operation (or all of them).
   *
   * @param p50Ms null when no operation succeeded
   */
  public record OperationStats(long ok, long failed, Double p50Ms, Double p99Ms, Double maxMs) {}

  /**
   * One phase: all segments between a mark of this phase and the next mark, summed.
   *
   * @param steps the steps marked within the phase, in order
   * @param firstOffsetMs when the phase was first entered
   * @param durationMs time spent in the phase (sum of its segments)
   * @param opsPerSecond successful operations per second of the time the counted intervals
   *     cover (each interval is counted whole where its middle falls); not a rate of the phase
   *     when it is {@link #tooShortForRate() shorter than the counting interval}
   * @param missed operations the pacer could not even queue because every thread was busy and
   *     the backlog was full (the target rate was not met)
   * @param retries statements the database asked the client to retry (SQLSTATE 40001
   *     serialization failure, 40P01 deadlock) and that were retried within their operation; an
   *     operation counts as failed only when its last attempt failed
   * @param readsOnReaderPath reads sent over the reader path (else over the writer)
   * @param readsServedByStandby reads whose connection reported {@code pg_is_in_recovery() = true}
   * @param readsServedByPrimary reads whose connection reported {@code false}
   * @param readsServedByUnknown reads whose server kind could not be determined
   * @param readsNotFound successful reads that found no row (e.g. not yet replicated)
   */
  public record PhaseReport(
      String phase,
      List<String> steps,
      long firstOffsetMs,
      long durationMs,
      OperationStats all,
      OperationStats reads,
      OperationStats writes,
      double opsPerSecond,
      long missed,
      long retries,
      long readsOnReaderPath,
      long readsServedByStandby,
      long readsServedByPrimary,
      long readsServedByUnknown,
      long readsNotFound) {
    public PhaseReport {
      steps = List.copyOf(steps);
      Objects.requireNonNull(all, "all");
      Objects.requireNonNull(reads, "reads");
      Objects.requireNonNull(writes, "writes");
    }

    /**
     * Whether the phase lasted less than the load's counting interval ({@link #SAMPLING_MS}):
     * its counts are those of the one interval whose middle fell in it (or none), so neither
     * its rate nor a ratio to the baseline describe it.
     */
    public boolean tooShortForRate() {
      return durationMs < SAMPLING_MS;
    }
  }

  /**
   * One second of the run.
   *
   * @param second seconds since start (this point covers [second, second + 1))
   * @param p50Ms null when nothing succeeded in that second
   */
  public record TimelinePoint(long second, long ok, long failed, Double p50Ms, Double p99Ms) {}

  /**
   * A phase/step boundary: from {@code offsetMs} until the next mark, the load is counted
   * for {@code phase}; as a gate's wait when {@code kind} is {@link MarkKind#GATE}.
   *
   * @param detail what the run said about it (who approved, the batch size set), or empty
   */
  public record Mark(long offsetMs, String phase, String step, MarkKind kind, String detail) {
    public Mark {
      Objects.requireNonNull(phase, "phase");
      step = step == null ? "" : step;
      kind = kind == null ? MarkKind.LOAD : kind;
      detail = detail == null ? "" : detail;
    }

    public Mark(long offsetMs, String phase, String step, MarkKind kind) {
      this(offsetMs, phase, step, kind, "");
    }

    /**
     * Whether an operator did this: an {@link MarkKind#OPERATOR} mark, or an approval the gate
     * still waits after (a {@link MarkKind#GATE} mark other than the gate's opening).
     */
    public boolean byOperator() {
      return kind == MarkKind.OPERATOR || kind == MarkKind.GATE && !step.equals(Run.GATE);
    }
  }

  /** Who set a mark and what the time after it is. */
  public enum MarkKind {
    /** The sandbox's own: warm-up, baseline, the load after the run. */
    LOAD,
    /** A step of the run (from the run's timeline). */
    STEP,
    /**
     * A gate of the run opened (step {@code gate}), or was approved by someone but waits for
     * more approvals (step {@code approve}): the time until the next mark is waiting for people.
     */
    GATE,
    /**
     * An operator acted on the run at this moment: a decision (approve, reject, abort) or a
     * command (throttle, unthrottle, set-batch, revert, override). Each is its own mark; the
     * time after it is its phase's change (an approval ends the gate's wait).
     */
    OPERATOR
  }

  /**
   * A phase compared with the baseline phase; a ratio is null when it is undefined (nothing
   * succeeded in the baseline or in this phase).
   */
  public record BaselineRatio(String phase, Double opsPerSecondRatio, Double p99Ratio) {}

  /** A distinct error, first seen at {@code firstOffsetMs}, seen {@code count} times. */
  public record ErrorSample(
      long firstOffsetMs, String phase, String operation, String sqlState, String message,
      long count) {}
}
