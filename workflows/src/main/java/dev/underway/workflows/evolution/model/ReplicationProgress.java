package dev.underway.workflows.evolution.model;

/**
 * Progress of the up-replication wait: also its heartbeat detail, so a retried wait resumes from
 * the last reading (and keeps the settle time and the replay mark of its first attempt).
 *
 * @param underReplicatedRanges ranges with fewer replicas than their zone asks for (the larger of
 *     what the metrics and the replicas themselves say)
 * @param unavailableRanges ranges without a quorum
 * @param consecutiveCleanReadings readings in a row that counted and were clean
 * @param readingsRequired how many clean readings in a row count as done
 * @param countFromMillis epoch milliseconds from which readings count: the wait's first attempt
 *     plus the settle time (range metrics describe the cluster of up to two 10-second intervals
 *     ago); null in heartbeats recorded before it existed
 * @param rangesChecked ranges whose replicas were looked at in the last reading; null when not
 *     looked at
 * @param rangesWithLearners of those, ranges with a learner (a replica still being added)
 * @param replayMark PostgreSQL sandbox: the primary's WAL position when the wait began, which
 *     every listed standby must have replayed; null elsewhere
 */
public record ReplicationProgress(
    long underReplicatedRanges,
    long unavailableRanges,
    int consecutiveCleanReadings,
    int readingsRequired,
    Long countFromMillis,
    Long rangesChecked,
    Long rangesWithLearners,
    String replayMark) {

  public ReplicationProgress(long underReplicatedRanges, long unavailableRanges,
      int consecutiveCleanReadings, int readingsRequired) {
    this(underReplicatedRanges, unavailableRanges, consecutiveCleanReadings, readingsRequired,
        null, null, null, null);
  }

  public boolean done() {
    return consecutiveCleanReadings >= readingsRequired;
  }
}
