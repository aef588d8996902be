package dev.underway.activities.kubernetes;

import dev.underway.workflows.evolution.model.ClusterTarget;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.IntOrString;
import io.fabric8.kubernetes.api.model.LabelSelector;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.policy.v1.PodDisruptionBudget;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The objects Underway manages, as they should be. Pure: the shape comes from the manifest files
 * on the classpath (one source of truth with {@code manifests/}); this class only fills in what
 * depends on the target (namespace, name, selector, maxUnavailable). No API calls.
 */
final class DesiredObjects {

  static final String MANAGED_BY_LABEL = "app.kubernetes.io/managed-by";
  static final String MANAGED_BY_VALUE = "underway";

  /** Classpath location of the reader Service manifest (a kustomize component). */
  static final String READER_SERVICE_MANIFEST = "manifests/cockroachdb/components/reader/service.yaml";

  /** Classpath location of the PodDisruptionBudget manifest. */
  static final String DISRUPTION_BUDGET_MANIFEST = "manifests/cockroachdb/base/pdb.yaml";

  private final KubernetesSerialization serialization;

  DesiredObjects(KubernetesSerialization serialization) {
    this.serialization = serialization;
  }

  /** The reader Service for {@code target}, selecting the pods {@code podSelector} selects. */
  Service readerService(ClusterTarget target, Map<String, String> podSelector) {
    Service service = load(READER_SERVICE_MANIFEST, Service.class);
    place(service, target.namespace(), target.readerServiceOrDefault());
    service.getSpec().setSelector(new LinkedHashMap<>(podSelector));
    return service;
  }

  /** The managed budget for {@code target}'s pods with the given {@code maxUnavailable}. */
  PodDisruptionBudget disruptionBudget(
      ClusterTarget target, Map<String, String> podSelector, int maxUnavailable) {
    PodDisruptionBudget budget = load(DISRUPTION_BUDGET_MANIFEST, PodDisruptionBudget.class);
    place(budget, target.namespace(), target.disruptionBudgetName());
    LabelSelector selector = new LabelSelector();
    selector.setMatchLabels(new LinkedHashMap<>(podSelector));
    budget.getSpec().setSelector(selector);
    budget.getSpec().setMinAvailable(null);
    budget.getSpec().setMaxUnavailable(new IntOrString(maxUnavailable));
    return budget;
  }

  private static void place(HasMetadata object, String namespace, String name) {
    object.getMetadata().setNamespace(namespace);
    object.getMetadata().setName(name);
    Map<String, String> labels = object.getMetadata().getLabels() == null
        ? new LinkedHashMap<>()
        : new LinkedHashMap<>(object.getMetadata().getLabels());
    labels.put(MANAGED_BY_LABEL, MANAGED_BY_VALUE);
    object.getMetadata().setLabels(labels);
  }

  /** Reads a fresh copy of a manifest from the classpath. */
  <T> T load(String resource, Class<T> type) {
    try (InputStream in = DesiredObjects.class.getClassLoader().getResourceAsStream(resource)) {
      if (in == null) {
        throw new IllegalStateException(
            "manifest " + resource + " is not on the classpath (is the activities jar complete?)");
      }
      return serialization.unmarshal(in, type);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read manifest " + resource, e);
    }
  }
}
