package dev.underway.workflows.evolution;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.underway.workflows.evolution.contract.EvolutionFailures;
import dev.underway.workflows.evolution.model.ClusterObservation;
import dev.underway.workflows.evolution.model.DatabaseState;
import dev.underway.workflows.evolution.model.Phase;
import dev.underway.workflows.evolution.model.Engine;
import dev.underway.workflows.evolution.model.PhasePlan;
import dev.underway.workflows.evolution.model.PlatformKind;
import dev.underway.workflows.evolution.model.PlatformState;
import dev.underway.workflows.evolution.model.ClusterTarget;
import dev.underway.workflows.evolution.model.ZoneReplication;
import io.temporal.failure.ApplicationFailure;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The planner is pure: observed shape in, plan out. */
class PlannerTest {

  private static final ClusterTarget T = Requests.TARGET;
  private static final Phase P0 = Phase.DEFAULTS.get(0);
  private static final Phase P1 = Phase.DEFAULTS.get(1);
  private static final Phase P2 = Phase.DEFAULTS.get(2);

  private static ClusterObservation cluster(int nodes, boolean licensed, Integer budget,
      boolean reader, int... zoneReplicas) {
    List<ZoneReplication> zones = new java.util.ArrayList<>();
    for (int i = 0; i < zoneReplicas.length; i++) {
      zones.add(new ZoneReplication(InMemoryCluster.ZONES.get(i), zoneReplicas[i]));
    }
    return new ClusterObservation(new PlatformState(nodes, nodes, reader, budget),
        new DatabaseState("v25.4.0", nodes, zones, reader, licensed));
  }

  @Test
  void phase0ClusterIsAlreadyAtPhase0() {
    PhasePlan plan = Planner.plan(T, cluster(1, false, 0, false, 1, 1, 1), P0);
    assertThat(plan.alreadyThere()).isTrue();
    assertThat(plan.warnings()).isEmpty();
  }

  @Test
  void phase1PlanScalesRaisesEveryZoneAndAddsTheReaderPath() {
    PhasePlan plan = Planner.plan(T, cluster(1, false, 0, false, 1, 1, 1, 1, 1), P1);
    assertThat(plan.scaleTo()).isEqualTo(2);
    assertThat(plan.zonesToChange()).hasSize(5).contains("RANGE default", "RANGE liveness");
    assertThat(plan.createReaderUser()).isTrue();
    assertThat(plan.createReaderService()).isTrue();
    assertThat(plan.disruptionBudgetDuring()).as("already locked").isNull();
    assertThat(plan.disruptionBudgetAfter()).as("stays locked at RF 2").isNull();
    assertThat(plan.failuresToleratedBefore()).isZero();
    assertThat(plan.failuresToleratedAfter()).isZero();
    assertThat(plan.warnings()).anyMatch(w -> w.contains("RF 2 tolerates ZERO node failures"))
        .anyMatch(w -> w.contains("No licence key"));
  }

  @Test
  void phase2PlanRelaxesTheBudgetOnlyAfterwards() {
    PhasePlan plan = Planner.plan(T, cluster(2, true, 0, true, 2, 2, 2), P2);
    assertThat(plan.scaleTo()).isEqualTo(3);
    assertThat(plan.disruptionBudgetDuring()).isNull();
    assertThat(plan.disruptionBudgetAfter()).isEqualTo(1);
    assertThat(plan.failuresToleratedAfter()).isEqualTo(1);
    assertThat(plan.changes().get(plan.changes().size() - 1)).startsWith("once verified");
    assertThat(plan.warnings()).noneMatch(w -> w.contains("No licence key"))
        .anyMatch(w -> w.startsWith("A licence key is set. A set key is no proof"));
  }

  @Test
  void missingBudgetIsLockedFirst() {
    PhasePlan plan = Planner.plan(T, cluster(1, true, null, false, 1, 1), P1);
    assertThat(plan.disruptionBudgetDuring()).isZero();
    assertThat(plan.changes().get(0)).startsWith("hold PodDisruptionBudget");
  }

  @Test
  void systemZonesConfiguredAboveTheNodeCountAreNotAScaleDown() {
    // A fresh cluster's system ranges ask for 5 replicas, but on 1 node they hold 1 copy.
    PhasePlan plan = Planner.plan(T, cluster(1, true, 0, false, 1, 5, 5), P0);
    assertThat(plan.zonesToChange()).containsExactly("DATABASE system", "RANGE meta");
    assertThat(plan.replicationBefore()).isEqualTo(1);
  }

  @Test
  void moreNodesThanThePhaseIsRefused() {
    assertThatThrownBy(() -> Planner.plan(T, cluster(3, true, 1, true, 3, 3), P1))
        .isInstanceOfSatisfying(ApplicationFailure.class, f -> {
          assertThat(f.getType()).isEqualTo(EvolutionFailures.SCALE_DOWN_REFUSED.type());
          assertThat(f.isNonRetryable()).isTrue();
          assertThat(f.getOriginalMessage()).startsWith(Planner.REFUSED)
              .contains("has 3 nodes but phase-1 wants 2");
        });
  }

