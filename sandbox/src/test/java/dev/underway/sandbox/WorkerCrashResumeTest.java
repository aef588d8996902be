package dev.underway.sandbox;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.underway.sandbox.engine.postgres.LocalPostgresCluster;
import dev.underway.workflows.evolution.model.EvolutionResult;
import dev.underway.kernel.RunState;
import dev.underway.temporal.DevServerFixture;
import dev.underway.workflows.evolution.ClusterEvolutionWorkflow;
import io.temporal.api.enums.v1.PendingActivityState;
import io.temporal.api.enums.v1.TimeoutType;
import io.temporal.api.history.v1.ActivityTaskStartedEventAttributes;
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
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Crash and resume: the worker runs as its own process ({@code underway worker --activities
 * local}) against the real Temporal dev server, is killed with SIGKILL while a step is waiting
 * (the replication wait, started on it and reporting progress), and a new worker process
 * resumes that step (the history shows a retried attempt, after a heartbeat timeout, run by the
 * new worker, which picked up the first one's progress) and finishes the run. Each change is
 * then verified AT THE DATABASE to have been made exactly once.
 */
class WorkerCrashResumeTest {

  static final String TQ = "underway-crash-test";

  @Test
  void workerKilledMidWaitIsReplacedAndEveryChangeIsMadeOnce(@TempDir Path tmp)
      throws Exception {
    Path dir = tmp.resolve("cluster");
    long primaryPid = CrashTests.phase0Cluster(dir);
    boolean verified = false;
    try {
      crashAndResume(dir, tmp);
      verifyEachChangeOnce(dir, primaryPid); // stops the servers when done
      verified = true;
    } finally {
      // a failure above: stop the servers anyway (attach adopts them; close stops them)
      if (!verified && Files.exists(dir.resolve("cluster.properties"))) {
        LocalPostgresCluster.attach(LocalPostgresCluster.Options.in(dir)).close();
      }
    }
  }

  private void crashAndResume(Path dir, Path tmp) throws Exception {
    // The real dev server: a dead worker's sticky queue is given up after its timeout, as in
    // production. (The SDK's in-memory test server keeps routing to the dead worker.)
    try (DevServerFixture temporal = DevServerFixture.start(tmp.resolve("temporal"), false)) {
      String address = temporal.server().address();
      WorkflowClient client = temporal.client();

      // Slow polling makes the replication wait last several seconds: room to kill mid-wait.
      Process first = worker(address, dir, tmp.resolve("worker-1.log"), "PT2S");
      String id = ClusterEvolutionWorkflow.workflowId(Sandbox.TARGET);
      ClusterEvolutionWorkflow running = CrashTests.startRun(client, TQ);
      CrashTests.approve(running, "phase-1");

      WorkflowStub untyped = client.newUntypedWorkflowStub(id);
      // The kill must land mid-step: the replication wait started on the first worker and
      // reported progress (a heartbeat), so there is a step in flight to resume.
      PendingActivityInfo inFlight = await().atMost(Duration.ofSeconds(90))
          .until(() -> pending(untyped, "Database.AwaitReplicated"), a -> a != null
              && a.getState() == PendingActivityState.PENDING_ACTIVITY_STATE_STARTED
              && a.hasHeartbeatDetails());
      assertThat(inFlight.getLastWorkerIdentity()).as("started by the first worker")
          .startsWith(first.pid() + "@");
      first.destroyForcibly(); // SIGKILL: no shutdown hook, no cleanup
      assertThat(first.waitFor(20, TimeUnit.SECONDS)).isTrue();
      assertThat(pending(untyped, "Database.AwaitReplicated"))
          .as("the step was still in flight when its worker died").isNotNull()
          .extracting(PendingActivityInfo::getActivityId).isEqualTo(inFlight.getActivityId());

      Process second = worker(address, dir, tmp.resolve("worker-2.log"), "PT0.2S");
      try {
        CrashTests.approve(running, "phase-2");
        EvolutionResult result = untyped.getResult(120, TimeUnit.SECONDS, EvolutionResult.class);
        String secondLog = Files.readString(tmp.resolve("worker-2.log"));
        assertThat(result.state()).as(secondLog).isEqualTo(RunState.COMPLETED);
        assertResumedBy(client.fetchHistory(id).getEvents(), inFlight.getActivityId(),
            second.pid());
        assertThat(secondLog).as("the second worker carried on from the first one's progress")
            .contains("Resuming the replication wait of");
      } finally {
        second.destroy();
        second.waitFor(30, TimeUnit.SECONDS);
      }
    }

  }

  private static void verifyEachChangeOnce(Path dir, long primaryPid) throws Exception {
    try (LocalPostgresCluster cluster = LocalPostgresCluster.attach(
        LocalPostgresCluster.Options.in(dir)
        .keepingDirectory(true))) {
      assertThat(cluster.nodeCount()).isEqualTo(3);
      assertThat(cluster.pid(LocalPostgresCluster.PRIMARY)).as("primary never restarted")
          .isEqualTo(primaryPid);
      try (Stream<Path> nodes = Files.list(dir)) {
        assertThat(nodes.filter(Files::isDirectory).map(p -> p.getFileName().toString()))
            .as("one data directory per node, no extra standby").containsExactlyInAnyOrder(
                "node0", "node1", "node2");
      }
      try (Connection c = DriverManager.getConnection(cluster.writerJdbcUrl(),
          cluster.adminProperties()); Statement st = c.createStatement()) {
        assertThat(one(st, "SELECT count(*) FROM pg_replication_slots"))
            .as("one replication slot per standby: no base backup was taken twice")
            .isEqualTo("2");
        assertThat(one(st, "SELECT count(*) FROM pg_stat_replication WHERE state = 'streaming'"))
            .isEqualTo("2");
        assertThat(one(st, "SHOW synchronous_standby_names")).isEqualTo("ANY 1 (node1, node2)");
        assertThat(one(st, "SELECT count(*) FROM pg_roles WHERE rolname = 'underway_reader'"))
            .isEqualTo("1");
      }
    }
  }

  /** The pending activity of that type, or null. */
  private static PendingActivityInfo pending(WorkflowStub stub, String type) {
    return stub.describe().getRawDescription().getPendingActivitiesList().stream()
        .filter(a -> a.getActivityType().getName().equals(type)).findFirst().orElse(null);
  }

  /**
   * The step the first worker was running is in the history as one activity whose attempt
   * that counted was a retry (the first one timed out on its heartbeat when its worker died),
   * run and completed by the second worker.
   */
  private static void assertResumedBy(List<HistoryEvent> history, String activityId,
      long secondPid) {
    long scheduled = history.stream().filter(HistoryEvent::hasActivityTaskScheduledEventAttributes)
        .filter(e -> e.getActivityTaskScheduledEventAttributes().getActivityId()
            .equals(activityId))
        .map(HistoryEvent::getEventId).findFirst().orElseThrow();
    ActivityTaskStartedEventAttributes started = history.stream()
        .filter(HistoryEvent::hasActivityTaskStartedEventAttributes)
        .map(HistoryEvent::getActivityTaskStartedEventAttributes)
        .filter(a -> a.getScheduledEventId() == scheduled).findFirst().orElseThrow();
    assertThat(started.getAttempt()).as("a retried attempt").isGreaterThanOrEqualTo(2);
    assertThat(started.getLastFailure().getTimeoutFailureInfo().getTimeoutType())
        .as("the attempt before it: " + started.getLastFailure())
        .isEqualTo(TimeoutType.TIMEOUT_TYPE_HEARTBEAT);
    assertThat(started.getIdentity()).as("run by the second worker")
        .startsWith(secondPid + "@");
    assertThat(history.stream().filter(HistoryEvent::hasActivityTaskCompletedEventAttributes)
        .map(HistoryEvent::getActivityTaskCompletedEventAttributes)
        .filter(c -> c.getScheduledEventId() == scheduled).map(c -> c.getIdentity()))
        .as("completed once, by the second worker").singleElement().asString()
        .startsWith(secondPid + "@");
  }

  /** A worker that looks again every {@code poll} while it waits. */
  private static Process worker(String address, Path cluster, Path log, String poll)
      throws IOException {
    return CrashTests.worker(address, TQ, Duration.ofSeconds(5), cluster, log,
        Map.of("UNDERWAY_POLL_INTERVAL", poll));
  }


  private static String one(Statement st, String sql) throws java.sql.SQLException {
    try (ResultSet rs = st.executeQuery(sql)) {
      rs.next();
      return rs.getString(1);
    }
  }

}
