package dev.underway.workflows.evolution;

import static dev.underway.workflows.evolution.WorkflowTestSupport.awaitGate;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.underway.kernel.DecisionSignal;
import dev.underway.kernel.Run;
import dev.underway.kernel.RunState;
import dev.underway.kernel.Timeline;
import dev.underway.kernel.TimelineEntry;
import dev.underway.workflows.evolution.model.EvolutionRequest;
import dev.underway.workflows.evolution.model.EvolutionResult;
import dev.underway.workflows.evolution.model.Phase;
import io.temporal.client.WorkflowStub;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The snapshot rate on the latency guard, as the workflow runs it ({@link SnapshotRateWindow}),
 * against the {@link InMemoryCluster} STAND-IN's CockroachDB-like setting: read before the
 * phase's first change, lowered during the replication wait while the guard is slowed, put back
 * by a step of its own on success and by the kernel's compensation when the run stops
 * mid-phase. The SQL activities are tested against the CockroachDB stand-in in the activities
 * module.
 */
class SnapshotRateWorkflowTest {

  private static final long MIB = 1024L * 1024;
  private static final EvolutionRequest PHASE_1 = new EvolutionRequest(Requests.TARGET,
      List.of(Phase.DEFAULTS.get(1)), null, false, "alice");

  private WorkflowTestSupport t;

  @AfterEach
  void close() {
    if (t != null) {
      t.close();
    }
  }

  private ClusterEvolutionWorkflow approvedPhase1(InMemoryCluster cluster) {
    t = new WorkflowTestSupport(cluster);
    ClusterEvolutionWorkflow wf = t.start(PHASE_1);
    awaitGate(wf, "phase-1");
    wf.approve(new DecisionSignal("phase-1", "bob", "go"));
    return wf;
  }

  @Test
  void onSuccessTheRateIsLoweredWhileTheGuardIsSlowedAndPutBackByItsStep() {
    InMemoryCluster cluster = InMemoryCluster.atPhase0().licensed(true)
        .withSnapshotRate(32 * MIB);
    cluster.guardDuty(0.5);
    ClusterEvolutionWorkflow wf = approvedPhase1(cluster);

    EvolutionResult result = WorkflowTestSupport.outcome(wf);

    assertThat(result.state()).isEqualTo(RunState.COMPLETED);
    assertThat(cluster.snapshotRates()).as("lowered to duty x found, then back as found")
        .containsExactly(16 * MIB, 32 * MIB);
    assertThat(cluster.snapshotRate()).isEqualTo(32 * MIB);
    assertThat(cluster.calls()).containsSubsequence("Database.ReadSnapshotRate",
        "Database.GuardBaseline", "Platform.ScaleNodes(2)", "Database.SetReplicationFactor(2)",
        "Database.AwaitReplicatedPaced", "Database.RestoreSnapshotRate")
        .doesNotContain("Database.AwaitReplicated");
    assertThat(wf.status().timeline()).extracting(TimelineEntry::step).containsSubsequence(
        Steps.SNAPSHOT_RATE, Steps.SCALE, Steps.SET_REPLICATION,
        Steps.AWAIT_REPLICATION, Steps.RESTORE_SNAPSHOT_RATE, Steps.VERIFY);
    assertThat(wf.status().timeline()).filteredOn(e -> e.step().equals(Steps.SNAPSHOT_RATE))
        .singleElement().extracting(TimelineEntry::detail).asString()
        .contains("found kv.snapshot_rebalance.max_rate = 32 MiB").contains("baseline p99");
    assertThat(wf.status().timeline()).filteredOn(e -> e.step().equals(Steps.AWAIT_REPLICATION))
        .singleElement().extracting(TimelineEntry::detail).asString()
        .contains("snapshot rate 16.0 MiB/s of 32.0 MiB/s found").contains("slowed");
    assertThat(wf.status().timeline()).as("nothing to undo: the step put it back")
        .noneMatch(e -> e.step().equals(Run.UNDO));
  }

