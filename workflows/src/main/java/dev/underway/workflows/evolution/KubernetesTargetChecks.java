package dev.underway.workflows.evolution;

import static dev.underway.targets.TargetPatterns.DNS_LABEL;
import static dev.underway.targets.TargetPatterns.DNS_SUBDOMAIN;

import dev.underway.kernel.RequestChecks;
import dev.underway.workflows.evolution.model.ClusterTarget;
import java.util.List;

/**
 * The problems of a CockroachDB StatefulSet on Kubernetes as a target ({@code kind} absent or
 * {@code kubernetes}): named by namespace and StatefulSet, reached through its public Service,
 * read through a reader Service of its own. The defaults are {@link ClusterTarget}'s {@code
 * ...OrDefault} accessors. Pure.
 */
final class KubernetesTargetChecks {
  private KubernetesTargetChecks() {}

  /** The Kubernetes objects the target names, and no local engine's name. */
  static void names(ClusterTarget t, List<String> problems) {
    RequestChecks.required("target.namespace", t.namespace(), DNS_LABEL, "a Kubernetes namespace",
        problems);
    RequestChecks.required("target.statefulSet", t.statefulSet(), DNS_LABEL, "a StatefulSet name",
        problems);
    RequestChecks.required("target.publicService", t.publicService(), DNS_LABEL, "a Service name",
        problems);
    RequestChecks.optional("target.readerService", t.readerService(), DNS_LABEL, "a Service name",
        problems);
    RequestChecks.optional("target.credentialsSecret", t.credentialsSecret(), DNS_SUBDOMAIN,
        "a Secret name", problems);
    if (t.name() != null) {
      problems.add("target.name names a local cluster: a Kubernetes target is named by"
          + " namespace and statefulSet (or set kind: local)");
    }
  }

  /** The reader path is a Service of its own. */
  static void readerPath(ClusterTarget t, List<String> problems) {
    if (t.readerService() != null && t.readerService().equals(t.publicService())) {
      problems.add("target.readerService must differ from target.publicService: the reader path"
          + " is a separate Service");
    }
  }
}
