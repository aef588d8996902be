package dev.underway.activities.sql.schema;

import dev.underway.workflows.schema.contract.BackfillSettings;
import java.time.Duration;

/**
 * The next batch's size from the last one's time (Spirit's approach): scaled by target / taken,
 * at most doubled or halved per batch, within the settings' bounds.
 */
final class BatchSizer {
  private BatchSizer() {}

  static int next(int current, Duration took, BackfillSettings settings) {
    double target = settings.targetBatchMillis() * 1_000_000.0;
    double factor = took.isZero() ? 2.0 : target / took.toNanos();
    factor = Math.max(0.5, Math.min(2.0, factor));
    long next = Math.round(current * factor);
    return (int) Math.max(settings.minBatchSize(), Math.min(settings.maxBatchSize(), next));
  }
}