  @Test
  void moreReplicasThanThePhaseIsRefused() {
    assertThatThrownBy(() -> Planner.plan(T, cluster(3, true, 1, true, 3, 3),
        new Phase("wide", 3, 2, true)))
        .isInstanceOf(ApplicationFailure.class)
        .hasMessageContaining("every range of underway-demo/cockroachdb has 3 replicas");
  }

  @Test
  void discrepanciesNameWhatIsStillWrong() {
    List<String> left = Planner.discrepancies(T, cluster(2, true, 0, false, 2, 1), P1);
    assertThat(left).containsExactly(
        "DATABASE system has num_replicas 1, phase wants 2",
        "read-only user underway_reader is missing",
        "reader Service cockroachdb-read is missing");
    assertThat(Planner.discrepancies(T, cluster(2, true, 0, true, 2, 2), P1)).isEmpty();
  }

  @Test
  void projectionOfAPlanHasTheShapeOfItsPhase() {
    ClusterObservation start = cluster(1, false, 0, false, 1, 1, 5);
    PhasePlan plan = Planner.plan(T, start, P1);
    ClusterObservation after = Planner.project(start, plan);
    assertThat(Planner.discrepancies(T, after, P1)).isEmpty();
    assertThat(Planner.plan(T, after, P1).alreadyThere()).isTrue();
  }

  @Test
  void gateTextShowsNumbersChangesAndWarnings() {
    PhasePlan plan = Planner.plan(T, cluster(1, false, 0, false, 1, 1), P1);
    String text = Planner.gateText(T, plan);
    assertThat(text)
        .contains("failures tolerated:  0 -> 0")
        .contains("  1. scale StatefulSet underway-demo/cockroachdb from 1 to 2 nodes")
        .contains("  ! RF 2 tolerates ZERO node failures")
        .contains("Nothing is rolled back automatically");
  }

  @Test
  void theSandboxesPostgresqlTargetIsDescribedInItsOwnWords() {
    ClusterObservation local = new ClusterObservation(
        new PlatformState(1, 1, false, 0, PlatformState.LOCAL),
        new DatabaseState("PostgreSQL 17", 1,
            List.of(new ZoneReplication("synchronous_standby_names", 1)), false, true,
            DatabaseState.POSTGRESQL));
    PhasePlan plan = Planner.plan(T, local, P1);
    assertThat(String.join("\n", plan.changes()))
        .contains("add 1 streaming standby node(s)")
        .contains("make every commit wait for a majority of 2 copies (synchronous_standby_names"
            + " = ANY 1 of the 1 standby(s)")
        .contains("publish the reader endpoint")
        .doesNotContain("StatefulSet").doesNotContain("pods").doesNotContain("zone configuration");
    ClusterObservation after = Planner.project(local, plan);
    assertThat(after.platform().kind()).isEqualTo(PlatformKind.LOCAL);
    assertThat(after.database().engine()).isEqualTo(Engine.POSTGRESQL);
  }

  @Test
  void failuresToleratedIsHalfOfRfMinusOneRoundedDown() {
    assertThat(List.of(1, 2, 3, 4, 5, 7).stream().map(Phase::failuresTolerated))
        .containsExactly(0, 0, 1, 1, 2, 3);
  }

  @Test
  void eachKindOfTargetWordsTheSameDecisionsItsOwnWay() {
    Phase p1 = Phase.DEFAULTS.get(1);
    ClusterObservation k8s = cluster(1, false, 0, false, 1, 1);
    ClusterObservation localCockroach = new ClusterObservation(
        new PlatformState(1, 1, false, 0, PlatformKind.LOCAL), k8s.database());
    PhasePlan onKubernetes = Planner.plan(T, k8s, p1);
    PhasePlan onLocal = Planner.plan(ClusterTarget.local("sandbox", "app"), localCockroach, p1);
    assertThat(onLocal.scaleTo()).as("the same decisions").isEqualTo(onKubernetes.scaleTo());
    assertThat(onLocal.zonesToChange()).isEqualTo(onKubernetes.zonesToChange());
    assertThat(onKubernetes.changes()).anyMatch(c -> c.startsWith("scale StatefulSet"))
        .anyMatch(c -> c.startsWith("create reader Service"));
    assertThat(onLocal.changes()).anyMatch(c -> c.startsWith("start 1 more local node(s)"))
        .anyMatch(c -> c.startsWith("publish the reader endpoint of local/sandbox"))
        .noneMatch(c -> c.contains("StatefulSet"));
    assertThat(onLocal.warnings()).as("CockroachDB's licence applies locally too")
        .anyMatch(w -> w.contains("licence"));
  }
}
