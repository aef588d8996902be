package dev.underway.workflows.schema.contract;

import dev.underway.guard.GuardSettings;
import java.util.List;

/**
 * How the backfill runs, from the request and the plan.
 *
 * @param keyColumns the key's columns in order (the observation's {@code key}): the keyset the
 *     batches walk, {@code WHERE (k1, k2) > (cursor) ORDER BY k1, k2 LIMIT batch}
 * @param batchSize the first batch's rows (default 1,000); adapted afterwards
 * @param targetBatchMillis the time one batch should take (default 500): the batch grows when
 *     faster, shrinks when slower
 * @param maxReplicaLagMillis pause while any standby's replay lag exceeds it (default 1,500)
 * @param latencyBudgetMillis slow down while the foreground-latency probe exceeds it; null: no
 *     probe
 * @param latencyProbe the probe's SQL (a read the application does, timed on its own connection
 *     between batches); null: a point read of the table by its key
 * @param minBatchSize the smallest batch adaptation goes to (default 10)
 * @param maxBatchSize the largest (default 50,000)
 * @param guard the latency guard's settings (see {@link GuardSettings}); null in runs started
 *     before the guard: then {@code latencyBudgetMillis} and {@code latencyProbe} say it
 */
@com.fasterxml.jackson.annotation.JsonIgnoreProperties(ignoreUnknown = true)
public record BackfillSettings(
    List<String> keyColumns,
    int batchSize,
    long targetBatchMillis,
    long maxReplicaLagMillis,
    Long latencyBudgetMillis,
    String latencyProbe,
    int minBatchSize,
    int maxBatchSize,
    GuardSettings guard) {

  /** Without the guard's settings (as recorded before the guard). */
  public BackfillSettings(List<String> keyColumns, int batchSize, long targetBatchMillis,
      long maxReplicaLagMillis, Long latencyBudgetMillis, String latencyProbe, int minBatchSize,
      int maxBatchSize) {
    this(keyColumns, batchSize, targetBatchMillis, maxReplicaLagMillis, latencyBudgetMillis,
        latencyProbe, minBatchSize, maxBatchSize, null);
  }

  public static final int DEFAULT_BATCH_SIZE = 1_000;
  public static final long DEFAULT_TARGET_BATCH_MILLIS = 500;
  public static final long DEFAULT_MAX_REPLICA_LAG_MILLIS = 1_500;
  public static final int DEFAULT_MIN_BATCH_SIZE = 10;
  public static final int DEFAULT_MAX_BATCH_SIZE = 50_000;
}