  @Test
  void anAbortDuringTheWaitRestoresTheValueFoundThroughTheCompensation() {
    InMemoryCluster cluster = InMemoryCluster.atPhase0().licensed(true)
        .withSnapshotRate(40 * MIB);
    cluster.guardDuty(0.25);
    cluster.holdReplication();
    ClusterEvolutionWorkflow wf = approvedPhase1(cluster);
    await().atMost(Duration.ofSeconds(20))
        .until(() -> Steps.AWAIT_REPLICATION.equals(wf.status().currentStep()));
    await().atMost(Duration.ofSeconds(20)).until(() -> cluster.snapshotRate() == 10 * MIB);

    wf.abort(new DecisionSignal(null, "bob", "p99 too high"));
    EvolutionResult result = WorkflowTestSupport.outcome(wf);

    assertThat(result.state()).isEqualTo(RunState.ABORTED);
    assertThat(cluster.snapshotRates()).containsExactly(10 * MIB, 40 * MIB);
    assertThat(cluster.snapshotRate()).isEqualTo(40 * MIB);
    assertThat(result.message()).contains(
        "Undone: snapshot rate back to kv.snapshot_rebalance.max_rate = 40 MiB");
    assertThat(wf.status().timeline()).filteredOn(e -> e.step().equals(Run.UNDO))
        .singleElement().extracting(TimelineEntry::state).isEqualTo(Timeline.UNDONE);
    assertThat(wf.status().timeline()).noneMatch(e -> e.step().equals(
        Steps.RESTORE_SNAPSHOT_RATE));
  }

  @Test
  void aTemporalCancellationDuringTheWaitRestoresItToo() {
    InMemoryCluster cluster = InMemoryCluster.atPhase0().licensed(true)
        .withSnapshotRate(32 * MIB);
    cluster.guardDuty(0.5);
    cluster.holdReplication();
    ClusterEvolutionWorkflow wf = approvedPhase1(cluster);
    await().atMost(Duration.ofSeconds(20)).until(() -> cluster.snapshotRate() == 16 * MIB);

    WorkflowStub.fromTyped(wf).cancel();
    await().atMost(Duration.ofSeconds(20))
        .until(() -> wf.status().state() == RunState.CANCELED);

    assertThat(cluster.snapshotRate()).isEqualTo(32 * MIB);
    assertThat(cluster.snapshotRates()).containsExactly(16 * MIB, 32 * MIB);
  }

  @Test
  void aDatabaseWithoutTheSettingRunsThePhaseAsBefore() {
    InMemoryCluster cluster = InMemoryCluster.atPhase0().licensed(true);
    ClusterEvolutionWorkflow wf = approvedPhase1(cluster);

    assertThat(WorkflowTestSupport.outcome(wf).state()).isEqualTo(RunState.COMPLETED);
    assertThat(cluster.calls()).contains("Database.ReadSnapshotRate", "Database.AwaitReplicated")
        .doesNotContain("Database.GuardBaseline", "Database.AwaitReplicatedPaced",
            "Database.RestoreSnapshotRate");
    assertThat(wf.status().timeline()).extracting(TimelineEntry::step)
        .doesNotContain(Steps.SNAPSHOT_RATE, Steps.RESTORE_SNAPSHOT_RATE);
  }

  @Test
  void aPhaseWithoutAReplicationChangeDoesNotTouchIt() {
    InMemoryCluster cluster = InMemoryCluster.atPhase1().licensed(true)
        .withSnapshotRate(32 * MIB);
    t = new WorkflowTestSupport(cluster);
    ClusterEvolutionWorkflow wf = t.start(new EvolutionRequest(Requests.TARGET,
        List.of(Phase.DEFAULTS.get(1)), null, false, "alice"));

    assertThat(WorkflowTestSupport.outcome(wf).state()).isEqualTo(RunState.COMPLETED);
    assertThat(cluster.calls()).doesNotContain("Database.ReadSnapshotRate");
    assertThat(cluster.snapshotRates()).isEmpty();
  }
}
