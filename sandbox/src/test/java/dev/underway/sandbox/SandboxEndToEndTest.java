package dev.underway.sandbox;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import dev.underway.sandbox.engine.postgres.LocalPostgresCluster;
import dev.underway.kernel.Decision;
import dev.underway.kernel.Run;
import dev.underway.kernel.RunState;
import dev.underway.kernel.RunStatus;
import dev.underway.kernel.Timeline;
import dev.underway.kernel.TimelineEntry;
import dev.underway.workflows.evolution.ClusterEvolutionWorkflow;
import dev.underway.sandbox.report.LoadReport;
import dev.underway.sandbox.report.ReportWriter;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The sandbox, unattended, end to end: real PostgreSQL processes, load running throughout, the
 * in-process Temporal (the dev-server flavour is covered by the tests of the real Temporal),
 * Phase 0 to Phase 2. Everything is checked at the database, not from the workflow's own
 * bookkeeping.
 */
class SandboxEndToEndTest {

  @Test
  void wholeEvolutionUnderLoadWithNoFailedOperation(@TempDir Path tmp) throws Exception {
    Path reports = tmp.resolve("report");
    SandboxOptions options = SandboxOptions.defaults(reports).with(o -> {
      o.autoApprove = true;
      o.rate = 80;
      o.concurrency = 4;
      o.settle = Duration.ofSeconds(3);
      o.dataDir = tmp.resolve("data");
      o.embeddedTemporal = true;
    });
    StringWriter printed = new StringWriter();
    List<Long> pids = new ArrayList<>();
    Path dataDir;
    try (Sandbox sandbox = new Sandbox(options, new PrintWriter(printed, true))) {
      Sandbox.Outcome outcome = sandbox.run(null);
      dataDir = sandbox.dataDirectory();

      assertThat(outcome.result().state()).as(printed.toString()).isEqualTo(RunState.COMPLETED);
      LoadReport report = outcome.report();
      assertThat(report.total().all().failed()).as("failed client operations: %s", report.errors())
          .isZero();
      assertThat(report.total().all().ok()).isGreaterThan(100);
      assertThat(report.phases()).extracting(LoadReport.PhaseReport::phase)
          .containsExactly("warmup", "phase-0", "phase-1", "phase-2", "after");
      assertThat(report.baselinePhase()).as("warm-up is never the baseline").isEqualTo("phase-0");
      assertThat(report.phases()).allSatisfy(p -> assertThat(p.all().ok()).isPositive());
      LoadReport.PhaseReport phase2 = report.phase("phase-2").orElseThrow();
      assertThat(phase2.steps()).as("the load after the run is a row of its own")
          .doesNotContain("after");
      assertThat(report.phase("after").orElseThrow().steps()).containsExactly("after");
      assertThat(phase2.readsOnReaderPath()).as("reads moved to the reader path").isPositive();
      assertThat(phase2.readsServedByStandby()).as("reader path served by standbys")
          .isPositive();
      assertThat(Files.readString(outcome.reportHtml())).contains("<svg").contains("phase-2");
      marksAreTheRunsTimeline(report, sandbox.client().newWorkflowStub(
          ClusterEvolutionWorkflow.class, sandbox.runId()).status());
      assertThat(ReportWriter.read(outcome.reportJson())).isEqualTo(report);

      Benchmark benchmark = Benchmark.of(outcome);
      assertThat(benchmark.baselinePhase()).isEqualTo("phase-0");
      assertThat(benchmark.phases()).extracting(Benchmark.Row::phase)
          .containsExactly("phase-0", "phase-1", "phase-2", "after");
      assertThat(benchmark.phases().get(0).p99Ratio().median()).isEqualTo(1.0);
      assertThat(benchmark.phases().get(0).p99Ratio().runs()).containsExactly(1.0);
      assertThat(benchmark.repeat()).isEqualTo(1);
      assertThat(benchmark.failedOperations()).isZero();
      assertThat(benchmark.failedPerRun()).containsExactly(0L);
      assertThat(benchmark.evolutionWallTimeMs().median()).isPositive();
      // a row per step the run took, from its own timeline, each with the load during it
      List<String> runSteps = report.steps().stream()
          .filter(s -> s.kind() == LoadReport.MarkKind.STEP)
          .map(s -> s.phase() + "/" + s.step()).toList();
      assertThat(benchmark.steps()).extracting(s -> s.phase() + "/" + s.step())
          .containsExactlyElementsOf(runSteps);
      assertThat(benchmark.steps()).extracting(Benchmark.StepRow::step)
          .contains("scale", "reader-service");
      assertThat(benchmark.steps()).allSatisfy(s -> {
        assertThat(s.durationMs().median()).as(s.step()).isNotNull();
        assertThat(s.failed()).as(s.step()).isZero();
        assertThat(s.p99Ratio().median() == null).as("%s: a ratio exactly when it has a p99",
            s.step()).isEqualTo(s.p99Ms().median() == null);
      });
      assertThat(benchmark.steps()).as("long steps have their p99 ratio")
          .anySatisfy(s -> assertThat(s.p99Ratio().median()).isPositive());
      Path written = benchmark.write(reports);
      assertThat(Files.readString(written)).contains("\"evolutionWallTimeMs\"")
          .contains("\"p99Ratio\"").contains("\"steps\"").contains("\"median\"");
      assertThat(benchmark.text()).contains("Evolution wall time").contains("Per step")
          .contains("scale");

      LocalPostgresCluster cluster = sandbox.cluster();
      assertThat(cluster.nodeCount()).isEqualTo(3);
      cluster.nodes().forEach(n -> pids.add(cluster.pid(n.name())));
      try (Connection primary = DriverManager.getConnection(cluster.writerJdbcUrl(),
          cluster.adminProperties()); Statement st = primary.createStatement()) {
        assertThat(one(st, "SHOW synchronous_standby_names")).isEqualTo("ANY 1 (node1, node2)");
        assertThat(one(st, "SELECT count(*) FROM pg_stat_replication WHERE state = 'streaming'"
            + " AND sync_state = 'quorum'")).isEqualTo("2");
        assertThat(one(st, "SELECT count(*) FROM pg_roles WHERE rolname = 'underway_reader'"))
            .isEqualTo("1");
      }
      String reader = cluster.readerJdbcUrl().orElseThrow();
      try (Connection r = DriverManager.getConnection(reader, cluster.readerProperties());
          Statement st = r.createStatement()) {
        assertThat(one(st, "SELECT pg_is_in_recovery()")).isEqualTo("t");
        assertThat(Long.parseLong(one(st, "SELECT count(*) FROM underway_load"))).isPositive();
        assertThatThrownBy(() -> st.execute("INSERT INTO underway_load (k, v) VALUES ('x', 'y')"))
            .isInstanceOf(SQLException.class);
      }
      // On the primary, the grants are what refuses the reader's writes.
      String primaryUrl = "jdbc:postgresql://127.0.0.1:" + cluster.primary().port() + "/"
          + cluster.database();
      try (Connection r = DriverManager.getConnection(primaryUrl, cluster.readerProperties());
          Statement st = r.createStatement()) {
        assertThat(one(st, "SELECT pg_is_in_recovery()")).isEqualTo("f");
        st.execute("SET default_transaction_read_only = off");
        assertThatThrownBy(() -> st.execute("INSERT INTO underway_load (k, v) VALUES ('x', 'y')"))
            .isInstanceOfSatisfying(SQLException.class,
                e -> assertThat(e.getSQLState()).isEqualTo("42501"));
      }
      // Secrets stay out of everything an operator or the server keeps.
      String password = cluster.adminProperties().getProperty("password");
      assertThat(password).isNotBlank();
      String history = sandbox.client().fetchHistory(
          dev.underway.workflows.evolution.ClusterEvolutionWorkflow.workflowId(Sandbox.TARGET))
          .toJson(false);
      String payloads = decodedPayloads(history);
      assertThat(payloads).as("decoded payloads of the history").contains("phase-2")
          .contains("underway_reader").doesNotContain(password);
      assertThat(history).doesNotContain(password);
      assertThat(printed.toString()).doesNotContain(password);
      assertThat(Files.readString(outcome.reportJson())).doesNotContain(password);
      assertThat(Files.readString(outcome.reportHtml())).doesNotContain(password);
      assertThat(printed.toString()).contains("Temporal: embedded")
          .contains("Approved phase-1 (--auto-approve)").contains("Report: ");
    }
    assertThat(dataDir).doesNotExist();
    assertThat(pids).allSatisfy(pid ->
        assertThat(ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false))
            .as("postgres pid " + pid + " stopped").isFalse());
  }

  /** Every payload in a history (base64 in its JSON), decoded and joined. */
  private static String decodedPayloads(String historyJson) {
    java.util.regex.Matcher m = java.util.regex.Pattern
        .compile("\"data\":\\s*\"([A-Za-z0-9+/=]+)\"").matcher(historyJson);
    StringBuilder all = new StringBuilder();
    while (m.find()) {
      all.append(new String(java.util.Base64.getDecoder().decode(m.group(1)),
          java.nio.charset.StandardCharsets.UTF_8)).append('\n');
    }
    return all.toString();
  }

  private static String one(Statement st, String sql) throws SQLException {
    try (ResultSet rs = st.executeQuery(sql)) {
      rs.next();
      return rs.getString(1);
    }
  }

  /**
   * Every step and gate of the run is a mark at the time the run's own timeline recorded it,
   * in order, and every approval one at the time the run received it; each phase's figures
   * leave its gate waits out.
   */
  private static void marksAreTheRunsTimeline(LoadReport report, RunStatus status) {
    List<TimelineEntry> timeline = status.timeline();
    Instant start = Instant.parse(report.startedAt());
    List<LoadReport.Mark> runMarks = report.marks().stream()
        .filter(m -> m.kind() != LoadReport.MarkKind.LOAD && !m.byOperator()).toList();
    List<LoadReport.Mark> approvals = report.marks().stream()
        .filter(LoadReport.Mark::byOperator).toList();
    List<Decision> accepted = status.decisions().stream().filter(Decision::accepted).toList();
    assertThat(approvals).extracting(LoadReport.Mark::step)
        .containsExactlyElementsOf(accepted.stream().map(d -> d.kind().json()).toList());
    for (int i = 0; i < approvals.size(); i++) {
      assertThat(approvals.get(i).offsetMs()).isCloseTo(
          Duration.between(start, Instant.parse(accepted.get(i).at())).toMillis(), within(1L));
      assertThat(approvals.get(i).detail()).startsWith("approved by " + Sandbox.AUTO_APPROVER);
    }
    assertThat(runMarks).hasSameSizeAs(timeline);
    String phase = Sandbox.BASELINE_PHASE;
    for (int i = 0; i < timeline.size(); i++) {
      TimelineEntry e = timeline.get(i);
      LoadReport.Mark m = runMarks.get(i);
      phase = Timeline.RUN.equals(e.phase()) ? phase : e.phase();
      assertThat(m.phase() + "/" + m.step()).isEqualTo(phase + "/" + e.step());
      assertThat(m.kind()).isEqualTo(e.step().equals(Run.GATE) ? LoadReport.MarkKind.GATE
          : LoadReport.MarkKind.STEP);
      assertThat(m.offsetMs()).as("%s at %s", e.step(), e.at())
          .isCloseTo(Duration.between(start, Instant.parse(e.at())).toMillis(), within(1L));
    }
    assertThat(report.waits()).extracting(LoadReport.PhaseReport::phase)
        .containsExactly("phase-1", "phase-2");
    for (LoadReport.PhaseReport wait : report.waits()) {
      long waited = 0;
      List<LoadReport.Mark> marks = report.marks();
      for (int i = 0; i + 1 < marks.size(); i++) {
        if (marks.get(i).kind() == LoadReport.MarkKind.GATE
            && marks.get(i).phase().equals(wait.phase())) {
          waited += marks.get(i + 1).offsetMs() - marks.get(i).offsetMs();
        }
      }
      assertThat(wait.durationMs()).as("%s at its gates", wait.phase())
          .isCloseTo(waited, within((long) marks.size()));
    }
  }
}
