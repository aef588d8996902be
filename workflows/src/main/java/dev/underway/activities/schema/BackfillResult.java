package dev.underway.activities.schema;

/**
 * A finished backfill.
 *
 * @param rowsUpdated rows updated, across attempts (a resumed backfill does not count twice)
 * @param rowsTotal rows in the table when it finished its walk
 * @param batches batches, across attempts
 * @param millis wall time of the last attempt, plus earlier attempts' as their heartbeats said
 * @param rowsPerSecond {@code rowsUpdated} over {@code millis}
 * @param throttledMillis time spent paused or slowed by lag, latency or an operator
 * @param attempts attempts it took (more than 1: it resumed from a heartbeat)
 */
public record BackfillResult(long rowsUpdated, long rowsTotal, long batches, long millis,
    double rowsPerSecond, long throttledMillis, int attempts) {}
