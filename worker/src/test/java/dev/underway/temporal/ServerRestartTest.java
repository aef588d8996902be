package dev.underway.temporal;

import dev.underway.kernel.TestSenders;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.underway.kernel.Decision;
import dev.underway.kernel.DecisionRequest;
import dev.underway.workflows.evolution.model.EvolutionRequest;
import dev.underway.workflows.evolution.model.EvolutionResult;
import dev.underway.kernel.RunStatus;
import dev.underway.kernel.RunState;
import dev.underway.workflows.evolution.model.ClusterTarget;
import dev.underway.workflows.evolution.ClusterEvolutionWorkflow;
import dev.underway.workflows.evolution.ClusterEvolutionWorkflowImpl;
import dev.underway.workflows.evolution.InMemoryCluster;
import io.temporal.api.enums.v1.EventType;
import io.temporal.api.history.v1.HistoryEvent;
import io.grpc.StatusRuntimeException;
import io.temporal.api.workflow.v1.PendingActivityInfo;
import io.temporal.api.workflowservice.v1.GetSystemInfoRequest;
import io.temporal.client.WorkflowClient;
import io.temporal.client.WorkflowOptions;
import io.temporal.client.WorkflowStub;
import io.temporal.serviceclient.WorkflowServiceStubs;
import io.temporal.worker.Worker;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The runbook's "The Temporal server restarts. Same: the run continues when it is back." — with
 * the REAL Temporal dev server, SIGKILLed twice and started again on the same SQLite file and
 * port: once while a step (the replication wait) is in flight, once while a gate is open. The
 * worker is in-process and stays up through both outages (its pollers reconnect by themselves);
 * its activities are an IN-MEMORY STAND-IN cluster ({@link InMemoryCluster}), so what is proven
 * is Temporal's durability of the run, not the cluster changes.
 */
class ServerRestartTest {

  static final String TQ = "underway-restart-test";
  static final ClusterTarget TARGET = ClusterTarget.of("underway-demo", "cockroachdb",
      "cockroachdb-public", "app");
  static final Duration UP = Duration.ofSeconds(90);

