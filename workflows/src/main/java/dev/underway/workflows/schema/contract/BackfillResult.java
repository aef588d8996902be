package dev.underway.workflows.schema.contract;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;

/**
 * A finished backfill.
 *
 * @param rowsUpdated rows updated, across attempts (a resumed backfill does not count twice)
 * @param rowsTotal rows in the table when it finished its walk
 * @param batches batches, across attempts
 * @param millis the time every attempt ran (paused time included, the gaps between attempts
 *     not): each attempt carries the sum on in its heartbeat details
 * @param rowsPerSecond {@code rowsUpdated} over {@code millis}
 * @param throttledMillis time spent paused or slowed by lag, latency or an operator, every
 *     attempt's
 * @param attempts attempts it took (more than 1: it resumed from a heartbeat)
 * @param triggersSkipped whether the application's own triggers were skipped on the rows it
 *     touched ({@code session_replication_role = replica}; only the sync's fire); false: the
 *     worker's SQL user may not set it, so they fired on every row; null in runs recorded before
 *     it was reported
 */
@JsonIgnoreProperties(ignoreUnknown = true)
public record BackfillResult(long rowsUpdated, long rowsTotal, long batches, long millis,
    double rowsPerSecond, long throttledMillis, int attempts, Boolean triggersSkipped) {

  public BackfillResult(long rowsUpdated, long rowsTotal, long batches, long millis,
      double rowsPerSecond, long throttledMillis, int attempts) {
    this(rowsUpdated, rowsTotal, batches, millis, rowsPerSecond, throttledMillis, attempts, null);
  }

  /** How the rows touched treated the application's triggers, for the timeline and the gate. */
  public String triggersSentence() {
    if (triggersSkipped == null) {
      return "";
    }
    return triggersSkipped ? "the application's triggers did not fire (session_replication_role"
        + " = replica)" : "the application's triggers fired on every row touched (the SQL user"
        + " may not set session_replication_role)";
  }
}
