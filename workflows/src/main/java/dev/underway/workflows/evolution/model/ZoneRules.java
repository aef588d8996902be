package dev.underway.workflows.evolution.model;

import java.util.Set;

/**
 * Which {@code num_replicas} a zone configuration should have for a replication factor. Shared
 * by the planner (what the gate shows, what {@code verify} accepts) and the activity that sets
 * it, so the two cannot disagree.
 *
 * <ul>
 *   <li>A replication factor of 1 or 2 is set on every zone, system ranges included: an even
 *       factor (and a single copy) is only used when asked for explicitly, and the system ranges
 *       cannot hold more copies than there are nodes anyway.
 *   <li>From 3 on, the system ranges ({@code RANGE meta}, {@code RANGE liveness}, {@code RANGE
 *       system}, {@code DATABASE system} and the zones of tables and indexes in the {@code
 *       system} database) are not pinned to the factor: CockroachDB's own default for them is
 *       {@value #SYSTEM_DEFAULT_REPLICAS} (3 voters on 3 nodes, 5 once there are 5 nodes). A
 *       system zone with fewer replicas than the factor (say 2, set by Phase 1) is raised back to
 *       {@code max(factor, 5)}; one already at the factor or above is left alone.
 * </ul>
 *
 * <p>Why an explicit 5 rather than {@code COPY FROM PARENT} or {@code DISCARD}: the parent of
 * {@code RANGE meta}, {@code RANGE liveness} and {@code RANGE system} is {@code RANGE default},
 * so inheriting would give them the data's factor (3), not CockroachDB's 5; and 5 is the value a
 * fresh cluster has written in these zones.
 */
public final class ZoneRules {
  private ZoneRules() {}

  /** CockroachDB's {@code num_replicas} for its system ranges in a fresh cluster. */
  public static final int SYSTEM_DEFAULT_REPLICAS = 5;

  private static final Set<String> SYSTEM_RANGES =
      Set.of("RANGE meta", "RANGE liveness", "RANGE system", "DATABASE system");

  /** Whether the zone holds CockroachDB's own system ranges or system tables. */
  public static boolean isSystem(String target) {
    if (target == null) {
      return false;
    }
    return SYSTEM_RANGES.contains(target) || target.startsWith("TABLE system.")
        || target.startsWith("INDEX system.");
  }

  /** What {@code num_replicas} the zone is set to when it must change for {@code rf}. */
  public static int wanted(String target, int rf) {
    return rf >= 3 && isSystem(target) ? Math.max(rf, SYSTEM_DEFAULT_REPLICAS) : rf;
  }

  /** Whether a zone with {@code numReplicas} already has what {@code rf} asks of it. */
  public static boolean satisfied(String target, int numReplicas, int rf) {
    return rf >= 3 && isSystem(target) ? numReplicas >= rf : numReplicas == rf;
  }

  /** {@link #satisfied} for one observed zone. */
  public static boolean satisfied(ZoneReplication zone, int rf) {
    return satisfied(zone.target(), zone.numReplicas(), rf);
  }

  /** What the zone must have for {@code rf}, in words: "3" or "at least 3 (5 when set)". */
  public static String describeWanted(String target, int rf) {
    return rf >= 3 && isSystem(target)
        ? "at least " + rf + " (CockroachDB's default " + wanted(target, rf)
            + " for system ranges)"
        : Integer.toString(rf);
  }
}
