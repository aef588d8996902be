package dev.underway.activities.sql.schema;

import java.util.List;

/**
 * Where the backfill is: what a heartbeat carries, and what a resumed backfill starts from.
 *
 * @param cursor the last key done (its columns' values as text); empty: nothing done yet
 * @param rowsDone rows touched so far, over every attempt
 * @param rowsTotal the table's rows when the backfill started (an estimate on big tables)
 * @param rowsPerSecond the rate of this attempt
 * @param batchSize the size of the next batch
 * @param throttle why the backfill is paused or slowed now; null when it runs at full speed
 * @param done whether every row is done
 */
public record BackfillProgress(
    List<String> cursor,
    long rowsDone,
    long rowsTotal,
    double rowsPerSecond,
    int batchSize,
    String throttle,
    boolean done) {

  public BackfillProgress {
    cursor = cursor == null ? List.of() : List.copyOf(cursor);
  }

  /** The start of a backfill of {@code rowsTotal} rows. */
  public static BackfillProgress start(long rowsTotal, int batchSize) {
    return new BackfillProgress(List.of(), 0, rowsTotal, 0, batchSize, null, false);
  }

  /** Seconds left at the current rate; -1 when unknown. */
  public long etaSeconds() {
    if (done) {
      return 0;
    }
    if (rowsPerSecond <= 0) {
      return -1;
    }
    return (long) Math.ceil(Math.max(0, rowsTotal - rowsDone) / rowsPerSecond);
  }
}
