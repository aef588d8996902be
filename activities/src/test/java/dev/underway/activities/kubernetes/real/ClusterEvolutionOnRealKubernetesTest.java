package dev.underway.activities.kubernetes.real;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;
import static org.awaitility.Awaitility.await;

import dev.underway.activities.kubernetes.KubernetesPlatformActivities;
import dev.underway.kernel.DecisionSignal;
import dev.underway.workflows.evolution.contract.EvolutionFailures;
import dev.underway.workflows.evolution.model.EvolutionRequest;
import dev.underway.workflows.evolution.model.EvolutionResult;
import dev.underway.kernel.RunStatus;
import dev.underway.workflows.evolution.model.Phase;
import dev.underway.kernel.RunState;
import dev.underway.workflows.evolution.InMemoryCluster;
import dev.underway.workflows.evolution.model.ClusterTarget;
import dev.underway.workflows.evolution.ClusterEvolutionWorkflow;
import dev.underway.workflows.evolution.ClusterEvolutionWorkflowImpl;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.policy.v1.PodDisruptionBudget;
import io.temporal.client.WorkflowClient;
import io.temporal.client.WorkflowFailedException;
import io.temporal.client.WorkflowOptions;
import io.temporal.client.WorkflowStub;
import io.temporal.testing.TestWorkflowEnvironment;
import io.temporal.failure.ApplicationFailure;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AutoClose;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The evolution's platform side end to end on the real API server: a {@code ClusterEvolution}
 * run from Phase 0 to Phase 2 with the production Kubernetes activities as the worker's
 * ServiceAccount (scale through the scale subresource, readiness waits on the pod status kwok
 * reports, the reader Service and the disruption budget created and patched), approved at each
 * gate; then run again on the evolved cluster: refused before any change when it would scale
 * down, and changing nothing when the phase is already there. The SQL side is the
 * documented CockroachDB stand-in ({@link CockroachStandIn}): no cockroach binary here.
 */
@ExtendWith(RealKubernetes.class)
class ClusterEvolutionOnRealKubernetesTest {
  static final String TASK_QUEUE = "underway-real-kubernetes";

  @AutoClose private TestWorkflowEnvironment env;
  @AutoClose private DemoNamespace ns;

  @Test
  void phase0ToPhase2OnTheRealApiWithTheCockroachStandInThenRerunsRefuseOrChangeNothing(
      ControlPlane plane) {
    ns = DemoNamespace.create(plane, "underway-evolve", 0);
    CockroachStandIn cockroach = new CockroachStandIn(plane.admin());
    env = RealTimeWorkflows.start(TASK_QUEUE, ClusterEvolutionWorkflowImpl.class,
        new KubernetesPlatformActivities(ns.worker(), Duration.ofMillis(200)), cockroach);
    ClusterTarget target = ns.target();
    EvolutionRequest request = new EvolutionRequest(target, null, null, false, "alice");

    ClusterEvolutionWorkflow run = start(request);
    awaitGate(run, "phase-1");
    assertThat(ns.statefulSet().getSpec().getReplicas()).as("nothing before approval")
        .isEqualTo(1);
    run.approve(new DecisionSignal("phase-1", "bob", "dashboards normal"));
    awaitGate(run, "phase-2");
    assertThat(ns.statefulSet().getStatus().getReadyReplicas()).isEqualTo(2);
    assertThat(readerService(target)).as("the reader path from phase 1").isNotNull();
    assertThat(budget(target).getSpec().getMaxUnavailable().getIntVal())
        .as("RF 2 tolerates no failure").isZero();
    run.approve(new DecisionSignal("phase-2", "carol", "p99 normal"));

    EvolutionResult result = WorkflowStub.fromTyped(run).getResult(EvolutionResult.class);
    assertThat(result.state()).as(result.message()).isEqualTo(RunState.COMPLETED);
    assertThat(result.phasesDone()).containsExactly("phase-0", "phase-1", "phase-2");
    ns.awaitReady(3);
    assertThat(ns.statefulSet().getSpec().getReplicas()).isEqualTo(3);
    assertThat(budget(target).getSpec().getMaxUnavailable().getIntVal())
        .as("relaxed once RF 3 is verified").isEqualTo(1);
    Service reader = readerService(target);
    assertThat(reader.getSpec().getSelector())
        .isEqualTo(ns.statefulSet().getSpec().getSelector().getMatchLabels());
    assertThat(cockroach.memory().zones()).as("the stand-in's zones: system ranges at 5")
        .isEqualTo(InMemoryCluster.zonesAt(3));

    long stsGeneration = ns.statefulSet().getMetadata().getGeneration();
    long budgetGeneration = budget(target).getMetadata().getGeneration();
    String readerVersion = reader.getMetadata().getResourceVersion();

    // The same request again lists phase 0 (1 node): refused before any change, never scaled down.
    WorkflowFailedException refused = catchThrowableOfType(WorkflowFailedException.class,
        () -> WorkflowStub.fromTyped(start(request)).getResult(EvolutionResult.class));
    assertThat(refused).isNotNull();
    assertThat(refused.getCause()).isInstanceOfSatisfying(ApplicationFailure.class, f -> {
      assertThat(f.getType()).isEqualTo(EvolutionFailures.SCALE_DOWN_REFUSED.type());
      assertThat(f.getOriginalMessage()).contains("has 3 nodes but phase-0 wants 1");
    });

    // Phase 2 alone: already there, so no gate and no change.
    EvolutionResult again = WorkflowStub.fromTyped(start(new EvolutionRequest(target,
        List.of(new Phase("phase-2", 3, 3, true)), null, false, "alice")))
        .getResult(EvolutionResult.class);
    assertThat(again.state()).as(again.message()).isEqualTo(RunState.COMPLETED);
    assertThat(again.decisions()).isEmpty();
    assertThat(ns.statefulSet().getSpec().getReplicas()).isEqualTo(3);
    assertThat(ns.statefulSet().getMetadata().getGeneration()).isEqualTo(stsGeneration);
    assertThat(budget(target).getMetadata().getGeneration()).isEqualTo(budgetGeneration);
    assertThat(readerService(target).getMetadata().getResourceVersion()).isEqualTo(readerVersion);
  }

  /** Starts a run with the one workflow id a target's runs may have. */
  private ClusterEvolutionWorkflow start(EvolutionRequest request) {
    String id = "cluster-evolution-" + request.target().namespace() + "-"
        + request.target().statefulSet();
    ClusterEvolutionWorkflow wf = env.getWorkflowClient().newWorkflowStub(
        ClusterEvolutionWorkflow.class,
        WorkflowOptions.newBuilder().setTaskQueue(TASK_QUEUE).setWorkflowId(id).build());
    WorkflowClient.start(wf::evolve, request);
    return env.getWorkflowClient().newWorkflowStub(ClusterEvolutionWorkflow.class, id);
  }

  private static void awaitGate(ClusterEvolutionWorkflow wf, String gate) {
    await("gate " + gate).atMost(Duration.ofSeconds(120)).until(() -> {
      RunStatus s = wf.status();
      return s.openGate() != null && s.openGate().gate().equals(gate);
    });
  }

  private Service readerService(ClusterTarget target) {
    return ns.admin().services().inNamespace(ns.name())
        .withName(target.readerServiceOrDefault()).get();
  }

  private PodDisruptionBudget budget(ClusterTarget target) {
    return ns.admin().policy().v1().podDisruptionBudget().inNamespace(ns.name())
        .withName(target.disruptionBudgetName()).get();
  }
}
