package dev.underway.sandbox.schema;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import dev.underway.workflows.schema.contract.BackfillResult;
import dev.underway.sandbox.Sandbox;
import dev.underway.sandbox.report.LoadReport;
import dev.underway.workflows.schema.SchemaChangeResult;
import java.io.IOException;
import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Locale;

/**
 * What {@code underway sandbox --runbook schema-change --benchmark} reports, from one run on the
 * same data under the same load: the throttled backfill's rows/s and the foreground p99 during it
 * (the run's {@code backfill} phase), beside an unthrottled raw batched {@code UPDATE} of the same
 * rows and the p99 during that, each p99 as a ratio to the baseline (the load before the run).
 * Target: p99 during the backfill at most {@value #P99_TARGET}x the baseline; the backfill's
 * rows/s is reported as a ratio of the raw update's. A report, not a test: a shared machine is
 * noisy.
 *
 * @param rows rows in the table at the end
 * @param baselinePhase the phase the ratios compare to
 * @param baselineP99Ms foreground p99 before the run
 * @param backfill the throttled backfill
 * @param rawUpdate the raw batched update
 * @param backfillRowsPerSecondRatio backfill rows/s divided by the raw update's
 * @param failedOperations client operations that failed in the whole run
 * @param p99TargetMet p99 during the backfill within the target
 * @param measuredAt when
 * @param machine where: host name, cores, OS, JVM
 */
public record SchemaBenchmark(long rows, String baselinePhase, Double baselineP99Ms,
    Part backfill, Part rawUpdate, Double backfillRowsPerSecondRatio, long failedOperations,
    boolean p99TargetMet, String measuredAt, String machine) {

  public static final double P99_TARGET = 1.5;

  /** The report's phase during the raw update. */
  public static final String RAW_PHASE = "raw-update";

  /** One way of updating the rows: its rate and the foreground during it. */
  public record Part(long rowsUpdated, long millis, double rowsPerSecond, Double p99Ms,
      Double p99Ratio, long operations, long failed) {}

  public static SchemaBenchmark of(Sandbox.Outcome outcome) {
    LoadReport report = outcome.report();
    SchemaChangeCheck check = (SchemaChangeCheck) outcome.check();
    if (!(outcome.result().result() instanceof SchemaChangeResult result)
        || result.backfill() == null || check == null || check.rawUpdate() == null) {
      throw new IllegalStateException("no benchmark: the run ended " + outcome.result().state()
          + " without a backfill and a raw update to compare");
    }
    Double base = report.phase(report.baselinePhase() == null ? "" : report.baselinePhase())
        .map(p -> p.all().p99Ms()).orElse(null);
    BackfillResult b = result.backfill();
    Part backfill = part(report, "backfill", base, b.rowsUpdated(), b.millis(),
        b.rowsPerSecond());
    SchemaChangeCheck.RawUpdateFigures r = check.rawUpdate();
    Part raw = part(report, RAW_PHASE, base, r.rows(), r.millis(), r.rowsPerSecond());
    Double rateRatio = raw.rowsPerSecond() > 0 ? backfill.rowsPerSecond() / raw.rowsPerSecond()
        : null;
    boolean met = backfill.p99Ratio() != null && backfill.p99Ratio() <= P99_TARGET;
    return new SchemaBenchmark(check.rows(), report.baselinePhase(), base, backfill, raw,
        rateRatio, outcome.failedOperations(), met, Instant.now().toString(), describeMachine());
  }

  private static Part part(LoadReport report, String phase, Double base, long rows, long millis,
      double rowsPerSecond) {
    LoadReport.PhaseReport p = report.phase(phase).orElse(null);
    Double p99 = p == null ? null : p.all().p99Ms();
    Double ratio = p99 == null || base == null || base <= 0 ? null : p99 / base;
    return new Part(rows, millis, rowsPerSecond, p99, ratio,
        p == null ? 0 : p.all().ok() + p.all().failed(), p == null ? 0 : p.all().failed());
  }

  static String describeMachine() {
    String host;
    try {
      host = InetAddress.getLocalHost().getHostName();
    } catch (IOException e) {
      host = "unknown host";
    }
    return host + ", " + Runtime.getRuntime().availableProcessors() + " cores, "
        + System.getProperty("os.name") + " " + System.getProperty("os.version") + ", Java "
        + System.getProperty("java.version");
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
        "Benchmark: schema change of %d rows (baseline %s p99 %s ms; target: p99 during the"
            + " backfill <= %.1fx baseline)%n", rows, baselinePhase, ms(baselineP99Ms),
        P99_TARGET));
    b.append(String.format(Locale.ROOT, "%-20s %10s %10s %10s %8s %8s%n", "", "rows",
        "rows/s", "p99 ms", "x base", "failed"));
    row(b, "throttled backfill", backfill);
    row(b, "raw batched UPDATE", rawUpdate);
    b.append(String.format(Locale.ROOT, "Backfill rows/s = %s x the raw update's. Target %s."
        + " %d failed operation(s).%n", ratio(backfillRowsPerSecondRatio),
        p99TargetMet ? "met" : "MISSED", failedOperations));
    return b.toString();
  }

  private static void row(StringBuilder b, String name, Part p) {
    b.append(String.format(Locale.ROOT, "%-20s %10d %10.0f %10s %8s %8d%n", name,
        p.rowsUpdated(), p.rowsPerSecond(), ms(p.p99Ms()), ratio(p.p99Ratio()), p.failed()));
  }

  private static String ms(Double v) {
    return v == null ? "-" : String.format(Locale.ROOT, "%.1f", v);
  }

  private static String ratio(Double r) {
    return r == null ? "-" : String.format(Locale.ROOT, "%.2f", r);
  }
}
