package dev.underway.activities.kubernetes;

import io.fabric8.kubernetes.api.model.ObjectMeta;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The labels Underway sets on objects it manages: added to whatever labels the object has, never
 * removing anyone else's.
 */
final class ManagedLabels {
  private ManagedLabels() {}

  /** Puts {@code desired}'s labels onto {@code live}, keeping the others. */
  static void merge(ObjectMeta live, ObjectMeta desired) {
    Map<String, String> labels = live.getLabels() == null
        ? new LinkedHashMap<>() : new LinkedHashMap<>(live.getLabels());
    labels.putAll(desired.getLabels());
    live.setLabels(labels);
  }

  /** One phrase per desired label that {@code current} lacks or has another value for. */
  static void differences(ObjectMeta current, ObjectMeta desired, List<String> out) {
    Map<String, String> labels = current.getLabels() == null ? Map.of() : current.getLabels();
    desired.getLabels().forEach((k, v) -> {
      if (!v.equals(labels.get(k))) {
        out.add("label " + k + "=" + v);
      }
    });
  }
}
