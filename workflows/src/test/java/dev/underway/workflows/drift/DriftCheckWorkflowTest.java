package dev.underway.workflows.drift;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.underway.kernel.Failures;
import dev.underway.kernel.RunState;
import dev.underway.kernel.RunStatus;
import dev.underway.kernel.TimelineEntry;
import dev.underway.workflows.evolution.model.ClusterObservation;
import dev.underway.workflows.evolution.model.DatabaseState;
import dev.underway.workflows.evolution.model.Phase;
import dev.underway.workflows.evolution.model.PlatformState;
import dev.underway.workflows.evolution.model.ZoneReplication;
import dev.underway.workflows.evolution.model.ClusterTarget;
import dev.underway.workflows.evolution.InMemoryCluster;
import dev.underway.workflows.evolution.Requests;
import dev.underway.kernel.SearchAttributes;
import io.temporal.api.enums.v1.IndexedValueType;
import io.temporal.client.WorkflowClient;
import io.temporal.client.WorkflowFailedException;
import io.temporal.client.WorkflowOptions;
import io.temporal.client.WorkflowStub;
import io.temporal.failure.ApplicationFailure;
import io.temporal.testing.TestWorkflowEnvironment;
import io.temporal.worker.Worker;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** DriftCheck's logic in the time-skipping environment, against an {@link InMemoryCluster}. */
class DriftCheckWorkflowTest {

  static final String TQ = "underway-drift-test";
  static final ClusterTarget TARGET = Requests.TARGET;
  static final Phase PHASE_0 = Phase.DEFAULTS.get(0);
  static final Phase PHASE_1 = Phase.DEFAULTS.get(1);

  private final AtomicInteger runs = new AtomicInteger();
  private TestWorkflowEnvironment env;

  private WorkflowClient start(InMemoryCluster cluster) {
    env = TestWorkflowEnvironment.newInstance();
    for (var key : SearchAttributes.ALL) {
      env.registerSearchAttribute(key.getName(), IndexedValueType.INDEXED_VALUE_TYPE_KEYWORD);
    }
    Worker worker = env.newWorker(TQ);
    worker.registerWorkflowImplementationTypes(DriftCheckWorkflowImpl.class);
    worker.registerActivitiesImplementations(cluster.activities());
    env.start();
    return env.getWorkflowClient();
  }

  private DriftCheckWorkflow stub(WorkflowClient client) {
    return client.newWorkflowStub(DriftCheckWorkflow.class, WorkflowOptions.newBuilder()
        .setTaskQueue(TQ)
        .setWorkflowId(DriftCheckWorkflow.scheduleId(TARGET) + "-" + runs.incrementAndGet())
        .build());
  }

  @AfterEach
  void close() {
    if (env != null) {
      env.close();
    }
  }

  @Test
  void clusterAtItsDeclaredPhaseHasNoDriftAndNothingIsChanged() {
    InMemoryCluster cluster = InMemoryCluster.atPhase1();
    WorkflowClient client = start(cluster);
    DriftCheckWorkflow wf = stub(client);

    DriftReport report = wf.check(new DriftCheckRequest(TARGET, PHASE_1));

    assertThat(report.drifted()).isFalse();
    assertThat(report.drift()).isEmpty();
    assertThat(report.declaredPhase()).isEqualTo(PHASE_1);
    assertThat(report.summary()).startsWith("2 node(s) (2 ready, 2 live), num_replicas 2 on 7"
        + " zone(s), reader Service present, read-only user present, disruption budget"
        + " maxUnavailable 0");
    assertThat(report.checkedAt()).isNotBlank();
    assertThat(cluster.calls()).containsExactly("Platform.Observe", "Database.Observe");
    RunStatus status = client.newWorkflowStub(DriftCheckWorkflow.class,
        WorkflowStub.fromTyped(wf).getExecution().getWorkflowId()).status();
    assertThat(status.runbook()).isEqualTo(DriftCheckWorkflow.RUNBOOK);
    assertThat(status.state()).isEqualTo(RunState.COMPLETED);
    assertThat(status.timeline()).extracting(TimelineEntry::step)
        .containsExactly("validate", "observe", "compare");
    assertThat(status.message()).contains("matches phase-1: no drift");
    assertThat(Requests.TEMPORAL_JSON.convertValue(status.result(), DriftReport.class))
        .isEqualTo(report);
  }

