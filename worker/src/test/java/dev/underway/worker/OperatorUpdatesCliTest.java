package dev.underway.worker;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.underway.kernel.DecideCommands;
import dev.underway.kernel.GateView;
import dev.underway.kernel.RunState;
import dev.underway.kernel.RunStatus;
import dev.underway.kernel.TimelineEntry;
import dev.underway.local.postgres.LocalPostgres;
import dev.underway.runbooks.OperatorUpdate;
import dev.underway.runbooks.Runbooks;
import dev.underway.temporal.DevServerFixture;
import dev.underway.workflows.schema.SchemaChangeRequest;
import dev.underway.workflows.schema.SchemaChangeWorkflow;
import dev.underway.workflows.schema.contract.BackfillProgress;
import io.temporal.api.workflow.v1.PendingActivityInfo;
import io.temporal.common.converter.DefaultDataConverter;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The schema change's operator Updates through {@code underway}, and every decide line a gate
 * prints pasted as printed, on the real Temporal dev server with an {@code underway worker}
 * serving the production activities against a real PostgreSQL.
 *
 * <p>Each declared Update is sent both with {@code underway update RUN NAME --input} (its
 * registry example, as is) and with its shortcut; the effect is read from the run (its timeline,
 * the backfill's heartbeat) and from the table (rows filled while throttled). Refusals (an
 * undeclared name, a placeholder, a fraction, an Update the run's state does not allow) are one
 * sentence and a non-zero exit. The "From here" lines of {@code underway status} are split by
 * {@code bash} and run in-process, after replacing only what the text says to replace: the
 * expand gate's approve, the switch-reads and stop-old-writes gates', the destructive contract's
 * approve with its {@code --confirm}, and, on runs of their own, reject and abort.
 */
@Timeout(value = 8, unit = TimeUnit.MINUTES)
class OperatorUpdatesCliTest {

  private static final String TQ = "underway-operator-updates";
  /**
   * Slow at first (see the request: the latency guard holds the backfill at its floor), at full
   * rate once set-ratio lifts the budget: the backfill runs for tens of seconds.
   */
  private static final int ROWS = 12_000;

  @TempDir static Path tmp;
  private static LocalPostgres pg;
  private static DevServerFixture temporal;
  private static String address;
  private static final ExecutorService workerThread = Executors.newSingleThreadExecutor();
  private static Cli worker;
  private static Future<Cli.Result> working;
  private static final Cli cli = new Cli(new GrpcTemporalConnector(), List::of,
      Map.of("USER", "carol"));

  @BeforeAll
  static void start() throws Exception {
    temporal = DevServerFixture.start(tmp.resolve("temporal"), false);
    address = temporal.server().address();
    pg = LocalPostgres.start(LocalPostgres.Options.under(tmp.resolve("pg")));
    sql("postgres", "CREATE DATABASE shop");
    for (String table : List.of("orders", "refunds", "invoices")) {
      sql("shop", "CREATE TABLE " + table + " (id bigint PRIMARY KEY, amount integer NOT NULL)",
          "INSERT INTO " + table + " SELECT g, g % 1000 FROM generate_series(1, "
              + (table.equals("orders") ? ROWS : 100) + ") g", "ANALYZE " + table);
    }
    worker = new Cli(new GrpcTemporalConnector(),
        () -> List.of(new KubernetesActivitiesProvider()),
        Map.of("USER", "ops", "UNDERWAY_SQL_USER", pg.superuser(),
            "UNDERWAY_SQL_PASSWORD", pg.superuserPassword()));
    working = workerThread.submit(() -> worker.run("worker", "--activities", "kubernetes",
        "--address", address, "--task-queue", TQ, "--shutdown-grace", "PT5S"));
    await().atMost(Duration.ofSeconds(90))
        .until(() -> worker.lifecycle.isRunning() || working.isDone());
    assertThat(working.isDone()).as("the worker ended early: %s",
        working.isDone() ? working.get() : "").isFalse();
  }

  @AfterAll
  static void stop() throws Exception {
    try {
      if (worker != null) {
        worker.lifecycle.requestStop();
        worker.lifecycle.awaitStopped(Duration.ofSeconds(30));
      }
      workerThread.shutdownNow();
      workerThread.awaitTermination(30, TimeUnit.SECONDS);
    } finally {
      try {
        if (temporal != null) {
          temporal.close();
        }
      } finally {
        if (pg != null) {
          pg.close();
        }
      }
    }
  }

  @Test
  void everyDeclaredUpdateWorksThroughUnderwayAndEveryPrintedApprovalAsPasted()
      throws Exception {
    String id = start("orders");
    awaitGate(id, "expand");
    paste(fromHere(id, "approve"));

    awaitStep(id, "backfill", "backfill");
    awaitProgress(id, p -> p.rowsDone() > 0);
    OperatorUpdate throttle = declared(SchemaChangeWorkflow.UPDATE_THROTTLE);

    // refused before anything is sent: a name the runbook does not declare
    Cli.Result undeclared = underway("update", id, "decide", "--input", "{\"by\":\"bob\"}");
    assertThat(undeclared.exitCode()).as(undeclared.toString()).isEqualTo(ExitCodes.BAD_INPUT);
    assertThat(oneLine(undeclared.err())).isEqualTo("underway: schema-change has no update"
        + " 'decide': its updates are throttle, unthrottle, set-batch, set-ratio, revert,"
        + " override");
    // refused by the run, in one sentence: a placeholder, a fraction, an unknown key, a state
    assertRefused(underway("update", id, "throttle", "--input",
        "{\"by\":\"YOUR-NAME\",\"reason\":\"deploy\"}"),
        "\"by\" is still the placeholder YOUR-NAME");
    assertRefused(underway("update", id, "set-batch", "--input",
        "{\"by\":\"bob\",\"batchSize\":2.5}"), "batchSize");
    assertRefused(underway("update", id, "throttle", "--input",
        "{\"by\":\"bob\",\"reasons\":\"deploy\"}"), "reasons");
    assertRefused(underway("revert", id, "--by", "bob", "--reason", "5xx"),
        "reads are on the old shape: nothing to revert");

    // throttle (the registry's example, as is): the walk stops where it is
    Cli.Result throttled = underway("update", id, throttle.name(), "--input",
        throttle.example());
    assertThat(throttled.exitCode()).as(throttled.toString()).isZero();
    assertThat(throttled.out()).contains("throttled by bob (bob: deploy)");
    assertPaused(id, "bob: deploy");

    // unthrottle (the shortcut, by $USER): it goes on
    Cli.Result unthrottled = underway("unthrottle", id);
    assertThat(unthrottled.exitCode()).as(unthrottled.toString()).isZero();
    assertThat(unthrottled.out()).contains("unthrottled by carol");
    long before = filled();
    await().atMost(Duration.ofSeconds(30)).until(() -> filled() > before + 50);

    // throttle (the shortcut), set-batch (the shortcut, then the example), unthrottle (example)
    Cli.Result again = underway("throttle", id, "--by", "dave", "--reason", "lunch rush");
    assertThat(again.exitCode()).as(again.toString()).isZero();
    assertPaused(id, "dave: lunch rush");
    Cli.Result pinned = underway("set-batch", id, "150", "--by", "dave");
    assertThat(pinned.exitCode()).as(pinned.toString()).isZero();
    assertThat(pinned.out()).contains("batch size pinned at 150 by dave");
    OperatorUpdate setBatch = declared(SchemaChangeWorkflow.UPDATE_SET_BATCH);
    Cli.Result example = underway("update", id, setBatch.name(), "--input", setBatch.example());
    assertThat(example.exitCode()).as(example.toString()).isZero();
    assertThat(example.out()).contains("batch size pinned at 200 by bob");
    assertThat(control(id)).isEqualTo("throttled true, reason dave: lunch rush, batch 200,"
        + " ratio -");
    // set-ratio: the example, then the shortcut; each keeps the throttle and the batch size
    assertRefused(underway("set-ratio", id, "--ratio", "1", "--by", "dave"),
        "set-ratio's ratio 1.0 is out of range");
    assertRefused(underway("update", id, "set-ratio", "--input",
        "{\"by\":\"bob\",\"ratio\":\"fast\"}"), "\"ratio\" must be a number above 1.0");
    OperatorUpdate setRatio = declared(SchemaChangeWorkflow.UPDATE_SET_RATIO);
    Cli.Result ratio = underway("update", id, setRatio.name(), "--input", setRatio.example());
    assertThat(ratio.exitCode()).as(ratio.toString()).isZero();
    assertThat(ratio.out()).contains("latency ratio set to 1.5x (instead of the request's"
        + " absolute budget 5 ms) by bob");
    assertThat(control(id)).isEqualTo("throttled true, reason dave: lunch rush, batch 200,"
        + " ratio 1.5");
    // the probe (15 ms) is its own baseline: at 10x it is well within budget, the walk goes on
    // at full rate (at the floor's 5% duty the 12,000 rows would outlast the test)
    Cli.Result lifted = underway("set-ratio", id, "--ratio", "10", "--by", "dave", "--reason",
        "the probe is its own baseline");
    assertThat(lifted.exitCode()).as(lifted.toString()).isZero();
    assertThat(lifted.out()).contains("latency ratio set to 10x by dave");
    assertThat(control(id)).isEqualTo("throttled true, reason dave: lunch rush, batch 200,"
        + " ratio 10");
    OperatorUpdate unthrottle = declared(SchemaChangeWorkflow.UPDATE_UNTHROTTLE);
    Cli.Result going = underway("update", id, unthrottle.name(), "--input",
        unthrottle.example());
    assertThat(going.exitCode()).as(going.toString()).isZero();
    assertThat(control(id)).isEqualTo("throttled false, reason -, batch 200, ratio 10");
    assertThat(timeline(id, "throttle")).containsSubsequence("throttled by bob (bob: deploy)",
        "unthrottled by carol", "throttled by dave (dave: lunch rush)",
        "batch size pinned at 150 by dave", "batch size pinned at 200 by bob",
        "latency ratio set to 1.5x (instead of the request's absolute budget 5 ms) by bob",
        "latency ratio set to 10x by dave (the probe is its own baseline)",
        "unthrottled by bob");


    // revert, the shortcut: at stop-old-writes, reads go back and the run to switch-reads
    awaitGate(id, "switch-reads");
    paste(fromHere(id, "approve"));
    awaitGate(id, "stop-old-writes");
    assertThat(flag(id, "reads")).isEqualTo("new");
    Cli.Result reverted = underway("revert", id, "--by", "erin", "--reason", "5xx");
    assertThat(reverted.exitCode()).as(reverted.toString()).isZero();
    awaitGate(id, "switch-reads");
    assertThat(flag(id, "reads")).isEqualTo("old");
    // revert, the example: the same, the second time round
    paste(fromHere(id, "approve"));
    awaitGate(id, "stop-old-writes");
    OperatorUpdate revert = declared(SchemaChangeWorkflow.UPDATE_REVERT);
    Cli.Result revertedAgain = underway("update", id, revert.name(), "--input",
        revert.example());
    assertThat(revertedAgain.exitCode()).as(revertedAgain.toString()).isZero();
    awaitGate(id, "switch-reads");
    assertThat(flag(id, "reads")).isEqualTo("old");
    assertThat(timeline(id, "revert")).filteredOn(d -> d != null && d.contains("erin"))
        .isNotEmpty();
    assertThat(timeline(id, "revert")).filteredOn(d -> d != null && d.contains("bob"))
        .isNotEmpty();

    // the third lap to the destructive gate, whose printed approval carries --confirm
    paste(fromHere(id, "approve"));
    awaitGate(id, "stop-old-writes");
    paste(fromHere(id, "approve"));
    GateView contract = awaitGate(id, "contract");
    String approveContract = fromHere(id, "approve");
    assertThat(approveContract).contains("--confirm '" + contract.confirm() + "'");
    assertThat(contract.text()).contains("--confirm '" + contract.confirm() + "'");
    paste(approveContract);

    // override: the run holds for writers (the quiet period since writes=new); drop despite
    await().atMost(Duration.ofSeconds(30)).until(() -> status(id).state() == RunState.HOLDING);
    assertRefused(underway("update", id, "override", "--input", "{\"by\":\"bob\","
        + "\"reason\":\"known\",\"confirm\":\"public.orders.amount \"}"), "typed exactly");
    // the hold's own line, pasted: the name and the reason replaced, the confirmation as printed
    String hold = status(id).message();
    String printed = hold.substring(hold.indexOf("underway update " + id + " override "));
    printed = printed.contains("; or abort")
        ? printed.substring(0, printed.indexOf("; or abort")) : printed;
    assertThat(printed).contains("\"confirm\": \"" + contract.confirm() + "\"");
    paste(printed.replace("\"" + DecideCommands.COMMENT_PLACEHOLDER + "\"", "\"known\""));
    await().atMost(Duration.ofSeconds(60)).until(() -> status(id).state().terminal());
    assertThat(status(id).state()).as(status(id).message()).isEqualTo(RunState.COMPLETED);
    assertThat(timeline(id, "override")).singleElement().asString().contains("bob");
    assertThat(scalar("SELECT count(*) FROM information_schema.columns WHERE table_name ="
        + " 'orders' AND column_name = 'amount'")).as("contracted").isEqualTo("0");
    assertThat(scalar("SELECT count(*) FILTER (WHERE amount_v2 <> id % 1000) FROM orders"))
        .isEqualTo("0");

    // the run has ended: an update is refused saying so
    Cli.Result ended = underway("throttle", id, "--by", "bob");
    assertThat(ended.exitCode()).isEqualTo(ExitCodes.FAILED);
    assertThat(oneLine(ended.err())).startsWith("underway: run " + id + " has already ended");
  }

  @Test
  void thePrintedRejectAndAbortLinesWorkAsPasted() throws Exception {
    String rejected = start("refunds");
    awaitGate(rejected, "expand");
    paste(fromHere(rejected, "reject"));
    await().atMost(Duration.ofSeconds(60)).until(() -> status(rejected).state().terminal());
    assertThat(status(rejected).state()).isEqualTo(RunState.REJECTED);

    String aborted = start("invoices");
    awaitGate(aborted, "expand");
    paste(fromHere(aborted, "abort"));
    await().atMost(Duration.ofSeconds(60)).until(() -> status(aborted).state().terminal());
    assertThat(status(aborted).state()).isEqualTo(RunState.ABORTED);
  }

  // ---- the command line ----------------------------------------------------------------------

  private static Cli.Result underway(String... args) {
    List<String> all = new ArrayList<>(List.of(args));
    all.addAll(List.of("--address", address));
    return cli.run(all.toArray(String[]::new));
  }

  /**
   * The line {@code underway status} prints under "From here" for {@code kind}: it names this
   * server itself.
   */
  private static String fromHere(String id, String kind) {
    Cli.Result status = underway("status", id);
    assertThat(status.exitCode()).as(status.toString()).isZero();
    List<String> lines = status.out().lines().map(String::strip).toList();
    int at = lines.indexOf("From here (replace " + DecideCommands.NAME_PLACEHOLDER
        + " and the comment):");
    assertThat(at).as(status.out()).isPositive();
    return lines.subList(at + 1, at + 4).stream().filter(l -> l.startsWith("underway " + kind
        + " ")).findFirst().orElseThrow(() -> new AssertionError(status.out()));
  }

  /**
   * Runs a printed line as an operator pastes it, having replaced only what the text says to:
   * the name and the comment. It must be accepted.
   */
  private static void paste(String printed) {
    assertThat(printed).contains("--address " + address);
    String edited = printed.replace(DecideCommands.NAME_PLACEHOLDER, "bob")
        .replace("'" + DecideCommands.COMMENT_PLACEHOLDER + "'", "'looks right'");
    Cli.Result r = cli.run(ShellWords.underwayArguments(edited));
    assertThat(r.exitCode()).as("$ " + edited + "\n" + r).isZero();
  }

  private static void assertRefused(Cli.Result r, String sentence) {
    assertThat(r.exitCode()).as(r.toString()).isEqualTo(ExitCodes.FAILED);
    assertThat(oneLine(r.err())).startsWith("underway: refused: ").contains(sentence);
    assertThat(r.err()).doesNotContain("\tat ").doesNotContain("Exception");
  }

  /** The one line {@code err} must be. */
  private static String oneLine(String err) {
    assertThat(err.strip().lines()).as(err).hasSize(1);
    return err.strip();
  }

  private static OperatorUpdate declared(String name) {
    return Runbooks.SCHEMA_CHANGE.update(name).orElseThrow();
  }

  // ---- the run -------------------------------------------------------------------------------

  /**
   * Starts the change of {@code table} with {@code underway start}: the latency guard holds the
   * backfill at its floor, as the probe (15 ms) is always over the absolute budget (5 ms), until
   * set-ratio replaces the budget; writers must be quiet for 20 s before a drop.
   */
  private static String start(String table) throws Exception {
    String json = "{\"target\":{\"sqlHost\":\"" + pg.host() + "\",\"sqlPort\":" + pg.port()
        + ",\"database\":\"shop\",\"sslMode\":\"disable\"},\"change\":{\"table\":\"" + table
        + "\",\"kind\":\"CHANGE_TYPE\",\"add\":[{\"name\":\"amount_v2\",\"type\":\"bigint\","
        + "\"up\":\"amount::bigint\"}],\"replace\":[{\"name\":\"amount\","
        + "\"down\":\"amount_v2::integer\"}]},\"batchSize\":10,\"latencyBudget\":\"PT0.005S\","
        + "\"latencyProbe\":\"SELECT pg_sleep(0.015)\",\"quietPeriod\":\"PT20S\","
        + "\"requestedBy\":\"alice\"}";
    Cli.Result started = underway("start", "--input", json, "--task-queue", TQ);
    assertThat(started.exitCode()).as(started.toString()).isZero();
    SchemaChangeRequest request = RequestReader.parse(json, "--input", Runbooks.SCHEMA_CHANGE);
    return SchemaChangeWorkflow.workflowId(request);
  }

  private static RunStatus status(String id) {
    return temporal.client().newUntypedWorkflowStub(id)
        .query(SchemaChangeWorkflow.QUERY_STATUS, RunStatus.class);
  }

  private static GateView awaitGate(String id, String gate) {
    return await().atMost(Duration.ofSeconds(120)).ignoreExceptions()
        .until(() -> status(id).openGate(), g -> g != null && g.gate().equals(gate));
  }

  private static void awaitStep(String id, String stage, String step) {
    await().atMost(Duration.ofSeconds(60)).until(() -> status(id),
        s -> stage.equals(s.currentPhase()) && step.equals(s.currentStep()));
  }

  /** The details of the timeline's entries at step {@code step}, in order. */
  private static List<String> timeline(String id, String step) {
    return status(id).timeline().stream().filter(e -> step.equals(e.step()))
        .map(TimelineEntry::detail).toList();
  }

  private static BackfillProgress awaitProgress(String id,
      java.util.function.Predicate<BackfillProgress> ready) {
    return await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(200))
        .until(() -> progress(id).orElse(null), p -> p != null && ready.test(p));
  }

  /** The running backfill's last heartbeat, as the server holds it. */
  private static Optional<BackfillProgress> progress(String id) {
    List<PendingActivityInfo> pending = temporal.client().newUntypedWorkflowStub(id).describe()
        .getRawDescription().getPendingActivitiesList();
    return pending.stream()
        .filter(a -> a.getActivityType().getName().equals("SchemaChange.Backfill")
            && a.hasHeartbeatDetails() && a.getHeartbeatDetails().getPayloadsCount() > 0)
        .map(a -> DefaultDataConverter.STANDARD_INSTANCE.fromPayload(
            a.getHeartbeatDetails().getPayloads(0), BackfillProgress.class,
            BackfillProgress.class))
        .findFirst();
  }

  /** The heartbeat says why it is paused, and no row is filled for 3 s. */
  private static void assertPaused(String id, String reason) throws Exception {
    awaitProgress(id, p -> p.throttle() != null && p.throttle().contains(reason));
    long now = filled();
    await().during(Duration.ofSeconds(3)).atMost(Duration.ofSeconds(10))
        .until(() -> filled() == now);
  }

  // ---- SQL -----------------------------------------------------------------------------------

  /** Rows of orders whose new column is filled (by the backfill: nothing else writes). */
  private static long filled() throws Exception {
    return Long.parseLong(scalar("SELECT count(amount_v2) FROM orders"));
  }

  /**
   * The backfill's control row, where the commands write what the walk reads (the guard's ratio
   * in {@code guard_ratio}, a column the activities add when the ratio is first set).
   */
  private static String control(String id) throws Exception {
    return scalar("SELECT 'throttled ' || throttled || ', reason ' || coalesce(throttle_reason,"
        + " '-') || ', batch ' || coalesce(batch_size::text, '-') || ', ratio '"
        + " || coalesce((to_jsonb(m) ->> 'guard_ratio'), '-') FROM underway_schema_changes m"
        + " WHERE workflow_id = '" + id + "'");
  }

  /** The change's flag {@code which} ({@code reads}, {@code writes}) for {@code id}'s table. */
  private static String flag(String id, String which) throws Exception {
    return scalar("SELECT value FROM underway_flags WHERE key ="
        + " 'schema-change/public.orders/amount_v2/" + which + "'");
  }

  private static String scalar(String sql) throws Exception {
    try (Connection c = pg.connect("shop"); Statement s = c.createStatement();
        ResultSet rs = s.executeQuery(sql)) {
      rs.next();
      return rs.getString(1);
    }
  }

  private static void sql(String database, String... statements) throws Exception {
    try (Connection c = pg.connect(database); Statement s = c.createStatement()) {
      for (String statement : statements) {
        s.execute(statement);
      }
    }
  }
}
