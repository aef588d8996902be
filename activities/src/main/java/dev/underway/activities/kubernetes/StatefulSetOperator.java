package dev.underway.activities.kubernetes;

import dev.underway.kernel.ChangeResult;
import dev.underway.workflows.evolution.model.ClusterTarget;
import io.fabric8.kubernetes.api.model.OwnerReference;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.apps.StatefulSet;
import io.fabric8.kubernetes.api.model.autoscaling.v1.Scale;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Reads and scales the database StatefulSet, and counts its Ready pods. */
final class StatefulSetOperator {
  private static final Logger log = LoggerFactory.getLogger(StatefulSetOperator.class);

  private final KubernetesClient client;

  StatefulSetOperator(KubernetesClient client) {
    this.client = client;
  }

  /** The live StatefulSet; a non-retryable TargetNotFound failure when it (or its namespace) is missing. */
  StatefulSet require(ClusterTarget target) {
    StatefulSet sts = client.apps().statefulSets()
        .inNamespace(target.namespace()).withName(target.statefulSet()).get();
    if (sts == null) {
      throw Refusals.statefulSetNotFound(target);
    }
    return sts;
  }

  /** {@code spec.replicas}; Kubernetes defaults an absent value to 1. */
  static int desiredReplicas(StatefulSet sts) {
    Integer replicas = sts.getSpec().getReplicas();
    return replicas == null ? 1 : replicas;
  }

  /** The pod labels the StatefulSet selects ({@code spec.selector.matchLabels}). */
  static Map<String, String> podSelector(ClusterTarget target, StatefulSet sts) {
    Map<String, String> labels = sts.getSpec().getSelector() == null
        ? null : sts.getSpec().getSelector().getMatchLabels();
    if (labels == null || labels.isEmpty()) {
      throw Refusals.invalid("StatefulSet " + target.key()
          + " has no spec.selector.matchLabels; Underway needs them to select its pods");
    }
    return labels;
  }

  /**
   * Makes the StatefulSet's replicas equal {@code wanted} through its {@code scale} subresource,
   * so the worker's Role needs no write access to the StatefulSet itself (a patch there could
   * change the pod template: the image, the command). Refuses to lower it. The update carries
   * the resourceVersion that was read, so a concurrent change makes it fail (409, retried)
   * instead of being overwritten: a retry reads again and decides again.
   */
  ChangeResult scaleTo(ClusterTarget target, int wanted) {
    String object = "StatefulSet " + target.key();
    require(target);
    var statefulSet = client.apps().statefulSets().inNamespace(target.namespace())
        .withName(target.statefulSet());
    Scale scale = statefulSet.scale();
    int current = scale.getSpec() == null || scale.getSpec().getReplicas() == null
        ? 1 : scale.getSpec().getReplicas();
    if (wanted == current) {
      log.info("{} already has replicas {}; nothing to do", object, current);
      return ChangeResult.unchanged(object, "replicas already " + current);
    }
    if (wanted < current) {
      log.warn("{}: refusing to scale down from {} to {}", object, current, wanted);
      throw Refusals.scaleDown(target, current, wanted);
    }
    scale.getSpec().setReplicas(wanted);
    statefulSet.scale(scale);
    log.info("{}: replicas {} -> {} (not waiting for readiness here)", object, current, wanted);
    return new ChangeResult(object, ChangeResult.Outcome.UPDATED,
        "replicas " + current + " -> " + wanted);
  }

  /**
   * Ready nodes: the pods of this StatefulSet (selected by its labels and owned by it, not being
   * deleted) whose Ready condition is True, cross-checked with {@code status.readyReplicas}. The
   * smaller of the two counts: both the pods and the controller must agree.
   */
  int readyNodes(ClusterTarget target, StatefulSet sts) {
    List<Pod> pods = client.pods().inNamespace(target.namespace())
        .withLabels(podSelector(target, sts)).list().getItems();
    int podsReady = (int) pods.stream()
        .filter(p -> ownedBy(p, sts))
        .filter(p -> p.getMetadata().getDeletionTimestamp() == null)
        .filter(StatefulSetOperator::isReady)
        .count();
    Integer fromStatus = sts.getStatus() == null ? null : sts.getStatus().getReadyReplicas();
    int statusReady = fromStatus == null ? 0 : fromStatus;
    if (podsReady != statusReady) {
      log.debug("StatefulSet {}: {} pods Ready but status.readyReplicas is {}; counting {}",
          target.key(), podsReady, statusReady, Math.min(podsReady, statusReady));
    }
    return Math.min(podsReady, statusReady);
  }

  private static boolean ownedBy(Pod pod, StatefulSet sts) {
    List<OwnerReference> owners = pod.getMetadata().getOwnerReferences();
    if (owners == null) {
      return false;
    }
    return owners.stream().anyMatch(o -> "StatefulSet".equals(o.getKind())
        && sts.getMetadata().getName().equals(o.getName())
        && (o.getUid() == null || sts.getMetadata().getUid() == null
            || o.getUid().equals(sts.getMetadata().getUid())));
  }

  private static boolean isReady(Pod pod) {
    return pod.getStatus() != null && pod.getStatus().getConditions() != null
        && pod.getStatus().getConditions().stream()
            .anyMatch(c -> "Ready".equals(c.getType()) && "True".equals(c.getStatus()));
  }
}
