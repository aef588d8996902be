package dev.underway.sandbox;

import dev.underway.sandbox.load.LoadGenerator;
import dev.underway.sandbox.report.BenchmarkFiles;
import dev.underway.sandbox.report.LoadReport;
import dev.underway.sandbox.report.LoadReport.MarkKind;
import dev.underway.sandbox.report.Spread;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.function.Function;

/**
 * What {@code underway sandbox --benchmark} reports for the cluster evolution, over the {@code
 * --repeat} runs of one command (each a whole sandbox of its own: fresh Temporal, cluster and
 * load): per phase and per step of the run (scale, replication, reader, ...), throughput and p99
 * as ratios to the Phase 0 baseline measured in the same run, each figure the median of the runs
 * with its spread ({@link Spread}, every run's value kept); the evolution's wall time; and whether
 * the targets held: no failed operation in any run, every phase's median p99 within {@value
 * #P99_TARGET}x the baseline. A report, not a test: numbers from a shared machine are noisy.
 *
 * @param repeat how many runs the figures are over
 * @param baselinePhase the phase the ratios compare to
 * @param phases one row per phase
 * @param steps one row per step of the run (its own timeline's steps, gate waits excluded)
 * @param failedOperations client operations that failed, all runs together
 * @param failedPerRun client operations that failed in each run
 * @param evolutionWallTimeMs from the start of the run to its end, gates included
 * @param targetsMet no failed operation and every phase's median p99 ratio within the target
 * @param measuredAt when
 * @param machine where: host name, cores, OS, JVM
 */
