package dev.underway.activities.sql;

import static dev.underway.activities.sql.CockroachDialect.SNAPSHOT_REBALANCE_RATE;
import static dev.underway.activities.sql.StandInCockroach.MIB;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.underway.guard.GuardSettings;
import dev.underway.guard.GuardState;
import dev.underway.kernel.ChangeResult;
import dev.underway.kernel.DecisionSignal;
import dev.underway.kernel.RunState;
import dev.underway.kernel.SearchAttributes;
import dev.underway.kernel.TestSenders;
import dev.underway.workflows.evolution.ClusterEvolutionWorkflow;
import dev.underway.workflows.evolution.ClusterEvolutionWorkflowImpl;
import dev.underway.workflows.evolution.InMemoryCluster;
import dev.underway.workflows.evolution.Requests;
import dev.underway.workflows.evolution.WorkflowTestSupport;
import dev.underway.workflows.evolution.contract.DatabaseActivities;
import dev.underway.workflows.evolution.model.ClusterTarget;
import dev.underway.workflows.evolution.model.DatabaseState;
import dev.underway.workflows.evolution.model.EvolutionRequest;
import dev.underway.workflows.evolution.model.EvolutionResult;
import dev.underway.workflows.evolution.model.NodesReady;
import dev.underway.workflows.evolution.model.PacedReplication;
import dev.underway.workflows.evolution.model.Phase;
import dev.underway.workflows.evolution.model.ReplicationProgress;
import dev.underway.workflows.evolution.model.SnapshotRate;
import io.temporal.api.enums.v1.IndexedValueType;
import io.temporal.client.WorkflowClient;
import io.temporal.client.WorkflowOptions;
import io.temporal.testing.TestWorkflowEnvironment;
import io.temporal.worker.Worker;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * A cluster evolution's phase whose snapshot rate is on the latency guard, the workflow run in
 * Temporal's test environment, the snapshot rate and the replication wait against the STAND-IN
 * CockroachDB ({@link StandInCockroach}) through the production {@link SqlDatabaseActivities}
 * and the real guard (an in-memory foreground): the setting is read, lowered while the guard is
 * slowed, and restored with the value found by the compensation when the run is aborted
 * mid-phase, and by the restore step on success. The rest of the cluster (pods, zones, the
 * reader) is the workflow tests' {@link InMemoryCluster}.
 */
class SnapshotRateEvolutionWithStandInCockroachTest {

  private static final EvolutionRequest PHASE_1 = new EvolutionRequest(Requests.TARGET,
      List.of(Phase.DEFAULTS.get(1)), null, false, "alice");

  private TestWorkflowEnvironment env;

  @AfterEach
  void tearDown() {
    if (env != null) {
      env.close();
    }
  }

  /** The in-memory cluster's database, except what the stand-in CockroachDB answers. */
  private record Database(DatabaseActivities memory, DatabaseActivities cockroach)
      implements DatabaseActivities {
    @Override
    public DatabaseState observe(ClusterTarget target) {
      return memory.observe(target);
    }

    @Override
    public NodesReady awaitLiveNodes(ClusterTarget target, int nodes) {
      return memory.awaitLiveNodes(target, nodes);
    }

    @Override
    public ChangeResult setReplicationFactor(ClusterTarget target, int replicationFactor) {
      return memory.setReplicationFactor(target, replicationFactor);
    }

    @Override
    public ReplicationProgress awaitReplicated(ClusterTarget target, int readingsRequired) {
      return cockroach.awaitReplicated(target, readingsRequired);
    }

    @Override
    public ChangeResult ensureReadOnlyUser(ClusterTarget target) {
      return memory.ensureReadOnlyUser(target);
    }

    @Override
    public SnapshotRate readSnapshotRate(ClusterTarget target) {
      return cockroach.readSnapshotRate(target);
    }

    @Override
    public GuardState guardBaseline(ClusterTarget target, GuardSettings guard) {
      return cockroach.guardBaseline(target, guard);
    }

    @Override
    public PacedReplication awaitReplicatedPaced(ClusterTarget target, int readingsRequired,
        SnapshotRate found, GuardSettings guard, GuardState baseline) {
      return cockroach.awaitReplicatedPaced(target, readingsRequired, found, guard, baseline);
    }

    @Override
    public ChangeResult restoreSnapshotRate(ClusterTarget target, SnapshotRate found) {
      return cockroach.restoreSnapshotRate(target, found);
    }
  }

