package dev.underway.activities.sql.schema;

import dev.underway.workflows.schema.contract.BackfillSettings;

/** The backfill settings with the documented defaults where a value is missing or out of range. */
final class Settings {
  private Settings() {}

  /**
   * The largest batch the adaptation goes to, whatever the settings say (the workflow sends
   * {@link BackfillSettings#DEFAULT_MAX_BATCH_SIZE}, 50,000, which also bounds what an operator
   * may pin with {@code set-batch}; a pinned size is not bounded by this): a batch holds its
   * rows' locks until it commits, and a writer that needs one of them waits that long. gh-ost
   * and pgroll use 1,000 rows. Measured on this project's shared 2-core machine (a narrow table of
   * 300,000 rows, the sync trigger firing): 1,000 rows 24-26 ms, 5,000 rows 81-119 ms, 20,000
   * 324 ms, 50,000 855 ms; so at most about a tenth of a second of locks per batch, and less
   * while the guard holds the backfill slowed (the batch shrinks with the duty).
   */
  static final int BATCH_CEILING = 5_000;

  static BackfillSettings normal(BackfillSettings s) {
    if (s == null) {
      s = new BackfillSettings(null, 0, 0, 0, null, null, 0, 0);
    }
    int min = s.minBatchSize() < 1 ? BackfillSettings.DEFAULT_MIN_BATCH_SIZE : s.minBatchSize();
    min = Math.min(min, BATCH_CEILING);
    int max = s.maxBatchSize() < min ? Math.max(min, BackfillSettings.DEFAULT_MAX_BATCH_SIZE)
        : s.maxBatchSize();
    max = Math.min(max, BATCH_CEILING);
    int batch = s.batchSize() < 1 ? BackfillSettings.DEFAULT_BATCH_SIZE : s.batchSize();
    batch = Math.max(min, Math.min(max, batch));
    long target = s.targetBatchMillis() < 1 ? BackfillSettings.DEFAULT_TARGET_BATCH_MILLIS
        : s.targetBatchMillis();
    long lag = s.maxReplicaLagMillis() < 1 ? BackfillSettings.DEFAULT_MAX_REPLICA_LAG_MILLIS
        : s.maxReplicaLagMillis();
    return new BackfillSettings(s.keyColumns(), batch, target, lag, s.latencyBudgetMillis(),
        s.latencyProbe(), min, max, s.guard());
  }
}
