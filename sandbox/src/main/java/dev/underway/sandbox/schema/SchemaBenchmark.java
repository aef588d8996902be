package dev.underway.sandbox.schema;

import dev.underway.sandbox.Sandbox;
import dev.underway.sandbox.report.BenchmarkFiles;
import dev.underway.sandbox.report.LoadReport;
import dev.underway.sandbox.report.Spread;
import dev.underway.sandbox.schema.SchemaChangeCheck.GuardRunFigures;
import dev.underway.workflows.schema.SchemaChangeResult;
import dev.underway.workflows.schema.contract.BackfillResult;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.function.Function;

/**
 * What {@code underway sandbox --runbook schema-change --benchmark} reports, over the {@code
 * --repeat} runs of one command (each a whole sandbox of its own), each on the same data under
 * the same load: the run's throttled backfill (rows/s and the foreground p99 during it, the run's
 * {@code backfill} phase), an unthrottled raw batched {@code UPDATE} of the same rows after the
 * run, and the activities' backfill again at several guard settings ({@link GuardSweep}: ratio
 * 1.1, 1.25, 1.5 and off), each p99 as a ratio to the baseline (the load before the run) and each
 * rate as a ratio to the raw update's (a backfill's rate is over its work, its rests included,
 * never the seconds its guard sampled the baseline before the first batch). Every figure is the median of the runs with its spread
 * ({@link Spread}; every run's value kept). Targets: p99 during the throttled backfill at most
 * {@value #P99_TARGET}x the baseline (median), no failed client operation in any run. A report,
 * not a test: a shared machine is noisy.
 *
 * @param repeat how many runs the figures are over
 * @param rows rows in the table at the end
 * @param baselinePhase the phase the ratios compare to
 * @param baselineP99Ms foreground p99 before the run
 * @param backfill the run's throttled backfill
 * @param rawUpdate the raw batched update
 * @param backfillRowsPerSecondRatio backfill rows/s divided by the raw update's
 * @param guard one row per guard setting, in the order they ran
 * @param failedOperations client operations that failed, all runs together
 * @param failedPerRun client operations that failed in each run
 * @param p99TargetMet the median p99 ratio during the backfill within the target
 * @param targetsMet that and no failed operation
 * @param measuredAt when
 * @param machine where: host name, cores, OS, JVM
 */
