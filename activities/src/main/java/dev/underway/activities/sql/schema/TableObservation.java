package dev.underway.activities.sql.schema;

import java.util.List;

/**
 * What the observe step saw of a table and its server, before anything changed.
 *
 * @param table the table
 * @param rowsEstimate the planner's estimate ({@code reltuples}; -1 when never analysed)
 * @param rowsExact an exact {@code count(*)}, taken only when the estimate says it is cheap; null
 *     otherwise
 * @param bytes table, indexes and TOAST ({@code pg_total_relation_size})
 * @param key the key the backfill walks
 * @param catalogue columns, indexes, constraints, triggers
 * @param standbys each standby and its lag
 * @param longTransactions transactions open longer than the threshold (they hold locks DDL
 *     queues behind)
 * @param marker the table's schema-change marker, null when no run ever changed it
 */
public record TableObservation(
    TableName table,
    long rowsEstimate,
    Long rowsExact,
    long bytes,
    TableKey key,
    TableCatalogue catalogue,
    List<StandbyLag> standbys,
    List<LongTransaction> longTransactions,
    RunMarker.Marker marker) {

  /** A transaction open for a while; its query text is left out (it can hold secrets). */
  public record LongTransaction(int pid, String user, String application, String state,
      long seconds) {}

  /** The best row count: exact when counted, else the estimate (never below 0). */
  public long rows() {
    return rowsExact != null ? rowsExact : Math.max(0, rowsEstimate);
  }
}
