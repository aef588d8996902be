package dev.underway.activities.kubernetes.real;

import static org.assertj.core.api.Assertions.assertThat;

import dev.underway.activities.kubernetes.KubernetesPlatformActivities;
import dev.underway.workflows.evolution.model.Phase;
import dev.underway.workflows.drift.DriftCheckRequest;
import dev.underway.workflows.drift.DriftCheckWorkflow;
import dev.underway.workflows.drift.DriftCheckWorkflowImpl;
import dev.underway.workflows.drift.DriftReport;
import dev.underway.workflows.evolution.InMemoryCluster;
import io.temporal.client.WorkflowOptions;
import io.temporal.testing.TestWorkflowEnvironment;
import java.time.Duration;
import org.junit.jupiter.api.AutoClose;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * {@code DriftCheck} with its platform observation on the real API server, as the worker's
 * ServiceAccount: a namespace at Phase 1 from the overlay matches Phase 1; then someone scales
 * the StatefulSet with kubectl behind Underway's back, and the next check reports it. The SQL
 * side is the documented CockroachDB stand-in ({@link CockroachStandIn}), at Phase 1.
 */
@ExtendWith(RealKubernetes.class)
class DriftCheckOnRealKubernetesTest {
  static final String TASK_QUEUE = "underway-drift-real-kubernetes";
  static final Phase PHASE_1 = new Phase("phase-1", 2, 2, true);

  @AutoClose private TestWorkflowEnvironment env;
  @AutoClose private DemoNamespace ns;

  @Test
  void aStatefulSetScaledBehindUnderwaysBackIsReported(ControlPlane plane) {
    ns = DemoNamespace.create(plane, "underway-drift", 1);
    env = RealTimeWorkflows.start(TASK_QUEUE, DriftCheckWorkflowImpl.class,
        new KubernetesPlatformActivities(ns.worker(), Duration.ofMillis(200)),
        new CockroachStandIn(plane.admin(), InMemoryCluster.atPhase1().licensed(true)));
    DriftCheckRequest request = new DriftCheckRequest(ns.target(), PHASE_1);

    DriftReport clean = check(request, "drift-1");
    assertThat(clean.drifted()).as("%s", clean.drift()).isFalse();
    assertThat(clean.observed().platform().desiredNodes()).isEqualTo(2);

    Kubectl.Result scaled = new Kubectl(plane).run("-n", ns.name(), "scale",
        "statefulset/cockroachdb", "--replicas=3");
    assertThat(scaled.ok()).as(scaled.output()).isTrue();
    ns.awaitReady(3);

    DriftReport drifted = check(request, "drift-2");
    assertThat(drifted.drifted()).isTrue();
    assertThat(drifted.observed().platform().desiredNodes()).isEqualTo(3);
    assertThat(drifted.observed().platform().readyNodes()).isEqualTo(3);
    assertThat(drifted.drift()).contains("StatefulSet has 3 replicas, phase wants 2");
    assertThat(drifted.summary()).startsWith("3 node(s) (3 ready");
  }

  private DriftReport check(DriftCheckRequest request, String id) {
    return env.getWorkflowClient().newWorkflowStub(DriftCheckWorkflow.class,
        WorkflowOptions.newBuilder().setTaskQueue(TASK_QUEUE).setWorkflowId(id).build())
        .check(request);
  }
}
