package dev.underway.sandbox;

import dev.underway.sandbox.report.LoadReport;
import java.time.Duration;
import java.util.Locale;

/** The end-of-run table: one line per phase. */
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
    b.append(String.format(Locale.ROOT, "%-10s %10s %8s %9s %9s %9s %9s %8s%n", "phase",
        "ok", "failed", "p50 ms", "p99 ms", "max ms", "ops/s", "time"));
    for (LoadReport.PhaseReport p : report.phases()) {
      b.append(String.format(Locale.ROOT, "%-10s %10d %8d %9s %9s %9s %9.1f %8s%n",
          p.phase(), p.all().ok(), p.all().failed(), ms(p.all().p50Ms()), ms(p.all().p99Ms()),
          ms(p.all().maxMs()), p.opsPerSecond(), human(Duration.ofMillis(p.durationMs()))));
    }
    LoadReport.OperationStats t = report.total().all();
    b.append(String.format(Locale.ROOT, "%-10s %10d %8d %9s %9s %9s%n", "total", t.ok(),
        t.failed(), ms(t.p50Ms()), ms(t.p99Ms()), ms(t.maxMs())));
    if (!report.waits().isEmpty()) {
      b.append("Waiting at gates (not in the phases' figures):");
      for (LoadReport.PhaseReport w : report.waits()) {
        b.append(' ').append(w.phase()).append(' ')
            .append(human(Duration.ofMillis(w.durationMs())));
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

  private static String ms(Double v) {
    return v == null ? "-" : String.format(Locale.ROOT, "%.1f", v);
  }

  static String human(Duration d) {
    long s = d.toSeconds();
    return s >= 60 ? (s / 60) + "m" + String.format(Locale.ROOT, "%02d", s % 60) + "s" : s + "s";
  }
}
