package dev.underway.workflows.evolution;

import dev.underway.workflows.evolution.model.ZoneRules;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Collectors;

/** CockroachDB's replication factor, zone by zone, in words (Kubernetes and local alike). */
final class CockroachZones {
  private CockroachZones() {}

  /** The zone change: data zones to the factor, system zones to their own default. */
  static String change(List<String> zones, int rf) {
    Map<Integer, List<String>> byValue = zones.stream().collect(Collectors.groupingBy(
        z -> ZoneRules.wanted(z, rf), TreeMap::new, Collectors.toList()));
    List<String> parts = new ArrayList<>();
    byValue.forEach((value, targets) -> parts.add("num_replicas = " + value
        + (value != rf ? " (CockroachDB's default for system ranges: not pinned to the factor)"
            : "")
        + " on " + targets.size() + " zone configuration(s) (" + String.join(", ", targets)
        + ")"));
    return "set " + String.join(" and ", parts) + ", then wait until the replicas themselves"
        + " show it: readings count only from the settle time after the change (range metrics"
        + " lag by up to two 10 s intervals); every range has the voting replicas its zone needs"
        + " and no learner (SHOW CLUSTER RANGES), and the metrics show no under-replicated or"
        + " unavailable range, on " + Planner.CLEAN_READINGS_REQUIRED + " consecutive readings";
  }
}