  @Test
  void clusterChangedBehindUnderwaysBackIsReportedInWords() {
    // declared phase-0 (1 node, RF 1, no reader path), but someone added a node and the reader
    // path, and raised one zone's replication factor
    InMemoryCluster cluster = InMemoryCluster.atPhase1();
    WorkflowClient client = start(cluster);
    DriftCheckWorkflow wf = stub(client);

    DriftReport report = wf.check(new DriftCheckRequest(TARGET, PHASE_0));

    assertThat(report.drifted()).isTrue();
    assertThat(report.drift()).contains(
        "StatefulSet has 2 replicas, phase wants 1",
        "2 nodes are live, phase-0 declares 1",
        "RANGE default has num_replicas 2, phase wants 1",
        "reader Service cockroachdb-read exists but phase-0 declares no reader path",
        "read-only user underway_reader exists but phase-0 declares no reader path");
    assertThat(cluster.mutatingCalls()).as("a drift check changes nothing").isEmpty();
    RunStatus status = client.newWorkflowStub(DriftCheckWorkflow.class,
        WorkflowStub.fromTyped(wf).getExecution().getWorkflowId()).status();
    assertThat(status.message()).contains("drifted from phase-0", "StatefulSet has 2 replicas");
  }

  @Test
  void missingOrDifferentDisruptionBudgetIsDrift() {
    InMemoryCluster cluster = InMemoryCluster.atPhase0().withoutDisruptionBudget();
    WorkflowClient client = start(cluster);

    DriftReport missing = stub(client).check(new DriftCheckRequest(TARGET, PHASE_0));
    assertThat(missing.drift()).containsExactly("PodDisruptionBudget underway-demo/cockroachdb-budget"
        + " is missing, phase-0 wants maxUnavailable 0 (RF 1 cannot lose a replica)");

    ClusterObservation phase2 = new ClusterObservation(new PlatformState(3, 3, true, 1),
        new DatabaseState("v25", 3, List.of(new ZoneReplication("RANGE default", 3)), true,
            true));
    assertThat(DriftRules.drift(TARGET, phase2, Phase.DEFAULTS.get(2)))
        .as("phase-2 at RF 3 with maxUnavailable 1: no drift").isEmpty();
    ClusterObservation locked = new ClusterObservation(new PlatformState(3, 3, true, 0),
        phase2.database());
    assertThat(DriftRules.drift(TARGET, locked, Phase.DEFAULTS.get(2))).containsExactly(
        "PodDisruptionBudget underway-demo/cockroachdb-budget has maxUnavailable 0, phase-2"
            + " wants 1 (RF 3 survives one node being drained)");
  }

  @Test
  void badInputIsRefusedBeforeAnythingIsObserved() throws Exception {
    InMemoryCluster cluster = InMemoryCluster.atPhase0();
    WorkflowClient client = start(cluster);
    // as the UI's input box or `temporal schedule create --input` would send it
    Map<?, ?> typo = Requests.TEMPORAL_JSON.readValue("""
        {"target": {"namespace": "underway-demo", "statefulSet": "cockroachdb",
                    "publicService": "cockroachdb-public", "database": "app"},
         "declared": {"name": "phase-0", "nodes": 1, "replicationFactor": 2, "node": 1},
         "declard": "x"}""", Map.class);
    WorkflowStub untyped = client.newUntypedWorkflowStub(DriftCheckWorkflow.TYPE,
        WorkflowOptions.newBuilder().setTaskQueue(TQ).setWorkflowId("drift-typo").build());
    untyped.start(typo);

    assertThatThrownBy(() -> untyped.getResult(DriftReport.class))
        .isInstanceOf(WorkflowFailedException.class)
        .cause().isInstanceOfSatisfying(ApplicationFailure.class, f -> {
          assertThat(f.getType()).isEqualTo(Failures.INVALID_REQUEST);
          assertThat(f.isNonRetryable()).isTrue();
          assertThat(f.getOriginalMessage()).startsWith(DriftCheckWorkflowImpl.REFUSED)
              .contains("request has unknown field(s) [declard]",
                  "declared has unknown field(s) [node]",
                  "replicationFactor 2 is larger than its 1 node(s)",
                  "declared.readerPath is missing");
        });
    assertThatThrownBy(() -> stub(client).check(new DriftCheckRequest(TARGET, null)))
        .cause().hasMessageContaining("declared is missing");
    assertThatThrownBy(() -> stub(client).check(null))
        .cause().hasMessageContaining("the request is empty");
    assertThat(cluster.calls()).as("nothing observed").isEmpty();
  }

  @Test
  void runbookExamplesAreValidRequests() throws Exception {
    for (String name : List.of("sandbox-phase-0.json", "phase-1.json")) {
      DriftCheckRequest r = Requests.TEMPORAL_JSON.readValue(
          Requests.runbookFile("drift-check/" + name), DriftCheckRequest.class);
      assertThat(DriftRules.problems(r)).as(name).isEmpty();
    }
  }

}