public record Benchmark(
    int repeat,
    String baselinePhase,
    List<Row> phases,
    List<StepRow> steps,
    long failedOperations,
    List<Long> failedPerRun,
    Spread evolutionWallTimeMs,
    boolean targetsMet,
    String measuredAt,
    String machine) {

  public static final double P99_TARGET = 1.5;

  /** One phase; a figure's median is null when no run has it (nothing succeeded, too short). */
  public record Row(String phase, Spread opsPerSecond, Spread opsPerSecondRatio, Spread p99Ms,
      Spread p99Ratio, long failed, boolean withinTarget) {}

  /**
   * One step of one phase: how long it took, the p99 during it and as a ratio to its run's
   * baseline (null in a run where the step lasted under a second: too short for a figure).
   */
  public record StepRow(String phase, String step, Spread durationMs, Spread p99Ms,
      Spread p99Ratio, long failed) {}

  public static Benchmark of(Sandbox.Outcome outcome) {
    return of(List.of(outcome));
  }

  /** The benchmark of {@code runs}, each a finished sandbox run of the evolution. */
  public static Benchmark of(List<Sandbox.Outcome> runs) {
    if (runs.isEmpty()) {
      throw new IllegalArgumentException("no run to report");
    }
    List<LoadReport> reports = runs.stream().map(Sandbox.Outcome::report).toList();
    List<String> phaseNames = new ArrayList<>();
    for (LoadReport r : reports) {
      r.phases().stream().map(LoadReport.PhaseReport::phase)
          .filter(p -> !p.equals(LoadGenerator.WARMUP) && !phaseNames.contains(p))
          .forEach(phaseNames::add);
    }
    List<Long> failedPerRun = runs.stream().map(Sandbox.Outcome::failedOperations).toList();
    long failed = failedPerRun.stream().mapToLong(Long::longValue).sum();
    boolean met = failed == 0;
    List<Row> rows = new ArrayList<>();
    for (String phase : phaseNames) {
      List<LoadReport.PhaseReport> ps = reports.stream()
          .map(r -> r.phase(phase).orElse(null)).toList();
      List<LoadReport.BaselineRatio> ratios = reports.stream().map(r -> r.baseline().stream()
          .filter(b -> b.phase().equals(phase)).findFirst().orElse(null)).toList();
      Spread p99Ratio = spread(ratios, LoadReport.BaselineRatio::p99Ratio);
      long phaseFailed = ps.stream().filter(Objects::nonNull).mapToLong(p -> p.all().failed())
          .sum();
      boolean within = phaseFailed == 0 && p99Ratio.median() != null
          && p99Ratio.median() <= P99_TARGET;
      met &= within;
      rows.add(new Row(phase, spread(ps, LoadReport.PhaseReport::opsPerSecond),
          spread(ratios, LoadReport.BaselineRatio::opsPerSecondRatio),
          spread(ps, p -> p.all().p99Ms()), p99Ratio, phaseFailed, within));
    }
    return new Benchmark(runs.size(), reports.get(0).baselinePhase(), rows, steps(reports),
        failed, failedPerRun, Spread.of(runs.stream()
            .map(o -> (Double) (double) o.evolutionWallTime().toMillis()).toList()),
        met, Instant.now().toString(), BenchmarkFiles.machine());
  }

  /** A row per step the run marked (its own steps), in the order the runs first took them. */
  static List<StepRow> steps(List<LoadReport> reports) {
    Map<String, List<LoadReport.StepReport>> byStep = new LinkedHashMap<>();
    for (int i = 0; i < reports.size(); i++) {
      for (LoadReport.StepReport s : reports.get(i).steps()) {
        if (s.kind() != MarkKind.STEP || s.phase().equals(LoadGenerator.WARMUP)) {
          continue;
        }
        List<LoadReport.StepReport> perRun = byStep.computeIfAbsent(s.phase() + "\n" + s.step(),
            k -> new ArrayList<>(java.util.Collections.nCopies(reports.size(), null)));
        perRun.set(i, s);
      }
    }
    List<StepRow> rows = new ArrayList<>();
    byStep.forEach((key, perRun) -> {
      List<Double> p99 = new ArrayList<>();
      List<Double> ratio = new ArrayList<>();
      List<Double> duration = new ArrayList<>();
      long failed = 0;
      for (int i = 0; i < perRun.size(); i++) {
        LoadReport.StepReport s = perRun.get(i);
        Double base = baselineP99(reports.get(i));
        LoadReport.PhaseReport f = s == null ? null : s.figures();
        boolean counted = f != null && !f.tooShortForRate();
        duration.add(f == null ? null : (double) f.durationMs());
        p99.add(counted ? f.all().p99Ms() : null);
        ratio.add(counted && f.all().p99Ms() != null && base != null && base > 0
            ? f.all().p99Ms() / base : null);
        failed += f == null ? 0 : f.all().failed();
      }
      String[] ps = key.split("\n", 2);
      rows.add(new StepRow(ps[0], ps[1], Spread.of(duration), Spread.of(p99), Spread.of(ratio),
          failed));
    });
    return rows;
  }

  private static Double baselineP99(LoadReport r) {
    return r.baselinePhase() == null ? null
        : r.phase(r.baselinePhase()).map(p -> p.all().p99Ms()).orElse(null);
  }

  private static <T> Spread spread(List<T> perRun, Function<T, Double> figure) {
    List<Double> values = new ArrayList<>();
    for (T t : perRun) {
      values.add(t == null ? null : figure.apply(t));
    }
    return Spread.of(values);
  }

  /** Writes {@code benchmark.json} into {@code dir}. */
  public Path write(Path dir) throws IOException {
    return BenchmarkFiles.write(dir, this);
  }

  public String text() {
    StringBuilder b = new StringBuilder(String.format(Locale.ROOT,
        "Benchmark%s (baseline %s; target: no failed operation, p99 <= %.1fx baseline)%n",
        repeat == 1 ? "" : " over " + repeat + " runs: median (min-max)", baselinePhase,
        P99_TARGET));
    b.append(String.format(Locale.ROOT, "%-10s %-18s %-18s %-18s %-18s %8s  %s%n", "phase",
        "ops/s", "x base", "p99 ms", "x base", "failed", "target"));
    for (Row r : phases) {
      b.append(String.format(Locale.ROOT, "%-10s %-18s %-18s %-18s %-18s %8d  %s%n", r.phase(),
          r.opsPerSecond().text("%.1f"), r.opsPerSecondRatio().text("%.2f"),
          r.p99Ms().text("%.1f"), r.p99Ratio().text("%.2f"), r.failed(),
          r.withinTarget() ? "met" : "MISSED"));
    }
    if (!steps.isEmpty()) {
      b.append(String.format(Locale.ROOT, "Per step (p99 as a ratio to the %s baseline; none for"
          + " a step under a second):%n", baselinePhase));
      b.append(String.format(Locale.ROOT, "%-10s %-20s %-18s %-18s %-18s %8s%n", "phase", "step",
          "duration s", "p99 ms", "x base", "failed"));
      for (StepRow s : steps) {
        b.append(String.format(Locale.ROOT, "%-10s %-20s %-18s %-18s %-18s %8d%n", s.phase(),
            s.step(), seconds(s.durationMs()), s.p99Ms().text("%.1f"),
            s.p99Ratio().text("%.2f"), s.failed()));
      }
    }
    b.append(String.format(Locale.ROOT, "Evolution wall time: %s s. Targets %s.%n",
        seconds(evolutionWallTimeMs), targetsMet ? "met" : "MISSED"));
    return b.toString();
  }

  private static String seconds(Spread ms) {
    List<Double> s = ms.runs().stream().map(v -> v == null ? null : v / 1000.0).toList();
    return Spread.of(s).text("%.1f");
  }
}
