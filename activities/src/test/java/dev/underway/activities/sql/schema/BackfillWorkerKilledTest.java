package dev.underway.activities.sql.schema;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.underway.workflows.schema.contract.BackfillResult;
import dev.underway.workflows.schema.contract.BackfillSettings;
import dev.underway.workflows.schema.contract.TableChange;
import dev.underway.local.postgres.LocalPostgres;
import dev.underway.temporal.DevServerFixture;
import io.temporal.api.enums.v1.TimeoutType;
import io.temporal.api.history.v1.ActivityTaskStartedEventAttributes;
import io.temporal.api.history.v1.HistoryEvent;
import io.temporal.client.WorkflowClient;
import io.temporal.client.WorkflowOptions;
import io.temporal.client.WorkflowStub;
import io.temporal.testing.TestActivityEnvironment;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The backfill survives its worker process being killed (SIGKILL) half-way, on the real Temporal
 * dev server: the attempt times out on its heartbeat, a second worker process runs the retry, and
 * the retry resumes where the first left off. Every row the two attempts touched is counted at
 * the database (a statement trigger): the rows in the table plus only what the first did after
 * the point the second resumed from, never the table twice.
 */
class BackfillWorkerKilledTest {

  private static final String TQ = "schema-backfill-killed";
  private static final int ROWS = 100_000;

  @Test
  void aKilledWorkersBackfillIsResumedByAnotherWorkerNotRestarted(@TempDir Path tmp)
      throws Exception {
    try (LocalPostgres pg = LocalPostgres.start(LocalPostgres.Options.under(tmp));
         DevServerFixture temporal = DevServerFixture.start(tmp.resolve("temporal"), false)) {
      SchemaFixture db = new SchemaFixture(pg, "killed");
      db.amounts("big", ROWS);
      TableChange change = SchemaFixture.typeChange("big");
      TestActivityEnvironment env = TestActivityEnvironment.newInstance();
      try {
        db.activities(env).expand(db.target(), change, "schema-change/killed");
      } finally {
        env.close();
      }
      db.sql("CREATE TABLE touched (n bigint)",
          "CREATE FUNCTION count_touched() RETURNS trigger LANGUAGE plpgsql AS"
              + " $$ BEGIN INSERT INTO touched SELECT count(*) FROM changed; RETURN NULL; END $$",
          "CREATE TRIGGER count_touched AFTER UPDATE ON big REFERENCING NEW TABLE AS changed"
              + " FOR EACH STATEMENT EXECUTE FUNCTION count_touched()",
          // the backfill runs under session_replication_role = replica, where only ALWAYS fire
          "ALTER TABLE big ENABLE ALWAYS TRIGGER count_touched");
      temporal.newWorker(TQ).registerWorkflowImplementationTypes(BackfillOnlyWorkflow.Impl.class);
      temporal.startWorkers();
      String address = temporal.server().address();

      Path logs = Files.createDirectories(Path.of("target", "backfill-killed"));
      Process first = worker(address, db, logs.resolve("worker-1.log"));
      String id = "backfill-killed";
      BackfillOnlyWorkflow run = temporal.client().newWorkflowStub(BackfillOnlyWorkflow.class,
          WorkflowOptions.newBuilder().setTaskQueue(TQ).setWorkflowId(id).build());
      // 100 rows a batch and a 10 ms foreground probe before each: the walk takes seconds
      WorkflowClient.start(run::backfill, db.target(), change, new BackfillSettings(
          List.of("id"), 100, 500, 1_500, 10_000L, "SELECT pg_sleep(0.01)", 100, 100));

      await().atMost(Duration.ofSeconds(90)).until(() -> done(db) >= 20_000);
      first.destroyForcibly();
      assertThat(first.waitFor(20, TimeUnit.SECONDS)).isTrue();
      long touchedByFirst = db.count("SELECT sum(n) FROM touched");
      assertThat(touchedByFirst).as("killed half-way").isLessThan(ROWS);

      long updated;
      Process second = worker(address, db, logs.resolve("worker-2.log"));
      try {
        WorkflowStub untyped = temporal.client().newUntypedWorkflowStub(id);
        BackfillResult result;
        try {
          result = untyped.getResult(3, TimeUnit.MINUTES, BackfillResult.class);
        } catch (java.util.concurrent.TimeoutException e) {
          throw new AssertionError("not done; pending: " + untyped.describe().getRawDescription()
              .getPendingActivitiesList() + "\nworker 2: "
              + Files.readString(logs.resolve("worker-2.log")), e);
        }

        assertThat(result.attempts()).isGreaterThanOrEqualTo(2);
        updated = result.rowsUpdated();
        assertRetriedAfterAHeartbeatTimeout(temporal.client().fetchHistory(id).getEvents(),
            second.pid(), Files.readString(logs.resolve("worker-2.log")));
      } finally {
        second.destroy();
        second.waitFor(30, TimeUnit.SECONDS);
      }
      long resumedAt = Long.parseLong(db.scalar(
          "SELECT progress->>'resumedFrom' FROM underway_schema_changes"));
      assertThat(resumedAt).as("resumed, not restarted").isPositive();
      long touched = db.count("SELECT sum(n) FROM touched");
      // the retry walks from where it resumed; rows the first worker did after that point are
      // synced already and not touched again
      assertThat(touched).as("rows touched by both workers: each once").isEqualTo(ROWS);
      assertThat(updated).as("counted up to the resume, then the second's")
          .isEqualTo(resumedAt + ROWS - touchedByFirst);
      assertThat(db.count("SELECT count(*) FROM big WHERE amount_v2 IS DISTINCT FROM amount"))
          .isZero();
    }
  }

  /** Rows done, as the backfill last wrote them to its progress row (0 before). */
  private static long done(SchemaFixture db) throws Exception {
    String v = db.scalar("SELECT coalesce((SELECT progress->>'rowsDone' FROM"
        + " underway_schema_changes), '0')");
    return Long.parseLong(v);
  }

  private static void assertRetriedAfterAHeartbeatTimeout(List<HistoryEvent> history,
      long secondPid, String secondLog) {
    ActivityTaskStartedEventAttributes started = history.stream()
        .filter(HistoryEvent::hasActivityTaskStartedEventAttributes)
        .map(HistoryEvent::getActivityTaskStartedEventAttributes)
        .findFirst().orElseThrow();
    assertThat(started.getAttempt()).as(secondLog).isGreaterThanOrEqualTo(2);
    assertThat(started.getLastFailure().getTimeoutFailureInfo().getTimeoutType())
        .isEqualTo(TimeoutType.TIMEOUT_TYPE_HEARTBEAT);
    assertThat(started.getIdentity()).startsWith(secondPid + "@");
  }

  private static Process worker(String address, SchemaFixture db, Path log) throws Exception {
    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    ProcessBuilder pb = new ProcessBuilder(java, "-cp", System.getProperty("java.class.path"),
        BackfillWorkerMain.class.getName(), address, TQ)
        .redirectErrorStream(true).redirectOutput(log.toFile());
    pb.environment().put("UNDERWAY_SQL_USER", db.credentials().user());
    pb.environment().put("UNDERWAY_SQL_PASSWORD", db.credentials().password());
    return pb.start();
  }
}
