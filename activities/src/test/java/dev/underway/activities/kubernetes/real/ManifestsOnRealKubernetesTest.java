package dev.underway.activities.kubernetes.real;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.api.model.PersistentVolumeClaim;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.StatefulSet;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.fabric8.kubernetes.api.model.policy.v1.PodDisruptionBudget;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.readiness.Readiness;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Every kustomization in {@code manifests/} through the real {@code kubectl apply -k}
 * (server-side; a server-side dry run first) into namespace {@code underway-demo}, as the
 * manifests' README shows: the real API server validates every field, the controllers create the
 * pods, the scheduler places them and kwok reports them Ready.
 */
@ExtendWith(RealKubernetes.class)
class ManifestsOnRealKubernetesTest {

  static final String NS = "underway-demo";
  static final Duration WAIT = Duration.ofSeconds(90);

  static ControlPlane plane;
  static KubernetesClient admin;
  static Manifests manifests;

  @BeforeAll
  static void namespace(ControlPlane controlPlane) {
    plane = controlPlane;
    admin = plane.admin();
    manifests = new Manifests(plane);
    // the README's first step: kubectl create namespace underway-demo
    admin.namespaces().resource(new NamespaceBuilder().withNewMetadata().withName(NS)
        .endMetadata().build()).serverSideApply();
    plane.provideVolumes(NS, "datadir", "cockroachdb", 3, "10Gi");
  }

  @Test
  void thePhaseOverlaysApplyInOrderAndTheDatabasePodsBecomeReady() {
    for (int phase = 0; phase <= 2; phase++) {
      int nodes = phase + 1;
      String overlay = "cockroachdb/overlays/phase-" + phase;
      StatefulSet before = statefulSet();

      Kubectl.Result dryRun = manifests.apply(overlay, true);
      assertThat(dryRun.output()).contains("statefulset.apps/cockroachdb serverside-applied"
          + " (server dry run)");
      StatefulSet afterDryRun = statefulSet();
      if (before == null) {
        assertThat(afterDryRun).as("a dry run creates nothing").isNull();
      } else {
        assertThat(afterDryRun.getMetadata().getResourceVersion())
            .as("a dry run changes nothing").isEqualTo(before.getMetadata().getResourceVersion());
      }

      Kubectl.Result applied = manifests.apply(overlay, false);
      assertThat(applied.output()).contains("statefulset.apps/cockroachdb serverside-applied",
          "poddisruptionbudget.policy/cockroachdb-budget serverside-applied",
          "job.batch/cockroachdb-init serverside-applied");
      assertThat(statefulSet().getSpec().getReplicas()).isEqualTo(nodes);
      await("phase " + phase + ": " + nodes + " pods Ready, claims bound").atMost(WAIT)
          .untilAsserted(() -> assertReady(nodes));
      assertThat(admin.services().inNamespace(NS).withName("cockroachdb-read").get())
          .as("the reader Service from phase 1 on").matches(s -> (s != null) == (nodes > 1));
    }

    PodDisruptionBudget budget = admin.policy().v1().podDisruptionBudget().inNamespace(NS)
        .withName("cockroachdb-budget").get();
    assertThat(budget.getSpec().getMaxUnavailable().getIntVal()).isZero();
    Service reader = admin.services().inNamespace(NS).withName("cockroachdb-read").get();
    assertThat(reader.getSpec().getSelector())
        .isEqualTo(statefulSet().getSpec().getSelector().getMatchLabels());
    await("the init Job completes (kwok ends its pod)").atMost(WAIT).until(
        () -> initJob().getStatus().getSucceeded() != null
            && initJob().getStatus().getSucceeded() == 1);

    // Applied again unchanged (the Job included): accepted, and nothing changes.
    String jobUid = initJob().getMetadata().getUid();
    String jobVersion = initJob().getMetadata().getResourceVersion();
    long generation = statefulSet().getMetadata().getGeneration();
    manifests.apply("cockroachdb/overlays/phase-2", false);
    assertThat(initJob().getMetadata().getUid()).isEqualTo(jobUid);
    assertThat(initJob().getMetadata().getResourceVersion()).isEqualTo(jobVersion);
    assertThat(statefulSet().getMetadata().getGeneration()).isEqualTo(generation);
    Kubectl.Result diff = manifests.diff("cockroachdb/overlays/phase-2");
    assertThat(diff.exitCode()).as("kubectl diff finds nothing:\n%s", diff.output()).isZero();
  }

  @Test
  void theWorkerAndLoadKustomizationsApplyAndTheirPodsRun() {
    for (String folder : List.of("worker", "load")) {
      assertThat(manifests.apply(folder, true).output()).contains("(server dry run)");
      manifests.apply(folder, false);
    }
    await("the worker Deployment available").atMost(WAIT).until(() -> {
      Deployment d = admin.apps().deployments().inNamespace(NS).withName("underway-worker").get();
      return Readiness.getInstance().isReady(d);
    });
    Deployment worker =
        admin.apps().deployments().inNamespace(NS).withName("underway-worker").get();
    assertThat(worker.getSpec().getTemplate().getSpec().getServiceAccountName())
        .isEqualTo("underway-worker");
    assertThat(admin.serviceAccounts().inNamespace(NS).withName("underway-worker").get())
        .isNotNull();
    await("the load Job's pod scheduled and run to completion").atMost(WAIT).until(() -> {
      Job job = admin.batch().v1().jobs().inNamespace(NS).withName("underway-load-kv").get();
      return job.getStatus().getSucceeded() != null && job.getStatus().getSucceeded() == 1;
    });
  }

  private static void assertReady(int nodes) {
    StatefulSet sts = statefulSet();
    assertThat(sts.getStatus().getObservedGeneration()).isEqualTo(sts.getMetadata().getGeneration());
    assertThat(sts.getStatus().getReadyReplicas()).isEqualTo(nodes);
    List<Pod> pods = admin.pods().inNamespace(NS)
        .withLabels(sts.getSpec().getSelector().getMatchLabels()).list().getItems();
    assertThat(pods).hasSize(nodes).allSatisfy(p -> {
      assertThat(Readiness.isPodReady(p)).as(p.getMetadata().getName()).isTrue();
      assertThat(p.getSpec().getNodeName()).isEqualTo(ControlPlane.NODE);
    });
    List<PersistentVolumeClaim> claims =
        admin.persistentVolumeClaims().inNamespace(NS).list().getItems();
    assertThat(claims).hasSize(nodes)
        .allSatisfy(c -> assertThat(c.getStatus().getPhase()).isEqualTo("Bound"));
  }

  private static StatefulSet statefulSet() {
    return admin.apps().statefulSets().inNamespace(NS).withName("cockroachdb").get();
  }

  private static Job initJob() {
    return admin.batch().v1().jobs().inNamespace(NS).withName("cockroachdb-init").get();
  }
}
