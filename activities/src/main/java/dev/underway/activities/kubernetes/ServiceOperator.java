package dev.underway.activities.kubernetes;

import dev.underway.kernel.ChangeResult;
import io.fabric8.kubernetes.api.model.IntOrString;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.ServicePort;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Create-or-patch for a Service. Compares only what Underway manages (labels it sets, type,
 * selector, ports); fields the API server fills in (clusterIP, defaults) are left alone.
 */
final class ServiceOperator {
  private static final Logger log = LoggerFactory.getLogger(ServiceOperator.class);

  private final KubernetesClient client;

  ServiceOperator(KubernetesClient client) {
    this.client = client;
  }

  boolean exists(String namespace, String name) {
    return client.services().inNamespace(namespace).withName(name).get() != null;
  }

  ChangeResult reconcile(Service desired) {
    String namespace = desired.getMetadata().getNamespace();
    String name = desired.getMetadata().getName();
    String object = "Service " + namespace + "/" + name;
    Service current = client.services().inNamespace(namespace).withName(name).get();
    if (current == null) {
      client.services().inNamespace(namespace).resource(desired).create();
      log.info("{} created (selector {}, ports {})", object, desired.getSpec().getSelector(),
          describe(desired.getSpec().getPorts()));
      return new ChangeResult(object, ChangeResult.Outcome.CREATED,
          "created with ports " + describe(desired.getSpec().getPorts()));
    }
    List<String> differences = differences(current, desired);
    if (differences.isEmpty()) {
      log.info("{} already as desired", object);
      return ChangeResult.unchanged(object, "already as desired");
    }
    client.services().inNamespace(namespace).withName(name).edit(live -> {
      ManagedLabels.merge(live.getMetadata(), desired.getMetadata());
      live.getSpec().setType(desired.getSpec().getType());
      live.getSpec().setSelector(desired.getSpec().getSelector());
      live.getSpec().setPorts(desired.getSpec().getPorts());
      return live;
    });
    log.info("{} patched: {}", object, String.join("; ", differences));
    return new ChangeResult(object, ChangeResult.Outcome.UPDATED,
        "patched " + String.join("; ", differences));
  }

  /** What differs in the managed fields, one phrase per field; empty when nothing does. */
  static List<String> differences(Service current, Service desired) {
    List<String> out = new ArrayList<>();
    ManagedLabels.differences(current.getMetadata(), desired.getMetadata(), out);
    String currentType = current.getSpec().getType() == null ? "ClusterIP" : current.getSpec().getType();
    String desiredType = desired.getSpec().getType() == null ? "ClusterIP" : desired.getSpec().getType();
    if (!currentType.equals(desiredType)) {
      out.add("type " + currentType + " -> " + desiredType);
    }
    if (!Objects.equals(current.getSpec().getSelector(), desired.getSpec().getSelector())) {
      out.add("selector " + current.getSpec().getSelector() + " -> " + desired.getSpec().getSelector());
    }
    if (!describe(current.getSpec().getPorts()).equals(describe(desired.getSpec().getPorts()))) {
      out.add("ports " + describe(current.getSpec().getPorts()) + " -> "
          + describe(desired.getSpec().getPorts()));
    }
    return out;
  }

  /** Ports in a normal form (defaults applied) so server-side defaulting is not a difference. */
  static List<String> describe(List<ServicePort> ports) {
    List<String> out = new ArrayList<>();
    if (ports != null) {
      for (ServicePort p : ports) {
        IntOrString target = p.getTargetPort() == null ? new IntOrString(p.getPort()) : p.getTargetPort();
        String targetText = target.getIntVal() != null ? target.getIntVal().toString() : target.getStrVal();
        out.add((p.getName() == null ? "" : p.getName()) + ":" + p.getPort() + "->" + targetText
            + "/" + (p.getProtocol() == null ? "TCP" : p.getProtocol()));
      }
    }
    return out;
  }
}
