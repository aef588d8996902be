package dev.underway.activities.sql.schema;

import java.time.Duration;

/**
 * How the backfill paces itself.
 *
 * @param batchSize rows in the first batch (pgroll, gh-ost: 1,000)
 * @param minBatch the smallest batch adapting may choose
 * @param maxBatch the largest batch adapting may choose
 * @param targetBatchTime the time a batch should take; the size adapts to it (Spirit: 500 ms)
 * @param maxReplicaLag pause while any standby lags more (gh-ost: 1.5 s)
 * @param latencyBudget slow down while the foreground-latency probe takes longer; null: no probe
 * @param pollWhilePaused how often a pause re-reads the lag and the control
 * @param batchLockTimeout how long a batch waits for a row lock before it is retried
 */
public record BackfillSettings(
    int batchSize,
    int minBatch,
    int maxBatch,
    Duration targetBatchTime,
    Duration maxReplicaLag,
    Duration latencyBudget,
    Duration pollWhilePaused,
    Duration batchLockTimeout) {

  public BackfillSettings {
    if (minBatch < 1 || maxBatch < minBatch || batchSize < minBatch || batchSize > maxBatch) {
      throw new IllegalArgumentException("batch sizes must satisfy 1 <= min <= size <= max");
    }
  }

  /** 1,000 rows, 500 ms per batch, 1.5 s lag, no latency probe. */
  public static BackfillSettings defaults() {
    return new BackfillSettings(1_000, 10, 50_000, Duration.ofMillis(500),
        Duration.ofMillis(1_500), null, Duration.ofMillis(250), Duration.ofSeconds(1));
  }

  public BackfillSettings withBatchSize(int size) {
    return new BackfillSettings(size, Math.min(minBatch, size), Math.max(maxBatch, size),
        targetBatchTime, maxReplicaLag, latencyBudget, pollWhilePaused, batchLockTimeout);
  }

  public BackfillSettings withTargetBatchTime(Duration target) {
    return new BackfillSettings(batchSize, minBatch, maxBatch, target, maxReplicaLag,
        latencyBudget, pollWhilePaused, batchLockTimeout);
  }

  public BackfillSettings withMaxReplicaLag(Duration lag) {
    return new BackfillSettings(batchSize, minBatch, maxBatch, targetBatchTime, lag,
        latencyBudget, pollWhilePaused, batchLockTimeout);
  }

  public BackfillSettings withLatencyBudget(Duration budget) {
    return new BackfillSettings(batchSize, minBatch, maxBatch, targetBatchTime, maxReplicaLag,
        budget, pollWhilePaused, batchLockTimeout);
  }
}
