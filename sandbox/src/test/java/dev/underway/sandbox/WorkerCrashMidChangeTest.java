package dev.underway.sandbox;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.underway.sandbox.engine.postgres.LocalPostgresCluster;
import dev.underway.kernel.DecisionSignal;
import dev.underway.workflows.evolution.model.EvolutionResult;
import dev.underway.kernel.RunState;
import dev.underway.worker.Outcomes;
import dev.underway.temporal.DevServerFixture;
import dev.underway.workflows.evolution.ClusterEvolutionWorkflow;
import io.temporal.api.enums.v1.EventType;
import io.temporal.api.history.v1.HistoryEvent;
import io.temporal.api.workflow.v1.PendingActivityInfo;
import io.temporal.client.WorkflowClient;
import io.temporal.client.WorkflowStub;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A worker process SIGKILLed in the middle of a CHANGE step (the scale, whose base-backup copy
 * is held to a slow rate so that there is a middle): the step moves to another worker within the
 * heartbeat timeout, not after its start-to-close timeout, the new attempt is visible in the
 * history, and the change is made once (checked at the database). Real dev server, real
 * PostgreSQL processes, workers in JVMs of their own.
 */
class WorkerCrashMidChangeTest {

  static final String TQ = "underway-crash-change";
  static final Duration HEARTBEAT_TIMEOUT = Duration.ofSeconds(5);

  @Test
  void aWorkerKilledMidScaleIsReplacedWithinTheHeartbeatTimeout(@TempDir Path tmp)
      throws Exception {
    Path dir = tmp.resolve("cluster");
    CrashTests.phase0Cluster(dir);
    try (DevServerFixture temporal = DevServerFixture.start(tmp.resolve("temporal"), false)) {
      WorkflowClient client = temporal.client();
      try {
        crashMidScale(client, temporal.server().address(), dir, tmp);
      } catch (Throwable e) {
        throw new AssertionError(e.getMessage() + "\n--- status ---\n" + status(client)
            + "\n--- worker 1 ---\n" + log(tmp.resolve("worker-1.log"))
            + "\n--- worker 2 ---\n" + log(tmp.resolve("worker-2.log")), e);
      }
    } finally {
      verifyOneStandbyAndStop(dir); // stops the servers whatever happened
    }
  }

  private void crashMidScale(WorkflowClient client, String address, Path dir, Path tmp)
      throws Exception {
    failed = true;
    // ~40 MB of data directory at 2 MiB/s: a copy of about 20 s to kill the worker in
    Process first = worker(address, dir, tmp.resolve("worker-1.log"), "2MiB");
    Process second = null;
    try {
      String id = ClusterEvolutionWorkflow.workflowId(Sandbox.TARGET);
      ClusterEvolutionWorkflow running = CrashTests.startRun(client, TQ);
      CrashTests.approve(running, "phase-1");

      WorkflowStub untyped = client.newUntypedWorkflowStub(id);
      PendingActivityInfo copying = await().atMost(Duration.ofSeconds(90))
          .until(() -> scale(untyped), a -> a.isPresent() && progress(a.get()).contains("MiB copied"))
          .orElseThrow();
      assertThat(progress(copying)).as("the copy reports its progress")
          .contains("base backup for node1");
      assertThat(copying.getAttempt()).isEqualTo(1);

      first.destroyForcibly(); // SIGKILL, mid-copy
      Instant killed = Instant.now();
      assertThat(first.waitFor(20, TimeUnit.SECONDS)).isTrue();
      second = worker(address, dir, tmp.resolve("worker-2.log"), "");

      CrashTests.awaitGate(running, "phase-2"); // phase 1 finished, on the second worker
      HistoryEvent started = scaleStarted(client, id);
      long movedAfterMillis = Instant.ofEpochSecond(started.getEventTime().getSeconds(),
          started.getEventTime().getNanos()).toEpochMilli() - killed.toEpochMilli();
      System.out.printf("WorkerCrashMidChangeTest: the scale step moved to the second worker"
          + " %.1f s after the kill (heartbeat timeout %s)%n", movedAfterMillis / 1000.0,
          HEARTBEAT_TIMEOUT);
      assertThat(started.getActivityTaskStartedEventAttributes().getAttempt())
          .as("a retried attempt, on the second worker").isGreaterThanOrEqualTo(2);
      assertThat(started.getActivityTaskStartedEventAttributes().getIdentity())
          .contains(String.valueOf(second.pid()));
      // the start-to-close timeout of a change is 30 minutes: only the heartbeat timeout moves
      // a step this soon (a generous bound for a loaded machine)
      assertThat(movedAfterMillis).as("moved within the heartbeat timeout plus retry backoff")
          .isLessThan(Duration.ofSeconds(90).toMillis());

      running.abort(new DecisionSignal(null, "test", "phase 1 is what this test needs"));
      EvolutionResult result = Outcomes.of(untyped, 60, TimeUnit.SECONDS,
          EvolutionResult.class);
      assertThat(result.state()).as(Files.readString(tmp.resolve("worker-2.log")))
          .isEqualTo(RunState.ABORTED);
      assertThat(result.phasesDone()).contains("phase-1");
      failed = false;
    } finally {
      first.destroyForcibly();
      if (second != null) {
        second.destroy();
        second.waitFor(30, TimeUnit.SECONDS);
      }
    }
  }

