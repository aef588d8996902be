package dev.underway.sandbox;

import dev.underway.sandbox.report.LoadReport;
import dev.underway.sandbox.report.Figures;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The end-of-run table: one line per phase, its durations and rates written as the report writes
 * them ({@link Figures}).
 */
final class Summary {
  private Summary() {}

  static String table(LoadReport report, dev.underway.workflows.evolution.model.EvolutionResult result,
      Duration evolution, Duration total) {
    return table(report, new RunEnd(result.state(), result.message(), result), evolution, total);
  }

  static String table(LoadReport report, RunEnd result, Duration evolution,
      Duration total) {
    StringBuilder b = new StringBuilder();
    b.append("Run ended ").append(result.state()).append(": ").append(result.message())
        .append('\n');
    b.append(String.format(Locale.ROOT, "Evolution took %s; sandbox ran %s.%n",
        human(evolution), human(total)));
    b.append(String.format(Locale.ROOT, "%-16s %10s %8s %9s %9s %9s %9s %11s%n", "phase",
        "ok", "failed", "p50 ms", "p99 ms", "max ms", "ops/s", "time"));
    List<LoadReport.PhaseReport> tooShort = new ArrayList<>();
    for (LoadReport.PhaseReport p : report.phases()) {
      if (p.tooShortForRate()) {
        tooShort.add(p);
      }
      b.append(String.format(Locale.ROOT, "%-16s %10d %8d %9s %9s %9s %9s %11s%n",
          p.phase(), p.all().ok(), p.all().failed(), Figures.ms(p.all().p50Ms()),
          Figures.ms(p.all().p99Ms()), Figures.ms(p.all().maxMs()),
          p.tooShortForRate() ? "-" : Figures.rate(p.opsPerSecond()),
          Figures.duration(p.durationMs())));
    }
    LoadReport.OperationStats t = report.total().all();
    b.append(String.format(Locale.ROOT, "%-16s %10d %8d %9s %9s %9s%n", "total", t.ok(),
        t.failed(), Figures.ms(t.p50Ms()), Figures.ms(t.p99Ms()), Figures.ms(t.maxMs())));
    for (LoadReport.PhaseReport p : tooShort) {
      b.append(p.phase()).append(": ").append(Figures.tooShortForRate(p.durationMs()))
          .append(" (the load is counted once a second)\n");
    }
    if (!report.waits().isEmpty()) {
      b.append("Waiting at gates (not in the phases' figures):");
      String sep = " ";
      for (LoadReport.PhaseReport w : report.waits()) {
        b.append(sep).append(w.phase()).append(' ').append(Figures.duration(w.durationMs()));
        sep = ", ";
      }
      b.append('\n');
    }
    long retries = report.total().retries();
    if (retries > 0) {
      b.append(String.format(Locale.ROOT, "%d statement(s) retried at the database's request"
          + " (SQLSTATE 40001/40P01); only an operation whose last attempt failed counts as"
          + " failed.%n", retries));
    }
    return b.toString();
  }

  /** A duration as the report writes it (6.9 s, 4 min 05 s). */
  static String human(Duration d) {
    return Figures.duration(d.toMillis());
  }
}
