package dev.underway.workflows.evolution;

import dev.underway.workflows.evolution.model.ClusterTarget;
import java.util.List;

/** A CockroachDB StatefulSet on Kubernetes, in the words of its operators. */
final class KubernetesWords implements TargetWords {

  @Override
  public String budget(ClusterTarget target) {
    return "PodDisruptionBudget " + target.namespace() + "/" + target.disruptionBudgetName();
  }

  @Override
  public String disruption() {
    return "eviction";
  }

  @Override
  public String scale(ClusterTarget target, int before, int after) {
    return "scale StatefulSet " + target.key() + " from " + before + " to " + after
        + " nodes, then wait until " + after + " pods are Ready and " + after + " nodes are live";
  }

  @Override
  public String replication(List<String> zones, int factor) {
    return CockroachZones.change(zones, factor);
  }

  @Override
  public String readerPath(ClusterTarget target) {
    return "create reader Service " + target.namespace() + "/" + target.readerServiceOrDefault();
  }

  @Override
  public boolean licensed() {
    return true;
  }
}
