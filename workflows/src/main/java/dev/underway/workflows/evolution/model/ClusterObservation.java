package dev.underway.workflows.evolution.model;

/** The platform's and the database's view of the cluster, read together at one step. */
public record ClusterObservation(PlatformState platform, DatabaseState database) {

  /**
   * Copies each zone really holds: {@code min(num_replicas, nodes)}, the smallest over all zones.
   * A zone configured for 5 replicas on a 1-node cluster holds 1 copy.
   */
  public int effectiveReplicationFactor() {
    int nodes = Math.max(platform.desiredNodes(), database.liveNodes());
    return database.zones().stream()
        .mapToInt(z -> Math.min(z.numReplicas(), Math.max(1, nodes)))
        .min()
        .orElse(1);
  }
}