public record SchemaBenchmark(int repeat, Spread rows, String baselinePhase,
    Spread baselineP99Ms, Part backfill, Part rawUpdate, Spread backfillRowsPerSecondRatio,
    List<GuardRow> guard, long failedOperations, List<Long> failedPerRun, boolean p99TargetMet,
    boolean targetsMet, String measuredAt, String machine) {

  public static final double P99_TARGET = 1.25;

  /** The report's phase during the raw update. */
  public static final String RAW_PHASE = "raw-update";

  /** One way of updating the rows: its rate and the foreground during it. */
  public record Part(Spread rowsUpdated, Spread millis, Spread rowsPerSecond, Spread p99Ms,
      Spread p99Ratio, long operations, long failed) {}

  /**
   * The backfill at one guard setting: its rate, as a ratio to the raw update's, and the
   * foreground p99 during it.
   *
   * @param guardRatio the guard's ratio; null: the guard off
   */
  public record GuardRow(String setting, Double guardRatio, Spread rowsUpdated,
      Spread rowsPerSecond, Spread rowsPerSecondRatio, Spread p99Ms, Spread p99Ratio,
      long failed) {}

  /** One run's figures, read from its outcome. */
  private record Run(LoadReport report, SchemaChangeCheck check, BackfillResult backfill,
      Double base) {
    static Run of(Sandbox.Outcome outcome) {
      SchemaChangeCheck check = (SchemaChangeCheck) outcome.check();
      if (!(outcome.result().result() instanceof SchemaChangeResult result)
          || result.backfill() == null || check == null || check.rawUpdate() == null) {
        throw new IllegalStateException("no benchmark: the run ended " + outcome.result().state()
            + " without a backfill and a raw update to compare");
      }
      LoadReport report = outcome.report();
      Double base = report.phase(report.baselinePhase() == null ? "" : report.baselinePhase())
          .map(p -> p.all().p99Ms()).orElse(null);
      return new Run(report, check, result.backfill(), base);
    }

    /** The backfill's time at work: its result's, less the guard's baseline sampling. */
    long workMillis() {
      Long baseline = check.backfillBaselineMillis();
      return Math.max(0, backfill.millis() - (baseline == null ? 0 : baseline));
    }

    double backfillRate() {
      long millis = workMillis();
      return millis == 0 ? backfill.rowsUpdated() : backfill.rowsUpdated() * 1000.0 / millis;
    }

    LoadReport.PhaseReport phase(String name) {
      return report.phase(name).orElse(null);
    }

    Double p99(String phase) {
      LoadReport.PhaseReport p = phase(phase);
      return p == null ? null : p.all().p99Ms();
    }

    Double ratio(String phase) {
      Double p99 = p99(phase);
      return p99 == null || base == null || base <= 0 ? null : p99 / base;
    }

    GuardRunFigures guard(String setting) {
      return check.guardRuns().stream().filter(g -> g.setting().equals(setting)).findFirst()
          .orElse(null);
    }
  }

  public static SchemaBenchmark of(Sandbox.Outcome outcome) {
    return of(List.of(outcome));
  }

  /** The benchmark of {@code outcomes}, each a completed schema-change sandbox run. */
  public static SchemaBenchmark of(List<Sandbox.Outcome> outcomes) {
    if (outcomes.isEmpty()) {
      throw new IllegalArgumentException("no run to report");
    }
    List<Run> runs = outcomes.stream().map(Run::of).toList();
    Part backfill = part(runs, "backfill", r -> (double) r.backfill().rowsUpdated(),
        r -> (double) r.workMillis(), Run::backfillRate);
    Part raw = part(runs, RAW_PHASE, r -> (double) r.check().rawUpdate().rows(),
        r -> (double) r.check().rawUpdate().millis(),
        r -> r.check().rawUpdate().rowsPerSecond());
    Spread rateRatio = spread(runs, r -> r.check().rawUpdate().rowsPerSecond() > 0
        ? r.backfillRate() / r.check().rawUpdate().rowsPerSecond() : null);
    List<GuardRow> guard = new ArrayList<>();
    for (GuardSweep.Setting s : GuardSweep.SETTINGS) {
      if (runs.stream().allMatch(r -> r.guard(s.name()) == null)) {
        continue;
      }
      guard.add(new GuardRow(s.name(), s.ratio(),
          spread(runs, r -> r.guard(s.name()) == null ? null : (double) r.guard(s.name()).rows()),
          spread(runs, r -> r.guard(s.name()) == null ? null : r.guard(s.name()).rowsPerSecond()),
          spread(runs, r -> r.guard(s.name()) == null
              || r.check().rawUpdate().rowsPerSecond() <= 0 ? null
              : r.guard(s.name()).rowsPerSecond() / r.check().rawUpdate().rowsPerSecond()),
          spread(runs, r -> r.p99(s.name())), spread(runs, r -> r.ratio(s.name())),
          failed(runs, s.name())));
    }
    List<Long> failedPerRun = outcomes.stream().map(Sandbox.Outcome::failedOperations).toList();
    long failed = failedPerRun.stream().mapToLong(Long::longValue).sum();
    boolean met = backfill.p99Ratio().median() != null
        && backfill.p99Ratio().median() <= P99_TARGET;
    return new SchemaBenchmark(runs.size(), spread(runs, r -> (double) r.check().rows()),
        runs.get(0).report().baselinePhase(), spread(runs, Run::base), backfill, raw, rateRatio,
        guard, failed, failedPerRun, met, met && failed == 0, Instant.now().toString(),
        BenchmarkFiles.machine());
  }

  private static Part part(List<Run> runs, String phase, Function<Run, Double> rows,
      Function<Run, Double> millis, Function<Run, Double> rate) {
    long operations = 0;
    for (Run r : runs) {
      LoadReport.PhaseReport p = r.phase(phase);
      operations += p == null ? 0 : p.all().ok() + p.all().failed();
    }
    return new Part(spread(runs, rows), spread(runs, millis), spread(runs, rate),
        spread(runs, r -> r.p99(phase)), spread(runs, r -> r.ratio(phase)), operations,
        failed(runs, phase));
  }

  private static long failed(List<Run> runs, String phase) {
    return runs.stream().map(r -> r.phase(phase)).filter(p -> p != null)
        .mapToLong(p -> p.all().failed()).sum();
  }

  private static Spread spread(List<Run> runs, Function<Run, Double> figure) {
    List<Double> values = new ArrayList<>();
    runs.forEach(r -> values.add(figure.apply(r)));
    return Spread.of(values);
  }

  /** Writes {@code benchmark.json} into {@code dir}. */
  public Path write(Path dir) throws IOException {
    return BenchmarkFiles.write(dir, this);
  }

  public String text() {
    StringBuilder b = new StringBuilder(String.format(Locale.ROOT,
        "Benchmark: schema change of %s rows%s (baseline %s p99 %s ms; target: p99 during the"
            + " throttled backfill <= %.2fx baseline, no failed operation)%n", rows.text("%.0f"),
        repeat == 1 ? "" : ", " + repeat + " runs: median (min-max)", baselinePhase,
        baselineP99Ms.text("%.1f"), P99_TARGET));
    String format = "%-20s %-22s %-18s %-18s %-18s %8s%n";
    b.append(String.format(Locale.ROOT, format, "", "rows/s", "x raw rows/s", "p99 ms",
        "x base", "failed"));
    row(b, format, "throttled backfill", backfill.rowsPerSecond(), backfillRowsPerSecondRatio,
        backfill.p99Ms(), backfill.p99Ratio(), backfill.failed());
    row(b, format, "raw batched UPDATE", rawUpdate.rowsPerSecond(), Spread.one(1.0),
        rawUpdate.p99Ms(), rawUpdate.p99Ratio(), rawUpdate.failed());
    if (!guard.isEmpty()) {
      b.append("The backfill at guard settings (after the run, same load, same rows):\n");
      for (GuardRow g : guard) {
        row(b, format, g.guardRatio() == null ? "guard off"
            : String.format(Locale.ROOT, "guard ratio %.2fx", g.guardRatio()), g.rowsPerSecond(),
            g.rowsPerSecondRatio(), g.p99Ms(), g.p99Ratio(), g.failed());
      }
    }
    b.append(String.format(Locale.ROOT, "Throttled backfill rows/s = %s x the raw update's."
        + " Targets %s. %d failed operation(s).%n", backfillRowsPerSecondRatio.text("%.2f"),
        targetsMet ? "met" : "MISSED", failedOperations));
    return b.toString();
  }

  private static void row(StringBuilder b, String format, String name, Spread rate,
      Spread rateRatio, Spread p99, Spread ratio, long failed) {
    b.append(String.format(Locale.ROOT, format, name, rate.text("%.0f"), rateRatio.text("%.2f"),
        p99.text("%.1f"), ratio.text("%.2f"), failed));
  }
}
