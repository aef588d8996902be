package dev.underway.activities.kubernetes;

import dev.underway.kernel.Failures;
import dev.underway.workflows.evolution.contract.EvolutionFailures;
import dev.underway.workflows.evolution.model.ClusterTarget;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.temporal.failure.ApplicationFailure;

/** The non-retryable failures of the Kubernetes activities, with operator-readable messages. */
final class Refusals {
  private Refusals() {}

  static ApplicationFailure invalid(String message) {
    return ApplicationFailure.newNonRetryableFailure(message, Failures.INVALID_REQUEST);
  }

  static ApplicationFailure statefulSetNotFound(ClusterTarget target) {
    return ApplicationFailure.newNonRetryableFailure(
        "StatefulSet " + target.namespace() + "/" + target.statefulSet()
            + " not found (does namespace " + target.namespace() + " exist, and is the name right?)",
        Failures.TARGET_NOT_FOUND);
  }

  static ApplicationFailure scaleDown(ClusterTarget target, int current, int wanted) {
    return ApplicationFailure.newNonRetryableFailure(
        "Refusing to scale StatefulSet " + target.key() + " down from " + current + " to " + wanted
            + " nodes: Underway never scales down. Removing a CockroachDB node needs "
            + "`cockroach node decommission` first (and a replication factor the remaining nodes "
            + "can hold); nothing was changed.",
        EvolutionFailures.SCALE_DOWN_REFUSED.type());
  }

  /** The API server answered 403: the worker's identity lacks a permission this step needs. */
  static ApplicationFailure forbidden(ClusterTarget target, KubernetesClientException e) {
    String refused = e.getStatus() != null && e.getStatus().getMessage() != null
        ? e.getStatus().getMessage() : e.getMessage();
    return ApplicationFailure.newNonRetryableFailure("The Kubernetes API refused the worker a"
        + " request for " + target.key() + ": " + refused + ". The worker's Role"
        + " (manifests/worker) is namespaced: apply it in namespace " + target.namespace()
        + " (or bind its rules there) and start again; this step changed nothing.",
        Failures.INSUFFICIENT_PRIVILEGE);
  }

  /** Checks the fields every Kubernetes activity needs. */
  static void requireTarget(ClusterTarget target) {
    if (target == null) {
      throw invalid("target is required");
    }
    if (blank(target.namespace()) || blank(target.statefulSet())) {
      throw invalid("target.namespace and target.statefulSet are required (got "
          + target.namespace() + "/" + target.statefulSet() + ")");
    }
  }

  private static boolean blank(String s) {
    return s == null || s.isBlank();
  }
}