  /** At the database: one standby, one slot, streaming; the leftover of the kill removed. */
  private static void verifyOneStandbyAndStop(Path dir) throws Exception {
    if (!Files.exists(dir.resolve("cluster.properties"))) {
      return;
    }
    try (LocalPostgresCluster cluster = LocalPostgresCluster.attach(
        LocalPostgresCluster.Options.in(dir))) {
      if (failing()) {
        return; // the failure above says what went wrong; only stop the servers
      }
      assertThat(cluster.nodeCount()).isEqualTo(2);
      try (Stream<Path> nodes = Files.list(dir)) {
        assertThat(nodes.filter(Files::isDirectory).map(p -> p.getFileName().toString()))
            .containsExactlyInAnyOrder("node0", "node1");
      }
      try (Connection c = DriverManager.getConnection(cluster.writerJdbcUrl(),
          cluster.adminProperties()); Statement st = c.createStatement()) {
        assertThat(one(st, "SELECT count(*) FROM pg_replication_slots")).isEqualTo("1");
        assertThat(one(st, "SELECT count(*) FROM pg_stat_replication WHERE state = 'streaming'"))
            .isEqualTo("1");
      }
    }
  }

  private static String log(Path file) throws IOException {
    return Files.exists(file) ? Files.readString(file) : "(none)";
  }

  private static String status(WorkflowClient client) {
    try {
      return client.newWorkflowStub(ClusterEvolutionWorkflow.class,
          ClusterEvolutionWorkflow.workflowId(Sandbox.TARGET)).status().toString();
    } catch (RuntimeException e) {
      return "(no status: " + e + ")";
    }
  }

  private static boolean failed;

  private static boolean failing() {
    return failed;
  }

  private static Optional<PendingActivityInfo> scale(WorkflowStub stub) {
    return stub.describe().getRawDescription().getPendingActivitiesList().stream()
        .filter(a -> a.getActivityType().getName().equals("Platform.ScaleNodes")).findFirst();
  }

  private static String progress(PendingActivityInfo a) {
    return a.hasHeartbeatDetails() && a.getHeartbeatDetails().getPayloadsCount() > 0
        ? a.getHeartbeatDetails().getPayloads(0).getData().toStringUtf8() : "";
  }

  private static HistoryEvent scaleStarted(WorkflowClient client, String id) {
    List<HistoryEvent> events = client.fetchHistory(id).getEvents();
    long scheduled = events.stream()
        .filter(e -> e.getEventType() == EventType.EVENT_TYPE_ACTIVITY_TASK_SCHEDULED
            && e.getActivityTaskScheduledEventAttributes().getActivityType().getName()
                .equals("Platform.ScaleNodes"))
        .mapToLong(HistoryEvent::getEventId).findFirst().orElseThrow();
    return events.stream()
        .filter(e -> e.getEventType() == EventType.EVENT_TYPE_ACTIVITY_TASK_STARTED
            && e.getActivityTaskStartedEventAttributes().getScheduledEventId() == scheduled)
        .findFirst().orElseThrow();
  }

  /** A worker whose base backups read at most {@code rate} a second (blank: no limit). */
  private static Process worker(String address, Path cluster, Path log, String rate)
      throws IOException {
    return CrashTests.worker(address, TQ, HEARTBEAT_TIMEOUT, cluster, log, Map.of(
        LocalActivitiesProvider.BASE_BACKUP_RATE_ENV, rate, "UNDERWAY_POLL_INTERVAL", "PT0.2S"));
  }


  private static String one(Statement st, String sql) throws java.sql.SQLException {
    try (ResultSet rs = st.executeQuery(sql)) {
      rs.next();
      return rs.getString(1);
    }
  }
}
