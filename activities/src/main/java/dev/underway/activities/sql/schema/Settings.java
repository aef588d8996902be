package dev.underway.activities.sql.schema;

import dev.underway.workflows.schema.contract.BackfillSettings;

/** The backfill settings with the documented defaults where a value is missing or out of range. */
final class Settings {
  private Settings() {}

  static BackfillSettings normal(BackfillSettings s) {
    if (s == null) {
      s = new BackfillSettings(null, 0, 0, 0, null, null, 0, 0);
    }
    int min = s.minBatchSize() < 1 ? BackfillSettings.DEFAULT_MIN_BATCH_SIZE : s.minBatchSize();
    int max = s.maxBatchSize() < min ? Math.max(min, BackfillSettings.DEFAULT_MAX_BATCH_SIZE)
        : s.maxBatchSize();
    int batch = s.batchSize() < 1 ? BackfillSettings.DEFAULT_BATCH_SIZE : s.batchSize();
    batch = Math.max(min, Math.min(max, batch));
    long target = s.targetBatchMillis() < 1 ? BackfillSettings.DEFAULT_TARGET_BATCH_MILLIS
        : s.targetBatchMillis();
    long lag = s.maxReplicaLagMillis() < 1 ? BackfillSettings.DEFAULT_MAX_REPLICA_LAG_MILLIS
        : s.maxReplicaLagMillis();
    return new BackfillSettings(s.keyColumns(), batch, target, lag, s.latencyBudgetMillis(),
        s.latencyProbe(), min, max);
  }
}
