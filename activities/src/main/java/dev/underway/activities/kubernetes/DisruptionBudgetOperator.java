package dev.underway.activities.kubernetes;

import dev.underway.kernel.ChangeResult;
import io.fabric8.kubernetes.api.model.IntOrString;
import io.fabric8.kubernetes.api.model.policy.v1.PodDisruptionBudget;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Create-or-patch for the managed PodDisruptionBudget (policy/v1). */
final class DisruptionBudgetOperator {
  private static final Logger log = LoggerFactory.getLogger(DisruptionBudgetOperator.class);

  private final KubernetesClient client;

  DisruptionBudgetOperator(KubernetesClient client) {
    this.client = client;
  }

  /** The budget's maxUnavailable, or null when there is no budget (or it uses minAvailable). */
  Integer maxUnavailable(String namespace, String name) {
    PodDisruptionBudget pdb = client.policy().v1().podDisruptionBudget()
        .inNamespace(namespace).withName(name).get();
    if (pdb == null || pdb.getSpec() == null) {
      return null;
    }
    return asInt(pdb.getSpec().getMaxUnavailable());
  }

  ChangeResult reconcile(PodDisruptionBudget desired) {
    String namespace = desired.getMetadata().getNamespace();
    String name = desired.getMetadata().getName();
    String object = "PodDisruptionBudget " + namespace + "/" + name;
    Integer wanted = asInt(desired.getSpec().getMaxUnavailable());
    PodDisruptionBudget current = client.policy().v1().podDisruptionBudget()
        .inNamespace(namespace).withName(name).get();
    if (current == null) {
      client.policy().v1().podDisruptionBudget().inNamespace(namespace).resource(desired).create();
      log.info("{} created with maxUnavailable {}", object, wanted);
      return new ChangeResult(object, ChangeResult.Outcome.CREATED,
          "created with maxUnavailable " + wanted);
    }
    List<String> differences = differences(current, desired);
    if (differences.isEmpty()) {
      log.info("{} already has maxUnavailable {}", object, wanted);
      return ChangeResult.unchanged(object, "maxUnavailable already " + wanted);
    }
    client.policy().v1().podDisruptionBudget().inNamespace(namespace).withName(name).edit(live -> {
      ManagedLabels.merge(live.getMetadata(), desired.getMetadata());
      live.getSpec().setSelector(desired.getSpec().getSelector());
      live.getSpec().setMinAvailable(null);
      live.getSpec().setMaxUnavailable(desired.getSpec().getMaxUnavailable());
      return live;
    });
    log.info("{} patched: {}", object, String.join("; ", differences));
    return new ChangeResult(object, ChangeResult.Outcome.UPDATED,
        "patched " + String.join("; ", differences));
  }

  static List<String> differences(PodDisruptionBudget current, PodDisruptionBudget desired) {
    List<String> out = new ArrayList<>();
    ManagedLabels.differences(current.getMetadata(), desired.getMetadata(), out);
    Integer currentMax = asInt(current.getSpec().getMaxUnavailable());
    Integer desiredMax = asInt(desired.getSpec().getMaxUnavailable());
    if (!Objects.equals(currentMax, desiredMax)) {
      out.add("maxUnavailable " + currentMax + " -> " + desiredMax);
    }
    if (current.getSpec().getMinAvailable() != null) {
      out.add("minAvailable removed");
    }
    Map<String, String> currentSelector = current.getSpec().getSelector() == null
        ? null : current.getSpec().getSelector().getMatchLabels();
    if (!Objects.equals(currentSelector, desired.getSpec().getSelector().getMatchLabels())
        || (current.getSpec().getSelector() != null
            && current.getSpec().getSelector().getMatchExpressions() != null
            && !current.getSpec().getSelector().getMatchExpressions().isEmpty())) {
      out.add("selector " + currentSelector + " -> " + desired.getSpec().getSelector().getMatchLabels());
    }
    return out;
  }

  /** An int maxUnavailable; a percentage (e.g. "0%") is read as its number when it is 0. */
  static Integer asInt(IntOrString value) {
    if (value == null) {
      return null;
    }
    if (value.getIntVal() != null) {
      return value.getIntVal();
    }
    String text = value.getStrVal();
    if (text == null) {
      return null;
    }
    try {
      return Integer.parseInt(text.trim());
    } catch (NumberFormatException e) {
      return "0%".equals(text.trim()) ? 0 : null;
    }
  }
}
