package dev.underway.activities.schema;

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
 */
@JsonIgnoreProperties(ignoreUnknown = true)
public record BackfillResult(long rowsUpdated, long rowsTotal, long batches, long millis,
    double rowsPerSecond, long throttledMillis, int attempts) {}
