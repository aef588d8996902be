package dev.underway.model;

/**
 * Progress of the up-replication wait: also its heartbeat detail, so a retried wait resumes from
 * the last reading.
 *
 * @param underReplicatedRanges ranges with fewer replicas than their zone asks for
 * @param unavailableRanges ranges without a quorum
 * @param consecutiveCleanReadings readings in a row where both were 0
 * @param readingsRequired how many clean readings in a row count as done
 */
public record ReplicationProgress(
    long underReplicatedRanges,
    long unavailableRanges,
    int consecutiveCleanReadings,
    int readingsRequired) {

  public boolean done() {
    return consecutiveCleanReadings >= readingsRequired;
  }
}
