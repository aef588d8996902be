package dev.underway.workflows.evolution;

import dev.underway.kernel.RequestChecks;
import dev.underway.targets.TargetPatterns;
import dev.underway.workflows.evolution.model.ClusterTarget;
import java.util.List;

/**
 * The problems of a local cluster of the sandbox as a target ({@code kind: local}): named by its
 * name, and none of a Kubernetes target's objects. Pure.
 */
final class LocalTargetChecks {
  private LocalTargetChecks() {}

  static void check(ClusterTarget t, List<String> problems) {
    RequestChecks.required("target.name", t.name(), TargetPatterns.DNS_LABEL,
        "a local cluster's name", problems);
    for (var k8s : new String[][] {{"namespace", t.namespace()},
        {"statefulSet", t.statefulSet()}, {"publicService", t.publicService()},
        {"readerService", t.readerService()}, {"credentialsSecret", t.credentialsSecret()}}) {
      if (k8s[1] != null) {
        problems.add("target." + k8s[0] + " does not apply to a local target (kind local): leave"
            + " it out");
      }
    }
  }
}
