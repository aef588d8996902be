package dev.underway.activities.kubernetes.real;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.underway.workflows.evolution.model.ClusterTarget;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.SecretBuilder;
import io.fabric8.kubernetes.api.model.apps.StatefulSet;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.readiness.Readiness;
import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * A namespace set up as an operator would from {@code manifests/}: a CockroachDB phase overlay
 * (volumes provided for its claims, pods Ready through kwok), the worker kustomization (its
 * ServiceAccount, Role and RoleBinding) and the credentials Secret the Role lets it read. {@link
 * #worker()} is a client that authenticates as the worker's ServiceAccount.
 */
public final class DemoNamespace implements AutoCloseable {
  public static final String STATEFUL_SET = "cockroachdb";
  public static final String WORKER_ACCOUNT = "underway-worker";
  public static final String CREDENTIALS = "cockroachdb-underway";
  static final Duration WAIT = Duration.ofSeconds(90);

  private final ControlPlane plane;
  private final String name;
  private final KubernetesClient worker;

  private DemoNamespace(ControlPlane plane, String name) {
    this.plane = plane;
    this.name = name;
    this.worker = plane.clientAs(name, WORKER_ACCOUNT);
  }

  /** A new namespace at {@code phase} (0, 1 or 2) with the worker's RBAC; waits for its pods. */
  public static DemoNamespace create(ControlPlane plane, String name, int phase) {
    KubernetesClient admin = plane.admin();
    admin.namespaces().resource(new NamespaceBuilder().withNewMetadata().withName(name)
        .endMetadata().build()).create();
    plane.provideVolumes(name, "datadir", STATEFUL_SET, 3, "10Gi");
    Manifests manifests = new Manifests(plane);
    manifests.applyInto("cockroachdb/overlays/phase-" + phase, name, false);
    manifests.applyInto("worker", name, false);
    admin.secrets().inNamespace(name).resource(new SecretBuilder().withNewMetadata()
        .withName(CREDENTIALS).endMetadata()
        .withStringData(Map.of("username", "root", "password", "")).build()).create();
    DemoNamespace ns = new DemoNamespace(plane, name);
    ns.awaitReady(phase + 1);
    return ns;
  }

  public String name() {
    return name;
  }

  /** The target as a run's input names it. */
  public ClusterTarget target() {
    return ClusterTarget.of(name, STATEFUL_SET, "cockroachdb-public", "app")
        .withCredentialsSecret(CREDENTIALS);
  }

  /** A client authenticated as the worker's ServiceAccount (a TokenRequest token). */
  public KubernetesClient worker() {
    return worker;
  }

  public KubernetesClient admin() {
    return plane.admin();
  }

  public StatefulSet statefulSet() {
    return admin().apps().statefulSets().inNamespace(name).withName(STATEFUL_SET).get();
  }

  /** Waits until the StatefulSet has {@code nodes} pods, all Ready, and says so in its status. */
  public void awaitReady(int nodes) {
    await(name + ": " + nodes + " pods Ready").atMost(WAIT).untilAsserted(() -> {
      StatefulSet sts = statefulSet();
      assertThat(sts.getStatus().getReadyReplicas()).isEqualTo(nodes);
      List<Pod> pods = admin().pods().inNamespace(name)
          .withLabels(sts.getSpec().getSelector().getMatchLabels()).list().getItems();
      assertThat(pods).hasSize(nodes).allMatch(Readiness::isPodReady);
    });
  }

  @Override
  public void close() {
    worker.close();
  }
}
