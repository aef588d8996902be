package dev.underway.sandbox.schema;

import dev.underway.workflows.schema.contract.ChangeObjects;
import dev.underway.activities.sql.schema.PostgresSchemaChangeActivities;
import dev.underway.kernel.RunState;
import dev.underway.kernel.RunStatus;
import dev.underway.runbooks.RunStart;
import dev.underway.runbooks.Runbooks;
import dev.underway.sandbox.RunEnd;
import dev.underway.sandbox.Sandbox;
import dev.underway.sandbox.SandboxOptions;
import dev.underway.sandbox.Scenario;
import dev.underway.sandbox.engine.LocalCluster;
import dev.underway.sandbox.engine.postgres.LocalPostgresCluster;
import dev.underway.sandbox.load.LoadGenerator;
import dev.underway.sandbox.load.MixedWorkload;
import dev.underway.sandbox.load.TpcbWorkload;
import dev.underway.sandbox.load.Workload;
import dev.underway.sandbox.report.LoadReport;
import dev.underway.sandbox.report.LoadReport.MarkKind;
import dev.underway.targets.LocalEngine;
import dev.underway.worker.Outcomes;
import dev.underway.workflows.schema.SchemaChangeRequest;
import dev.underway.workflows.schema.SchemaChangeResult;
import dev.underway.workflows.schema.SchemaChangeWorkflow;
import io.temporal.client.WorkflowClient;
import io.temporal.client.WorkflowStub;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The {@code schema-change} scenario: a PostgreSQL primary with one streaming standby, {@link
 * CustomersTable} of {@code rows} rows, the application's load ({@link ShapeWorkload}, following
 * the flags), and a {@code SchemaChange} run adding {@code full_name} served by the production
 * {@link PostgresSchemaChangeActivities} against the local primary. At the end every row is
 * checked at the database; with {@code --benchmark} a raw batched {@code UPDATE} of the same rows
 * and then the activities' backfill at several guard settings ({@link GuardSweep}) run under the
 * same load after the run, for {@link SchemaBenchmark}.
 *
 * <p>The load is the application's ({@link ShapeWorkload}) with, as {@value #TPCB_SHARE}% of its
 * writes, TPC-B-like transactions ({@link TpcbWorkload}: an account, a teller and a branch
 * updated and a history row inserted in one transaction) on small tables of their own ({@value
 * #TPCB_BRANCHES} branches, {@value #TPCB_ACCOUNTS_PER_BRANCH} accounts each): writes that hold
 * row locks across statements, so lock waits are in what the benchmark measures.
 */
public final class SchemaChangeScenario implements Scenario {

  /**
   * The sandbox's batches aim at this time (short row locks for the application's writes); no
   * latency budget is given, so the latency guard holds the foreground at its default ratio.
   */
  static final String TARGET_BATCH_TIME = "PT0.1S";

  /** Share of the load's writes that are TPC-B-like transactions. */
  static final int TPCB_SHARE = 20;
  static final int TPCB_BRANCHES = 10;
  static final int TPCB_ACCOUNTS_PER_BRANCH = 1_000;

  private final int rows;
  private final boolean benchmark;
  private LocalPostgresCluster cluster;
  private FlagsFollower flags;
  private ShapeWorkload shapes;
  private TpcbWorkload tpcb;
  private Workload workload;
  private List<SchemaChangeCheck.GuardRunFigures> guardRuns = List.of();
  private PostgresSchemaChangeActivities activities;
  private GaugeSampler gauges;
  private volatile LoadGenerator load;
  private SchemaChangeCheck.RawUpdateFigures raw;
  private Long beforeRaw;
  /**
   * How long no stray writer may have been seen before a drop: shorter than the default minute
   * (the sandbox's application re-reads the flags every 250 ms), long enough to see the step.
   */
  static final String QUIET_PERIOD = "PT15S";
  private SchemaChangeRequest request;

  public SchemaChangeScenario(int rows, boolean benchmark) {
    this.rows = rows;
    this.benchmark = benchmark;
  }

  private static final ChangeObjects OBJECTS = ChangeObjects.of(CustomersTable.CHANGE);

  @Override
  public void prepare(LocalCluster<?> c, PrintWriter out) throws Exception {
    cluster = (LocalPostgresCluster) c;
    try (Connection conn = connect()) {
      CustomersTable.create(conn, rows);
      TpcbWorkload.create(conn, TPCB_BRANCHES, TPCB_ACCOUNTS_PER_BRANCH);
    }
    out.println("Table: " + CustomersTable.TABLE + " with " + rows + " rows; the change adds "
        + CustomersTable.NEW_COLUMN + " = " + CustomersTable.UP);
    LocalPostgresCluster.Node standby = cluster.addStandby();
    out.println("Standby: " + standby.describe() + " streaming from the primary");
    out.flush();
    flags = new FlagsFollower(this::connect, OBJECTS, Duration.ofMillis(250));
    flags.start();
    shapes = new ShapeWorkload(flags, rows);
    tpcb = new TpcbWorkload(TPCB_BRANCHES, TPCB_ACCOUNTS_PER_BRANCH);
    workload = new MixedWorkload(shapes, tpcb, TPCB_SHARE);
    activities = new PostgresSchemaChangeActivities(
        (target, credentials) -> DriverManager.getConnection(
            cluster.writerJdbcUrl(target.database()), cluster.adminProperties()),
        target -> cluster.sqlCredentials());
    gauges = new GaugeSampler(this::connect, () -> activities.progress(target(),
        CustomersTable.CHANGE), this::markBaseline);
    gauges.start(Duration.ofSeconds(1));
  }

  @Override
  public void loadStarted(LoadGenerator load) {
    this.load = load;
  }

  /** The load's phase while the run's backfill's guard sampled its baseline (no batch yet). */
  static final String BACKFILL_BASELINE = "backfill-baseline";

  /**
   * The run's backfill sampled the guard's baseline from {@code from} to {@code to}: that time
   * is a phase of its own in the load, so the {@code backfill} phase's p99 is its work's only.
   */
  private void markBaseline(Instant from, Instant to) {
    LoadGenerator l = load;
    if (l == null) {
      return;
    }
    try {
      l.mark(BACKFILL_BASELINE, BACKFILL_BASELINE, MarkKind.STEP, from);
      l.mark("backfill", "backfill", MarkKind.STEP, to);
    } catch (IllegalStateException stopped) {
      // the load stopped: nothing left to mark
    }
  }

  private Connection connect() throws java.sql.SQLException {
    return cluster.openWriter(cluster.database());
  }

  private LocalEngine target() {
    return new LocalEngine("sandbox", cluster.database());
  }

  @Override
  public Workload workload() {
    return workload;
  }

  @Override
  public String describeLoad(SandboxOptions options) {
    return "Load: " + options.rate() + " ops/s target, " + options.concurrency() + " threads, "
        + options.writePercent() + "% writes, as the application: the old shape, then both"
        + " (writes=both), the new shape once the flags say so (" + OBJECTS.readsFlag() + ", "
        + OBJECTS.writesFlag() + " in " + ChangeObjects.FLAGS_TABLE + "); " + TPCB_SHARE
        + "% of the writes are TPC-B-like transactions (an account, a teller and a branch"
        + " updated, a history row inserted) on tables of their own";
  }

  @Override
  public List<Object> activities(LocalCluster<?> c, Duration pollInterval) {
    List<Object> all = new ArrayList<>(c.activities(pollInterval));
    all.add(activities);
    return all;
  }

  @Override
  public Started start(WorkflowClient client, String taskQueue, String requestedBy) {
    request = new SchemaChangeRequest(target(), CustomersTable.CHANGE, null, TARGET_BATCH_TIME,
        null, null, null, null, null, null, requestedBy, QUIET_PERIOD, null);
    String runId = SchemaChangeWorkflow.workflowId(request);
    SchemaChangeWorkflow stub = client.newWorkflowStub(SchemaChangeWorkflow.class,
        RunStart.options(Runbooks.SCHEMA_CHANGE, request, runId, taskQueue, "underway sandbox"));
    WorkflowClient.start(stub::change, request);
    return new Started(runId, Runbooks.SCHEMA_CHANGE.workflowType(),
        client.newWorkflowStub(SchemaChangeWorkflow.class, runId));
  }

  @Override
  public RunEnd end(WorkflowStub run, RunStatus last) {
    try {
      SchemaChangeResult r = Outcomes.of(run, SchemaChangeResult.class);
      return new RunEnd(r.state(), r.message(), r);
    } catch (RuntimeException e) {
      return new RunEnd(RunEnd.endedAs(run, last.state()), last.message(), null);
    }
  }

  @Override
  public void afterRun(LoadGenerator load, RunEnd end, PrintWriter out) throws Exception {
    gauges.close();
    if (!benchmark || end.state() != RunState.COMPLETED) {
      return;
    }
    out.println("Benchmark: a raw batched UPDATE of the same rows under the same load ...");
    out.flush();
    RawUpdate.Result r;
    try (Connection conn = connect()) {
      beforeRaw = CustomersTable.check(conn).mismatches();
      load.mark(SchemaBenchmark.RAW_PHASE, SchemaBenchmark.RAW_PHASE);
      r = RawUpdate.run(conn);
    }
    load.mark(AFTER_RAW, AFTER_RAW);
    raw = new SchemaChangeCheck.RawUpdateFigures(r.rows(), r.millis(), r.rowsPerSecond());
    guardRuns = GuardSweep.run(this::connect, load,
        Duration.parse(TARGET_BATCH_TIME).toMillis(), out);
    load.mark(AFTER_RAW, AFTER_RAW);
  }

  /** The load's phase after the raw update. */
  static final String AFTER_RAW = "after-raw-update";

  @Override
  public Check check(RunEnd end) throws Exception {
    CustomersTable.Checked checked;
    try (Connection conn = connect()) {
      checked = CustomersTable.check(conn);
    }
    Map<String, Long> operations = new TreeMap<>(shapes.operations());
    operations.put("tpcb", tpcb.committed());
    return new SchemaChangeCheck(end.state(), checked.rows(), checked.mismatches(),
        checked.columnExists(), operations, raw, beforeRaw, guardRuns, gauges.baselineMillis());
  }

  @Override
  public List<LoadReport.Gauge> gauges(Instant loadStart) {
    return gauges.gauges(loadStart);
  }

  @Override
  public String benchmark(List<Sandbox.Outcome> outcomes, Path dir) throws Exception {
    SchemaBenchmark b = SchemaBenchmark.of(outcomes);
    return b.text() + "Benchmark: " + b.write(dir) + "\n";
  }

  @Override
  public void close() {
    if (gauges != null) {
      gauges.close();
    }
    if (flags != null) {
      flags.close();
    }
  }
}
