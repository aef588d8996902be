package dev.underway.sandbox.schema;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.underway.workflows.schema.contract.ChangeObjects;
import dev.underway.kernel.RunState;
import dev.underway.sandbox.Sandbox;
import dev.underway.sandbox.SandboxOptions;
import dev.underway.sandbox.engine.postgres.LocalPostgresCluster;
import dev.underway.sandbox.load.TpcbWorkload;
import dev.underway.sandbox.report.LoadReport;
import dev.underway.sandbox.report.ReportWriter;
import dev.underway.workflows.schema.SchemaChangeResult;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code underway sandbox --runbook schema-change --rows 20000 --auto-approve --benchmark}, end to
 * end: a real primary with a streaming standby, the application's load throughout, the in-process
 * Temporal, the production schema-change activities. Checked at the database with SQL of the
 * test's own, and in the load's counts per shape; the benchmark's report is checked for its
 * shape, never its figures.
 */
class SchemaChangeSandboxTest {

  private static final int ROWS = 20_000;

  @Test
  void theSchemaChangeCompletesUnderTheApplicationsLoad(@TempDir Path tmp) throws Exception {
    Path reports = tmp.resolve("report");
    SandboxOptions options = SandboxOptions.defaults(reports).with(o -> {
      o.runbook = "schema-change";
      o.rows = ROWS;
      o.benchmark = true;
      o.autoApprove = true;
      o.rate = 80;
      o.concurrency = 4;
      o.settle = Duration.ofSeconds(3);
      o.dataDir = tmp.resolve("data");
      o.embeddedTemporal = true;
    });
    StringWriter printed = new StringWriter();
    try (Sandbox sandbox = new Sandbox(options, new PrintWriter(printed, true))) {
      Sandbox.Outcome outcome = sandbox.run(null);

      assertThat(outcome.result().state()).as(printed.toString()).isEqualTo(RunState.COMPLETED);
      assertThat(printed.toString()).contains("Approved contract (--auto-approve, confirmed ");
      SchemaChangeResult result = (SchemaChangeResult) outcome.result().result();
      assertThat(result.backfill().rowsTotal()).isGreaterThanOrEqualTo(ROWS);
      LoadReport report = outcome.report();
      assertThat(report.total().all().failed()).as("failed client operations: %s",
          report.errors()).isZero();

      SchemaChangeCheck check = (SchemaChangeCheck) outcome.check();
      assertThat(check.passed()).as(check.text()).isTrue();
      assertThat(check.columnChecked()).isTrue();
      assertThat(check.mismatchesBeforeRawUpdate()).as("checked before the raw update too")
          .isZero();
      assertThat(check.operationsOfShape("old")).as("old-shape operations").isPositive();
      assertThat(check.operationsOfShape("both")).as("both-shape writes").isPositive();
      assertThat(check.operationsOfShape("new")).as("new-shape operations").isPositive();
      assertThat(check.operations()).as("reads of both shapes")
          .hasEntrySatisfying("read-old", n -> assertThat(n).isPositive())
          .hasEntrySatisfying("read-new", n -> assertThat(n).isPositive());

      LocalPostgresCluster cluster = sandbox.cluster();
      try (Connection c = cluster.openWriter(cluster.database());
          Statement s = c.createStatement()) {
        long rows = one(s, "SELECT count(*) FROM customers");
        assertThat(rows).as("the seeded rows and the application's inserts")
            .isGreaterThan(ROWS).isEqualTo(check.rows());
        assertThat(one(s, "SELECT count(*) FROM customers WHERE full_name IS NULL"
            + " OR full_name <> concat_ws(' ', first_name, last_name)")).isZero();
        ChangeObjects objects = ChangeObjects.of(CustomersTable.CHANGE);
        assertThat(one(s, "SELECT count(*) FROM underway_flags WHERE (key = '"
            + objects.readsFlag() + "' AND value = 'new') OR (key = '" + objects.writesFlag()
            + "' AND value = 'new')")).isEqualTo(2);
        assertThat(one(s, "SELECT count(*) FROM pg_trigger WHERE tgname = '"
            + objects.trigger() + "'")).as("the contract dropped the trigger").isZero();
        assertThat(one(s, "SELECT count(*) FROM pg_stat_replication WHERE state = 'streaming'"))
            .isEqualTo(1);
        assertThat(one(s, "SELECT count(*) FROM information_schema.columns WHERE table_name ="
            + " 'customers' AND column_name = '" + GuardSweep.COLUMN + "'"))
            .as("the guard settings' column is dropped again").isZero();
        // the TPC-B-like transactions committed, and their four tables agree
        assertThat(check.operations().get("tpcb")).as("TPC-B-like transactions").isPositive();
        assertThat(one(s, "SELECT count(*) FROM " + TpcbWorkload.HISTORY))
            .isEqualTo(check.operations().get("tpcb"));
        long branches = one(s, "SELECT sum(bbalance) FROM " + TpcbWorkload.BRANCHES);
        assertThat(one(s, "SELECT sum(abalance) FROM " + TpcbWorkload.ACCOUNTS))
            .isEqualTo(branches);
        assertThat(one(s, "SELECT sum(delta) FROM " + TpcbWorkload.HISTORY)).isEqualTo(branches);
      }

      assertThat(report.marks()).extracting(LoadReport.Mark::step)
          .contains("expand", "backfill", "verify", "switch-reads", "stop-old-writes",
              "contract", SchemaBenchmark.RAW_PHASE, "guard-1.1", "guard-off");
      assertThat(report.gauges()).extracting(LoadReport.Gauge::name)
          .containsExactly(GaugeSampler.RATE, GaugeSampler.LAG);
      assertThat(report.gauges().get(1).points()).as("replica lag sampled every second")
          .hasSizeGreaterThan(5);
      assertThat(report.gauges().get(0).points()).as("the backfill's rate")
          .anySatisfy(p -> assertThat(p.value()).isPositive());
      assertThat(ReportWriter.read(outcome.reportJson())).isEqualTo(report);
      assertThat(Files.readString(outcome.reportHtml()))
          .contains("Foreground p99 beside the run's own gauges")
          .contains("backfill rate rows/s").contains("replica lag ms");

      String text = sandbox.benchmark(outcome, reports);
      assertThat(text).contains("throttled backfill").contains("raw batched UPDATE")
          .contains("guard ratio 1.10x").contains("guard ratio 1.25x").contains("guard off");
      JsonNode b = new ObjectMapper().readTree(reports.resolve("benchmark.json").toFile());
      assertThat(b.get("repeat").asInt()).isEqualTo(1);
      assertThat(b.get("baselinePhase").asText()).isEqualTo("phase-0");
      assertThat(b.get("rows").get("median").asLong()).isEqualTo(check.rows());
      assertThat(b.get("rows").get("runs")).hasSize(1);
      for (String part : new String[] {"backfill", "rawUpdate"}) {
        JsonNode p = b.get(part);
        // the raw update touches every row; the backfill only those the application's writes
        // (through the sync trigger) did not fill first, the more the longer the guard rests
        long least = part.equals("rawUpdate") ? ROWS : 1;
        assertThat(p.get("rowsUpdated").get("median").asLong()).as(part)
            .isBetween(least, check.rows());
        assertThat(p.get("rowsPerSecond").get("median").asDouble()).as(part).isPositive();
        assertThat(p.has("p99Ms") && p.has("p99Ratio") && p.has("failed")).as(part).isTrue();
      }
      // one row per guard setting, each run in its own load phase after the run
      JsonNode guard = b.get("guard");
      assertThat(guard).hasSize(4);
      assertThat(guard.findValuesAsText("setting"))
          .containsExactly("guard-1.1", "guard-1.25", "guard-1.5", "guard-off");
      assertThat(guard.get(1).get("guardRatio").asDouble()).isEqualTo(1.25);
      assertThat(guard.get(3).get("guardRatio").isNull()).as("off has no ratio").isTrue();
      for (JsonNode g : guard) {
        String name = g.get("setting").asText();
        assertThat(g.get("rowsUpdated").get("median").asLong()).as(name).isPositive()
            .isLessThanOrEqualTo(check.rows());
        assertThat(g.get("rowsPerSecond").get("median").asDouble()).as(name).isPositive();
        assertThat(g.get("rowsPerSecondRatio").get("median").asDouble()).as(name).isPositive();
        assertThat(g.has("p99Ms") && g.has("p99Ratio") && g.has("failed")).as(name).isTrue();
        assertThat(report.phase(name)).as("the load during %s", name).isPresent();
      }
      assertThat(check.guardRuns()).hasSize(4);
      assertThat(b.has("backfillRowsPerSecondRatio") && b.has("p99TargetMet")
          && b.has("targetsMet") && b.has("measuredAt") && b.has("machine")).isTrue();
      assertThat(b.get("failedPerRun")).hasSize(1);
      assertThat(b.get("failedOperations").asLong()).isZero();
    }
  }

  private static long one(Statement s, String sql) throws Exception {
    try (ResultSet rs = s.executeQuery(sql)) {
      rs.next();
      return rs.getLong(1);
    }
  }
}
