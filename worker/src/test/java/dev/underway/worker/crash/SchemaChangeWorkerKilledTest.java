package dev.underway.worker.crash;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.underway.guard.GuardState;
import dev.underway.workflows.schema.contract.BackfillProgress;
import dev.underway.workflows.schema.contract.BackfillResult;
import dev.underway.workflows.schema.contract.ChangeKind;
import dev.underway.workflows.schema.contract.ChangeObjects;
import dev.underway.workflows.schema.contract.NewColumn;
import dev.underway.workflows.schema.contract.OldColumn;
import dev.underway.workflows.schema.contract.TableChange;
import dev.underway.kernel.DecisionRequest;
import dev.underway.kernel.DecisionSignal;
import dev.underway.kernel.RunState;
import dev.underway.kernel.RunStatus;
import dev.underway.local.postgres.LocalPostgres;
import dev.underway.kernel.ChangeResult;
import dev.underway.targets.PostgresServer;
import dev.underway.temporal.DevServerFixture;
import dev.underway.worker.Outcomes;
import dev.underway.workflows.schema.SchemaChangeRequest;
import dev.underway.workflows.schema.SchemaChangeResult;
import dev.underway.workflows.schema.SchemaChangeWorkflow;
import io.temporal.api.enums.v1.EventType;
import io.temporal.api.history.v1.ActivityTaskScheduledEventAttributes;
import io.temporal.api.history.v1.HistoryEvent;
import io.temporal.api.workflow.v1.PendingActivityInfo;
import io.temporal.client.WorkflowClient;
import io.temporal.client.WorkflowOptions;
import io.temporal.common.converter.DefaultDataConverter;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * "Crashes cost seconds, not minutes", on the real Temporal dev server and a real PostgreSQL:
 * {@code underway worker} processes ({@code --heartbeat-timeout PT5S}) SIGKILLed in the expand,
 * five times in the backfill, in a flag step and in the contract. Each step is resumed by the
 * other worker within the heartbeat timeout plus the longest retry wait (both read from the
 * activity's scheduled options in the history) plus a little for a loaded machine, measured on
 * the server's clock from the killed attempt's last heartbeat to the next attempt's start; the run
 * completes with every row right, and every resumed backfill attempt keeps the latency guard's
 * baseline the first attempt sampled. A step "waits" for its kill by needing a lock a test
 * connection holds. And an abort stops a running backfill within 5 s of the signal.
 */
@Timeout(value = 6, unit = TimeUnit.MINUTES)
class SchemaChangeWorkerKilledTest {

  private static final String TQ = "underway-schema-killed";
  private static final Duration HEARTBEAT_TIMEOUT = Duration.ofSeconds(5);
  /** What a loaded two-core machine may add: a poll, a workflow task, the describe's 100 ms. */
  private static final Duration SLACK = Duration.ofSeconds(4);
  private static final int ROWS = 20_000;
  /**
   * The most rows a killed attempt may have done after the progress it last wrote (at most a
   * second old): the first attempt runs at full duty until the guard's first judgement, about a
   * thousand rows a second here, the later ones at the guard's lower duties.
   */
  private static final long UNCOUNTED_PER_KILL = 1_500;

  @TempDir static Path tmp;
  private static LocalPostgres pg;
  private static DevServerFixture temporal;
  private static WorkerProcesses workers;
  private static final List<String> measured = new ArrayList<>();

  @BeforeAll
  static void start() throws Exception {
    temporal = DevServerFixture.start(tmp.resolve("temporal"), false);
    pg = LocalPostgres.start(LocalPostgres.Options.under(tmp.resolve("pg")));
    sql("postgres", "CREATE DATABASE shop");
    for (String table : List.of("accounts", "ledger")) {
      sql("shop", "CREATE TABLE " + table + " (id bigint PRIMARY KEY, amount integer NOT NULL)",
          "INSERT INTO " + table + " SELECT g, g % 1000 FROM generate_series(1, " + ROWS + ") g",
          "ANALYZE " + table);
    }
    workers = new WorkerProcesses(temporal.server().address(), TQ, HEARTBEAT_TIMEOUT,
        Map.of("UNDERWAY_SQL_USER", pg.superuser(),
            "UNDERWAY_SQL_PASSWORD", pg.superuserPassword(),
            "KUBECONFIG", tmp.resolve("no-kubeconfig").toString()),
        Path.of("target", "schema-change-killed"));
    workers.keep(2);
  }

  @AfterAll
  static void stop() throws Exception {
    System.out.println("SchemaChangeWorkerKilledTest measured:\n  " + String.join("\n  ",
        measured));
    try {
      if (workers != null) {
        workers.close();
      }
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
  void everyKilledStepResumesWithinTheHeartbeatTimeoutAndTheChangeIsRight() throws Exception {
    TableChange change = change("accounts");
    long sumBefore = Long.parseLong(scalar("SELECT sum(amount) FROM accounts"));
    SchemaChangeRequest request = request(change);
    String id = SchemaChangeWorkflow.workflowId(request);
    StepAttempts steps = new StepAttempts(temporal.client(), id);
    SchemaChangeWorkflow run = startRun(request, id);
    try {
      // expand waits for its lock behind a transaction of the test, heartbeating each wait
      awaitGate(run, "expand");
      try (Connection holder = holding("LOCK TABLE accounts IN ACCESS SHARE MODE")) {
        run.decide(new DecisionRequest("expand", "approve", "test", "expand"));
        PendingActivityInfo waiting = awaitDetails(steps, "SchemaChange.Expand",
            a -> String.valueOf(StepAttempts.details(a, String.class))
                .contains("waiting for the lock"));
        killAndMeasure(steps, waiting, holder);
      }

      // the backfill: five kills, each after the attempt made progress of its own
      Instant backfillStart = StepAttempts.time(steps.awaitRunning("SchemaChange.Backfill",
          Duration.ofSeconds(60)).getLastStartedTime());
      Duration dead = Duration.ZERO;
      List<BackfillProgress> killedAt = new ArrayList<>();
      for (int kill = 1; kill <= 5; kill++) {
        PendingActivityInfo walking = awaitDetails(steps, "SchemaChange.Backfill", a -> {
          BackfillProgress p = StepAttempts.details(a, BackfillProgress.class);
          return a.hasLastHeartbeatTime() && StepAttempts.time(a.getLastHeartbeatTime())
              .isAfter(StepAttempts.time(a.getLastStartedTime())) && p != null
              && p.rowsDone() - p.resumedFrom() >= 400 && p.guard() != null
              && p.guard().baselineP99Ms() != null;
        });
        killedAt.add(StepAttempts.details(walking, BackfillProgress.class));
        dead = dead.plus(killAndMeasure(steps, walking, null));
      }
      // a worker killed mid-step resumes with the guard's last state: every later attempt
      // carries the first one's baseline and never samples one again under its own load
      GuardState first = killedAt.get(0).guard();
      assertThat(killedAt).extracting(BackfillProgress::attempts)
          .containsExactly(1, 2, 3, 4, 5);
      assertThat(killedAt).allSatisfy(p -> {
        assertThat(p.guard().baselineP99Ms()).isEqualTo(first.baselineP99Ms());
        assertThat(p.guard().mode()).isNotEqualTo(GuardState.BASELINE);
        assertThat(p.guardChanges()).filteredOn(c -> GuardState.BASELINE.equals(c.mode()))
            .as("one baseline, sampled by the first attempt").hasSizeLessThanOrEqualTo(1);
      });
      measured.add(String.format("guard: baseline p99 %.1f ms kept by attempts 1 to 5; at the"
          + " last kill %s", first.baselineP99Ms(), killedAt.get(4).guard().summary()));
      awaitGate(run, "switch-reads");
      Duration backfillWall = Duration.between(backfillStart,
          steps.completed("SchemaChange.Backfill"));
      BackfillResult backfilled = result(id, "SchemaChange.Backfill", BackfillResult.class);
      // rows a killed attempt synced after its last heartbeat are walked again but not touched
      // again: fewer touches than rows, never more (every row is checked right below)
      assertThat(backfilled.rowsUpdated()).isBetween(ROWS - 5 * UNCOUNTED_PER_KILL,
          (long) ROWS);
      assertThat(backfilled.attempts()).isEqualTo(6);
      measured.add(String.format("backfill: %d rows, reported %.0f rows/s over %.1f s of"
              + " attempts, throttled %d ms; wall %.1f s with %.1f s between attempts",
          backfilled.rowsUpdated(), backfilled.rowsPerSecond(), backfilled.millis() / 1000.0,
          backfilled.throttledMillis(), backfillWall.toMillis() / 1000.0,
          dead.toMillis() / 1000.0));
      assertThat(backfilled.millis()).as("the time of every attempt, not only the last")
          .isGreaterThan(backfillWall.minus(dead).toMillis() / 2);
      assertThat(backfilled.throttledMillis()).as("slowed by the probe in every attempt")
          .isGreaterThan(backfilled.millis() / 5);

      // a flag write blocked behind a row lock: its worker dies; the retry writes it
      String reads = ChangeObjects.of(change).readsFlag();
      try (Connection holder = holding(
          "SELECT * FROM underway_flags WHERE key = '" + reads + "' FOR UPDATE")) {
        run.decide(new DecisionRequest("switch-reads", "approve", "test", "reads"));
        killBlockedFlagWrite(steps, holder);
      }
      awaitGate(run, "stop-old-writes");
      run.decide(new DecisionRequest("stop-old-writes", "approve", "test", "writes"));

      // the contract waits for its lock, heartbeating each wait
      awaitGate(run, "contract");
      try (Connection holder = holding("LOCK TABLE accounts IN ACCESS SHARE MODE")) {
        run.decide(new DecisionRequest("contract", "approve", "test", "contract", null, null,
            "public.accounts.amount"));
        PendingActivityInfo waiting = awaitDetails(steps, "SchemaChange.Contract",
            a -> String.valueOf(StepAttempts.details(a, String.class))
                .contains("waiting for the lock"));
        killAndMeasure(steps, waiting, holder);
      }

      SchemaChangeResult result = Outcomes.of(temporal.client().newUntypedWorkflowStub(id), 3,
          TimeUnit.MINUTES, SchemaChangeResult.class);
      assertThat(result.state()).as(result.message()).isEqualTo(RunState.COMPLETED);
      assertThat(scalar("SELECT count(*) FROM information_schema.columns WHERE table_name ="
          + " 'accounts' AND column_name = 'amount'")).as("contracted").isEqualTo("0");
      assertThat(scalar("SELECT count(*) || ' ' || sum(amount_v2) || ' ' || count(*) FILTER"
          + " (WHERE amount_v2 IS NULL OR amount_v2 <> id % 1000) FROM accounts"))
          .as("every row right").isEqualTo(ROWS + " " + sumBefore + " 0");
      List<ChangeResult> flags = results(id, "SchemaChange.SetFlag", ChangeResult.class);
      assertThat(flags).as("the retry wrote the flag: the dead worker's write never happened")
          .anySatisfy(r -> assertThat(r.detail()).isEqualTo(reads + " = new"));
    } catch (Throwable e) {
      throw new AssertionError(e.getMessage() + "\n" + workers.tails(), e);
    }
  }

  @Test
  void anAbortStopsARunningBackfillWithinFiveSeconds() throws Exception {
    TableChange change = change("ledger");
    SchemaChangeRequest request = request(change);
    String id = SchemaChangeWorkflow.workflowId(request);
    StepAttempts steps = new StepAttempts(temporal.client(), id);
    SchemaChangeWorkflow run = startRun(request, id);
    try {
      awaitGate(run, "expand");
      run.decide(new DecisionRequest("expand", "approve", "test", "expand"));
      awaitDetails(steps, "SchemaChange.Backfill", a -> {
        BackfillProgress p = StepAttempts.details(a, BackfillProgress.class);
        return p != null && p.rowsDone() >= 500;
      });

      run.abort(new DecisionSignal(null, "test", "stop the backfill"));

      SchemaChangeResult result = Outcomes.of(temporal.client().newUntypedWorkflowStub(id), 2,
          TimeUnit.MINUTES, SchemaChangeResult.class);
      assertThat(result.state()).as(result.message()).isEqualTo(RunState.ABORTED);
      List<HistoryEvent> history = temporal.client().fetchHistory(id).getEvents();
      Instant signalled = history.stream()
          .filter(e -> e.getEventType() == EventType.EVENT_TYPE_WORKFLOW_EXECUTION_SIGNALED
              && e.getWorkflowExecutionSignaledEventAttributes().getSignalName().equals("abort"))
          .map(e -> StepAttempts.time(e.getEventTime())).findFirst().orElseThrow();
      long scheduled = scheduledIds(history, "SchemaChange.Backfill").get(0);
      Instant stopped = history.stream()
          .filter(e -> e.getEventType() == EventType.EVENT_TYPE_ACTIVITY_TASK_CANCELED
              && e.getActivityTaskCanceledEventAttributes().getScheduledEventId() == scheduled)
          .map(e -> StepAttempts.time(e.getEventTime())).findFirst().orElseThrow();
      Duration latency = Duration.between(signalled, stopped);
      measured.add(String.format("abort: the backfill attempt ended %.2f s after the signal",
          latency.toMillis() / 1000.0));
      assertThat(latency).isLessThanOrEqualTo(Duration.ofSeconds(5));
      assertThat(scalar("SELECT count(*) FROM information_schema.columns WHERE table_name ="
          + " 'ledger' AND column_name = 'amount_v2'")).as("rolled back").isEqualTo("0");
    } catch (Throwable e) {
      throw new AssertionError(e.getMessage() + "\n" + workers.tails(), e);
    }
  }

  // ---- kills and measurements ---------------------------------------------------------------

  /**
   * SIGKILLs the worker running {@code attempt}, releases {@code holder}'s lock (if any) once it
   * is dead, and checks the next attempt started, after a heartbeat timeout, within the bound.
   * Returns the time from the killed attempt's last sign of life to the next one's start.
   */
  private static Duration killAndMeasure(StepAttempts steps, PendingActivityInfo attempt,
      Connection holder) throws Exception {
    String type = attempt.getActivityType().getName();
    assertThat(workers.kill(attempt.getLastWorkerIdentity())).as("one of ours").isTrue();
    PendingActivityInfo last = steps.pending(type).filter(
        p -> p.getAttempt() == attempt.getAttempt()).orElse(attempt);
    if (holder != null) {
      holder.rollback();
    }
    workers.topUp(2); // its JVM starts while the step waits out the heartbeat timeout
    StepAttempts.Next next = steps.awaitNext(attempt, Duration.ofSeconds(60));
    Duration gap = Duration.between(StepAttempts.lastSignOfLife(last), next.started());
    Duration bound = bound(steps, attempt);
    measured.add(String.format("%s attempt %d killed: attempt %d started %.2f s after its"
            + " last heartbeat (bound %.1f s)", type, attempt.getAttempt(), next.attempt(),
        gap.toMillis() / 1000.0, bound.toMillis() / 1000.0));
    assertThat(next.afterAHeartbeatTimeout()).as(type + ": " + next.previousFailure()).isTrue();
    assertThat(gap).as(type + " resumed").isLessThanOrEqualTo(bound);
    workers.keep(2);
    return gap;
  }

  /**
   * The flag write waits for the test's row lock; its lock timeout (half its statement timeout,
   * half the heartbeat timeout) fails an attempt now and then, so a kill may land between two
   * attempts: then the next attempt is killed, until one was killed while it waited.
   */
  private static void killBlockedFlagWrite(StepAttempts steps, Connection holder)
      throws Exception {
    for (int tries = 1; ; tries++) {
      PendingActivityInfo waiting = awaitDetails(steps, "SchemaChange.SetFlag", a -> true);
      assertThat(workers.kill(waiting.getLastWorkerIdentity())).isTrue();
      workers.topUp(2);
      StepAttempts.Next next = steps.awaitNext(waiting, Duration.ofSeconds(60));
      if (next.afterAHeartbeatTimeout()) {
        holder.rollback();
        Duration gap = Duration.between(StepAttempts.lastSignOfLife(waiting), next.started());
        Duration bound = bound(steps, waiting);
        measured.add(String.format("SchemaChange.SetFlag attempt %d killed while blocked:"
                + " attempt %d started %.2f s after it began (bound %.1f s)",
            waiting.getAttempt(), next.attempt(), gap.toMillis() / 1000.0,
            bound.toMillis() / 1000.0));
        assertThat(gap).isLessThanOrEqualTo(bound);
        workers.keep(2);
        return;
      }
      assertThat(tries).as("a kill that hit a waiting flag write").isLessThan(5);
      workers.keep(2);
    }
  }

  /**
   * The heartbeat timeout and the longest retry wait the activity was scheduled with, plus the
   * slack; the heartbeat timeout must be the worker's {@code --heartbeat-timeout}.
   */
  private static Duration bound(StepAttempts steps, PendingActivityInfo attempt) {
    ActivityTaskScheduledEventAttributes scheduled = steps.scheduled(attempt.getActivityId());
    Duration heartbeat = Duration.ofSeconds(scheduled.getHeartbeatTimeout().getSeconds(),
        scheduled.getHeartbeatTimeout().getNanos());
    assertThat(heartbeat).as(attempt.getActivityType().getName()
        + ": the worker's --heartbeat-timeout").isEqualTo(HEARTBEAT_TIMEOUT);
    com.google.protobuf.Duration max = scheduled.getRetryPolicy().getMaximumInterval();
    assertThat(scheduled.getRetryPolicy().getMaximumAttempts()).as("unlimited").isZero();
    return heartbeat.plus(Duration.ofSeconds(max.getSeconds(), max.getNanos())).plus(SLACK);
  }

  private static PendingActivityInfo awaitDetails(StepAttempts steps, String type,
      java.util.function.Predicate<PendingActivityInfo> ready) {
    return await().atMost(Duration.ofSeconds(90)).pollInterval(Duration.ofMillis(100))
        .until(() -> steps.pending(type), p -> p.isPresent() && p.get().getState()
            == io.temporal.api.enums.v1.PendingActivityState.PENDING_ACTIVITY_STATE_STARTED
            && ready.test(p.get()))
        .orElseThrow();
  }

  // ---- the run --------------------------------------------------------------------------------

  private static TableChange change(String table) {
    return new TableChange(null, table, null, ChangeKind.CHANGE_TYPE,
        List.of(new NewColumn("amount_v2", "bigint", "amount::bigint")),
        List.of(new OldColumn("amount", "amount_v2::integer")));
  }

  /**
   * A walk of tens of seconds whatever the machine: the foreground probe (15 ms) is always over
   * its budget (5 ms, a request as made before the guard: the guard's absolute budget), so once
   * the guard has judged it (a second of readings after a second of baseline) the guard holds the
   * backfill at its lowest duty: every batch the smallest (10 rows; a batch does not grow before
   * the guard's first judgement and shrinks while slowed), each followed by a rest 19 times as
   * long as it took.
   */
  private static SchemaChangeRequest request(TableChange change) {
    PostgresServer target = PostgresServer.of(pg.host(), pg.port(), "shop").withSslMode("disable");
    return new SchemaChangeRequest(target, change, 10, null, null, "PT0.005S",
        "SELECT pg_sleep(0.015)", null, null, false, "test", null);
  }

  private static SchemaChangeWorkflow startRun(SchemaChangeRequest request, String id) {
    WorkflowClient client = temporal.client();
    SchemaChangeWorkflow run = client.newWorkflowStub(SchemaChangeWorkflow.class,
        WorkflowOptions.newBuilder().setTaskQueue(TQ).setWorkflowId(id).build());
    WorkflowClient.start(run::change, request);
    return client.newWorkflowStub(SchemaChangeWorkflow.class, id);
  }

  private static void awaitGate(SchemaChangeWorkflow run, String gate) {
    await().atMost(Duration.ofSeconds(180)).ignoreExceptions().until(() -> {
      RunStatus s = run.status();
      return s.openGate() != null && s.openGate().gate().equals(gate);
    });
  }

  private static <T> T result(String id, String type, Class<T> resultType) {
    List<T> all = results(id, type, resultType);
    return all.get(all.size() - 1);
  }

  /** The results of every completed activity of {@code type}, in order. */
  private static <T> List<T> results(String id, String type, Class<T> resultType) {
    List<HistoryEvent> history = temporal.client().fetchHistory(id).getEvents();
    List<Long> scheduled = scheduledIds(history, type);
    return history.stream()
        .filter(e -> e.getEventType() == EventType.EVENT_TYPE_ACTIVITY_TASK_COMPLETED
            && scheduled.contains(e.getActivityTaskCompletedEventAttributes()
                .getScheduledEventId()))
        .map(e -> DefaultDataConverter.STANDARD_INSTANCE.fromPayload(
            e.getActivityTaskCompletedEventAttributes().getResult().getPayloads(0), resultType,
            resultType))
        .toList();
  }

  private static List<Long> scheduledIds(List<HistoryEvent> history, String type) {
    return history.stream()
        .filter(e -> e.getEventType() == EventType.EVENT_TYPE_ACTIVITY_TASK_SCHEDULED
            && e.getActivityTaskScheduledEventAttributes().getActivityType().getName()
                .equals(type))
        .map(HistoryEvent::getEventId).toList();
  }

  // ---- SQL ------------------------------------------------------------------------------------

  /** A connection of the test holding what {@code sql} locks until it is rolled back. */
  private static Connection holding(String sql) throws Exception {
    Connection c = pg.connect("shop");
    c.setAutoCommit(false);
    try (Statement s = c.createStatement()) {
      s.execute(sql);
    }
    return c;
  }

  private static void sql(String database, String... statements) throws Exception {
    try (Connection c = pg.connect(database); Statement s = c.createStatement()) {
      for (String statement : statements) {
        s.execute(statement);
      }
    }
  }

  private static String scalar(String sql) throws Exception {
    try (Connection c = pg.connect("shop"); Statement s = c.createStatement();
         ResultSet rs = s.executeQuery(sql)) {
      rs.next();
      return rs.getString(1);
    }
  }
}