  /** Phase 1 approved; returns once the rate was lowered under a slowed guard. */
  private ClusterEvolutionWorkflow lowered(StandInCockroach cockroach) {
    InMemoryCluster memory = InMemoryCluster.atPhase0().licensed(true);
    SnapshotRateWithStandInCockroachTest.Foreground foreground =
        new SnapshotRateWithStandInCockroachTest.Foreground();
    env = TestWorkflowEnvironment.newInstance();
    for (var key : SearchAttributes.ALL) {
      env.registerSearchAttribute(key.getName(), IndexedValueType.INDEXED_VALUE_TYPE_KEYWORD);
    }
    Worker worker = env.newWorker(WorkflowTestSupport.TASK_QUEUE);
    worker.registerWorkflowImplementationTypes(ClusterEvolutionWorkflowImpl.class);
    worker.registerActivitiesImplementations(memory.platform(), new Database(memory.database(),
        SnapshotRateWithStandInCockroachTest.activities(cockroach, foreground)));
    TestSenders.register(worker);
    env.start();
    ClusterEvolutionWorkflow wf = env.getWorkflowClient().newWorkflowStub(
        ClusterEvolutionWorkflow.class, WorkflowOptions.newBuilder()
            .setTaskQueue(WorkflowTestSupport.TASK_QUEUE)
            .setWorkflowId(ClusterEvolutionWorkflow.workflowId(PHASE_1.target())).build());
    WorkflowClient.start(wf::evolve, PHASE_1);
    WorkflowTestSupport.awaitGate(wf, "phase-1");
    wf.approve(new DecisionSignal("phase-1", "bob", "go"));
    // the baseline (the guard's default 10 s) is taken at 1 ms; the snapshots then hurt
    await().atMost(Duration.ofSeconds(60)).until(() -> "await-replication".equals(
        wf.status().currentStep()));
    foreground.millis = 20;
    await().atMost(Duration.ofSeconds(60))
        .until(() -> cockroach.snapshotRate(SNAPSHOT_REBALANCE_RATE) < 32 * MIB);
    return wf;
  }

  @Test
  void onSuccessTheRestoreStepPutsTheValueFoundBack() {
    StandInCockroach cockroach = new StandInCockroach(5, 3, "RANGE default");
    ClusterEvolutionWorkflow wf = lowered(cockroach);

    cockroach.setNumReplicas(null, "RANGE default", 3); // the ranges catch up
    EvolutionResult result = WorkflowTestSupport.outcome(wf);

    assertThat(result.state()).isEqualTo(RunState.COMPLETED);
    assertThat(cockroach.snapshotSet).as("back at its default, as found").isEmpty();
    assertThat(cockroach.snapshotStatements).first().asString()
        .startsWith("SET CLUSTER SETTING kv.snapshot_rebalance.max_rate = ");
    assertThat(cockroach.snapshotStatements)
        .endsWith("RESET CLUSTER SETTING kv.snapshot_rebalance.max_rate");
    assertThat(wf.status().timeline()).anySatisfy(e -> {
      assertThat(e.step()).isEqualTo("restore-snapshot-rate");
      assertThat(e.detail()).contains("back to kv.snapshot_rebalance.max_rate = 32 MiB");
    });
  }

  @Test
  void anAbortMidPhaseRestoresTheValueFoundThroughTheCompensation() {
    StandInCockroach cockroach = new StandInCockroach(5, 3, "RANGE default");
    cockroach.snapshotSet.put(SNAPSHOT_REBALANCE_RATE, 64 * MIB);
    ClusterEvolutionWorkflow wf = lowered(cockroach);
    assertThat(cockroach.snapshotRate(SNAPSHOT_REBALANCE_RATE)).isLessThan(64 * MIB);

    wf.abort(new DecisionSignal(null, "bob", "p99 too high"));
    EvolutionResult result = WorkflowTestSupport.outcome(wf);

    assertThat(result.state()).isEqualTo(RunState.ABORTED);
    assertThat(cockroach.snapshotRate(SNAPSHOT_REBALANCE_RATE)).isEqualTo(64 * MIB);
    assertThat(cockroach.snapshotStatements)
        .endsWith("SET CLUSTER SETTING kv.snapshot_rebalance.max_rate = '" + 64 * MIB + "'");
    assertThat(result.message())
        .contains("Undone: snapshot rate back to kv.snapshot_rebalance.max_rate = 64 MiB");
  }
}
