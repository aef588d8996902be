package dev.underway.sandbox;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import dev.underway.sandbox.load.LoadGenerator;
import dev.underway.sandbox.report.LoadReport;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * What {@code underway sandbox --benchmark} reports: per phase, throughput and p99 as ratios to
 * the Phase 0 baseline measured in the same run, the evolution's wall time, and whether the
 * targets held: no failed operation, p99 during any phase within {@value #P99_TARGET}x the
 * baseline. A report, not a test: numbers from a shared machine are noisy.
 *
 * @param baselinePhase the phase the ratios compare to
 * @param phases one row per phase
 * @param failedOperations client operations that failed during the whole run
 * @param evolutionWallTimeMs from the start of the run to its end, gates included
 * @param targetsMet no failed operation and every p99 ratio within the target
 */
public record Benchmark(
    String baselinePhase,
    List<Row> phases,
    long failedOperations,
    long evolutionWallTimeMs,
    boolean targetsMet) {

  public static final double P99_TARGET = 1.5;

  /** One phase. A ratio is null when undefined (nothing succeeded). */
  public record Row(String phase, double opsPerSecond, Double opsPerSecondRatio, Double p99Ms,
      Double p99Ratio, long failed, boolean withinTarget) {}

  public static Benchmark of(Sandbox.Outcome outcome) {
    LoadReport report = outcome.report();
    List<Row> rows = new ArrayList<>();
    boolean met = outcome.failedOperations() == 0;
    for (LoadReport.PhaseReport p : report.phases()) {
      if (p.phase().equals(LoadGenerator.WARMUP)) {
        continue;
      }
      LoadReport.BaselineRatio ratio = report.baseline().stream()
          .filter(b -> b.phase().equals(p.phase())).findFirst().orElse(null);
      Double p99Ratio = ratio == null ? null : ratio.p99Ratio();
      boolean within = p.all().failed() == 0 && p99Ratio != null && p99Ratio <= P99_TARGET;
      met &= within;
      rows.add(new Row(p.phase(), p.opsPerSecond(),
          ratio == null ? null : ratio.opsPerSecondRatio(), p.all().p99Ms(), p99Ratio,
          p.all().failed(), within));
    }
    return new Benchmark(report.baselinePhase(), rows, outcome.failedOperations(),
        outcome.evolutionWallTime().toMillis(), met);
  }

  /** Writes {@code benchmark.json} into {@code dir}. */
  public Path write(Path dir) throws IOException {
    Files.createDirectories(dir);
    Path file = dir.resolve("benchmark.json");
    Files.writeString(file, new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT)
        .writeValueAsString(this) + "\n");
    return file;
  }

  public String text() {
    StringBuilder b = new StringBuilder(String.format(Locale.ROOT,
        "Benchmark (baseline %s; target: no failed operation, p99 <= %.1fx baseline)%n",
        baselinePhase, P99_TARGET));
    b.append(String.format(Locale.ROOT, "%-10s %10s %10s %10s %10s %8s  %s%n", "phase",
        "ops/s", "x base", "p99 ms", "x base", "failed", "target"));
    for (Row r : phases) {
      b.append(String.format(Locale.ROOT, "%-10s %10.1f %10s %10s %10s %8d  %s%n", r.phase(),
          r.opsPerSecond(), ratio(r.opsPerSecondRatio()),
          r.p99Ms() == null ? "-" : String.format(Locale.ROOT, "%.1f", r.p99Ms()),
          ratio(r.p99Ratio()), r.failed(), r.withinTarget() ? "met" : "MISSED"));
    }
    b.append(String.format(Locale.ROOT, "Evolution wall time: %.1f s. Targets %s.%n",
        evolutionWallTimeMs / 1000.0, targetsMet ? "met" : "MISSED"));
    return b.toString();
  }

  private static String ratio(Double r) {
    return r == null ? "-" : String.format(Locale.ROOT, "%.2f", r);
  }
}