  @Test
  void runSurvivesServerKilledMidStepAndAtAGate(@TempDir Path tmp) throws Exception {
    InMemoryCluster cluster = InMemoryCluster.atPhase0();
    cluster.holdReplication();
    try (DevServerFixture temporal = DevServerFixture.start(tmp.resolve("temporal"), false)) {
      TemporalDevServer server = temporal.server();
      WorkflowServiceStubs service = temporal.client().getWorkflowServiceStubs();
      WorkflowClient client = temporal.client();
      Worker worker = temporal.newWorker(TQ);
      worker.registerWorkflowImplementationTypes(ClusterEvolutionWorkflowImpl.class);
      worker.registerActivitiesImplementations(cluster.activities());
      TestSenders.register(worker);
      temporal.startWorkers();

      String id = ClusterEvolutionWorkflow.workflowId(TARGET);
      ClusterEvolutionWorkflow start = client.newWorkflowStub(ClusterEvolutionWorkflow.class,
          WorkflowOptions.newBuilder().setTaskQueue(TQ).setWorkflowId(id).build());
      String runId = WorkflowClient.start(start::evolve,
          new EvolutionRequest(TARGET, null, null, false, "alice")).getRunId();
      ClusterEvolutionWorkflow run = client.newWorkflowStub(ClusterEvolutionWorkflow.class, id);
      WorkflowStub untyped = client.newUntypedWorkflowStub(id);

      awaitGate(run, "phase-1");
      run.decide(new DecisionRequest("phase-1", "approve", "bob", "before the outages"));
      await().atMost(UP).until(() -> pendingActivities(untyped)
          .contains("Database.AwaitReplicated"));
      List<HistoryEvent> beforeFirstKill = history(client, id);

      // Outage 1: the server dies while the replication wait is in flight.
      killAndRestart(server, service);
      assertThat(history(client, id)).as("the history the server had before outage 1")
          .startsWith(beforeFirstKill.toArray(HistoryEvent[]::new));
      cluster.finishReplication();
      awaitGate(run, "phase-2"); // the worker reconnected; the wait's result reached the run
      List<HistoryEvent> beforeSecondKill = history(client, id);

      // Outage 2: the server dies while the run waits at a gate.
      killAndRestart(server, service);
      assertThat(history(client, id)).as("the history the server had before outage 2")
          .startsWith(beforeSecondKill.toArray(HistoryEvent[]::new));
      RunStatus atGate = awaitGate(run, "phase-2");
      assertThat(atGate.state()).isEqualTo(RunState.WAITING_FOR_APPROVAL);
      run.decide(new DecisionRequest("phase-2", "approve", "bob", "after the outages"));

      EvolutionResult result = untyped.getResult(UP.toSeconds(), TimeUnit.SECONDS,
          EvolutionResult.class);
      assertThat(result.state()).as(serverLog(server)).isEqualTo(RunState.COMPLETED);
      assertThat(untyped.describe().getRawDescription().getWorkflowExecutionInfo()
          .getExecution().getRunId()).as("the same run, not a new one").isEqualTo(runId);

      RunStatus status = run.status();
      assertThat(status.state()).isEqualTo(RunState.COMPLETED);
      assertThat(status.decisions()).extracting(Decision::gate, d -> d.kind().name(),
              Decision::by, Decision::comment, Decision::accepted)
          .containsExactly(
              org.assertj.core.groups.Tuple.tuple("phase-1", "APPROVE", "bob",
                  "before the outages", true),
              org.assertj.core.groups.Tuple.tuple("phase-2", "APPROVE", "bob",
                  "after the outages", true));
      assertThat(status.timeline()).extracting(t -> t.phase() + "/" + t.step())
          .contains("phase-1/await-replication", "phase-2/await-replication",
              "phase-2/relax-constraints");

      // History kept: what was there before each kill is still there, event for event
      // (ids, times, attributes), and the run went on after it.
      List<HistoryEvent> history = history(client, id);
      assertThat(history).hasSizeGreaterThan(beforeSecondKill.size());
      assertThat(history.subList(0, beforeFirstKill.size())).isEqualTo(beforeFirstKill);
      assertThat(history.subList(0, beforeSecondKill.size())).isEqualTo(beforeSecondKill);
      assertThat(history.get(0).getEventType())
          .isEqualTo(EventType.EVENT_TYPE_WORKFLOW_EXECUTION_STARTED);
      assertThat(history).filteredOn(e -> e.getEventType()
              == EventType.EVENT_TYPE_WORKFLOW_EXECUTION_UPDATE_ACCEPTED).hasSize(2);
      assertThat(history.get(history.size() - 1).getEventType())
          .isEqualTo(EventType.EVENT_TYPE_WORKFLOW_EXECUTION_COMPLETED);

      // No step was repeated because of the outages: each change was made exactly once.
      assertThat(cluster.mutatingCalls()).filteredOn(c -> c.startsWith("Platform.ScaleNodes"))
          .containsExactly("Platform.ScaleNodes(2)", "Platform.ScaleNodes(3)");
      assertThat(cluster.calls()).filteredOn(c -> c.startsWith("Database.SetReplicationFactor"))
          .containsExactly("Database.SetReplicationFactor(2)",
              "Database.SetReplicationFactor(3)");
      assertThat(cluster.nodes()).isEqualTo(3);
      assertThat(cluster.zones()).isEqualTo(InMemoryCluster.zonesAt(3));
      assertThat(cluster.budget()).isEqualTo(1);
    }
  }

  /** SIGKILL, then the same binary on the same port and SQLite file. */
  private static void killAndRestart(TemporalDevServer server, WorkflowServiceStubs service)
      throws Exception {
    long pid = server.pid();
    server.kill();
    assertThat(server.isAlive()).isFalse();
    assertThat(ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false)).isFalse();
    assertThatThrownBy(() -> service.blockingStub().withDeadlineAfter(2, TimeUnit.SECONDS)
        .getSystemInfo(GetSystemInfoRequest.getDefaultInstance()))
        .as("the server is really down").isInstanceOf(StatusRuntimeException.class);
    assertThat(server.databaseFile()).exists();
    server.restart(UP);
    assertThat(server.pid()).isNotEqualTo(pid);
  }

  private static RunStatus awaitGate(ClusterEvolutionWorkflow run, String gate) {
    RunStatus[] last = new RunStatus[1];
    // Queries fail while the worker's pollers are still reconnecting: ignored until it is back.
    await().atMost(UP).pollInterval(Duration.ofMillis(300)).ignoreExceptions().until(() -> {
      last[0] = run.status();
      return last[0].openGate() != null && last[0].openGate().gate().equals(gate);
    });
    return last[0];
  }

  private static List<String> pendingActivities(WorkflowStub stub) {
    return stub.describe().getRawDescription().getPendingActivitiesList().stream()
        .map(PendingActivityInfo::getActivityType).map(t -> t.getName()).toList();
  }

  private static List<HistoryEvent> history(WorkflowClient client, String id) {
    return client.fetchHistory(id).getEvents();
  }

  private static String serverLog(TemporalDevServer server) {
    try {
      return Files.readString(server.databaseFile().resolveSibling("temporal-server.log"));
    } catch (java.io.IOException e) {
      return "(server log unreadable: " + e + ")";
    }
  }
}
