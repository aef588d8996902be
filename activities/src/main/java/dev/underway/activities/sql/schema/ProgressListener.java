package dev.underway.activities.sql.schema;

/**
 * Told the backfill's progress after every batch and at every re-check while it is paused: an
 * activity heartbeats it (its details are where a retried attempt resumes from). May throw to
 * stop the backfill (a cancellation), which then stops between batches.
 */
@FunctionalInterface
public interface ProgressListener {
  void progress(BackfillProgress progress);
}
