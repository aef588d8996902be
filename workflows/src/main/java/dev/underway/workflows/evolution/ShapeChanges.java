package dev.underway.workflows.evolution;

import dev.underway.workflows.evolution.model.ClusterObservation;
import dev.underway.workflows.evolution.model.DatabaseState;
import dev.underway.workflows.evolution.model.PlatformState;
import dev.underway.workflows.evolution.model.ZoneReplication;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * How the cluster's shape moved between two observations: nodes, every zone's replication
 * factor, the reader user and Service, the disruption budget. Health (Ready, live) is not shape:
 * {@link Health} covers it. A run re-observes after an approval and reopens the gate when this is
 * not empty, because the approved plan was computed from the earlier shape. Pure.
 */
public final class ShapeChanges {
  private ShapeChanges() {}

  /** Each difference in words, e.g. {@code nodes 1 -> 2}; empty when the shape is the same. */
  public static List<String> between(ClusterObservation before, ClusterObservation after) {
    List<String> changed = new ArrayList<>();
    PlatformState p0 = before.platform();
    PlatformState p1 = after.platform();
    DatabaseState d0 = before.database();
    DatabaseState d1 = after.database();
    if (p0.desiredNodes() != p1.desiredNodes()) {
      changed.add("nodes " + p0.desiredNodes() + " -> " + p1.desiredNodes());
    }
    Map<String, Integer> zones0 = zones(d0);
    Map<String, Integer> zones1 = zones(d1);
    for (var z : zones1.entrySet()) {
      Integer was = zones0.get(z.getKey());
      if (!z.getValue().equals(was)) {
        changed.add(z.getKey() + " num_replicas " + (was == null ? "(absent)" : was) + " -> "
            + z.getValue());
      }
    }
    for (String gone : zones0.keySet()) {
      if (!zones1.containsKey(gone)) {
        changed.add(gone + " is no longer listed");
      }
    }
    if (d0.readerUserExists() != d1.readerUserExists()) {
      changed.add("reader user " + (d1.readerUserExists() ? "appeared" : "disappeared"));
    }
    if (p0.readerServiceExists() != p1.readerServiceExists()) {
      changed.add("reader Service " + (p1.readerServiceExists() ? "appeared" : "disappeared"));
    }
    if (!Objects.equals(p0.disruptionBudgetMaxUnavailable(), p1.disruptionBudgetMaxUnavailable())) {
      changed.add("disruption budget maxUnavailable " + p0.disruptionBudgetMaxUnavailable()
          + " -> " + p1.disruptionBudgetMaxUnavailable());
    }
    return changed;
  }

  private static Map<String, Integer> zones(DatabaseState d) {
    Map<String, Integer> m = new LinkedHashMap<>();
    for (ZoneReplication z : d.zones()) {
      m.put(z.target(), z.numReplicas());
    }
    return m;
  }
}
