package dev.underway.activities.kubernetes;

import dev.underway.workflows.evolution.model.ClusterTarget;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.api.model.OwnerReferenceBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.PodConditionBuilder;
import io.fabric8.kubernetes.api.model.PodStatusBuilder;
import io.fabric8.kubernetes.api.model.apps.StatefulSet;
import io.fabric8.kubernetes.api.model.apps.StatefulSetStatusBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.io.InputStream;

/**
 * Puts a CockroachDB StatefulSet (read from the base manifest) and its pods into the mock API
 * server. The mock has no controllers: nothing creates pods or sets status by itself, so the
 * tests do it here, standing in for the StatefulSet controller and the kubelet.
 */
final class ClusterFixture {
  static final String NAMESPACE = "underway-demo";
  static final String STS = "cockroachdb";
  static final ClusterTarget TARGET =
      ClusterTarget.of(NAMESPACE, STS, "cockroachdb-public", "app").withCredentialsSecret("cockroachdb-underway");

  private final KubernetesClient client;

  ClusterFixture(KubernetesClient client) {
    this.client = client;
  }

  /** Namespace plus the StatefulSet from manifests/cockroachdb/base/statefulset.yaml. */
  StatefulSet createStatefulSet(int replicas) {
    client.namespaces().resource(
        new NamespaceBuilder().withNewMetadata().withName(NAMESPACE).endMetadata().build()).create();
    StatefulSet sts;
    try (InputStream in = getClass().getClassLoader()
        .getResourceAsStream("manifests/cockroachdb/base/statefulset.yaml")) {
      sts = client.getKubernetesSerialization().unmarshal(in, StatefulSet.class);
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
    sts.getMetadata().setNamespace(NAMESPACE);
    sts.getSpec().setReplicas(replicas);
    return client.apps().statefulSets().inNamespace(NAMESPACE).resource(sts).create();
  }

  StatefulSet statefulSet() {
    return client.apps().statefulSets().inNamespace(NAMESPACE).withName(STS).get();
  }

  /** Pod {@code cockroachdb-<ordinal>}, owned by the StatefulSet, not Ready, as the controller would make it. */
  Pod createPod(int ordinal) {
    StatefulSet sts = statefulSet();
    Pod pod = new PodBuilder()
        .withNewMetadata()
          .withName(STS + "-" + ordinal)
          .withNamespace(NAMESPACE)
          .withLabels(sts.getSpec().getSelector().getMatchLabels())
          .withOwnerReferences(new OwnerReferenceBuilder()
              .withApiVersion("apps/v1").withKind("StatefulSet").withName(STS)
              .withUid(sts.getMetadata().getUid()).withController(true).build())
        .endMetadata()
        .withSpec(sts.getSpec().getTemplate().getSpec())
        .withStatus(readyStatus(false))
        .build();
    return client.pods().inNamespace(NAMESPACE).resource(pod).create();
  }

  /** Sets the pod's Ready condition, as the kubelet would after the readiness probe. */
  void setPodReady(int ordinal, boolean ready) {
    client.pods().inNamespace(NAMESPACE).withName(STS + "-" + ordinal)
        .editStatus(p -> {
          p.setStatus(readyStatus(ready));
          return p;
        });
  }

  /** Sets status.readyReplicas, as the StatefulSet controller would. */
  void setReadyReplicas(int ready) {
    client.apps().statefulSets().inNamespace(NAMESPACE).withName(STS).editStatus(s -> {
      s.setStatus(new StatefulSetStatusBuilder()
          .withReplicas(s.getSpec().getReplicas()).withReadyReplicas(ready).build());
      return s;
    });
  }

  private static io.fabric8.kubernetes.api.model.PodStatus readyStatus(boolean ready) {
    return new PodStatusBuilder()
        .withPhase("Running")
        .withConditions(new PodConditionBuilder()
            .withType("Ready").withStatus(ready ? "True" : "False").build())
        .build();
  }
}
