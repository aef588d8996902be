package dev.underway.activities.sql.schema;

/**
 * One standby as the primary sees it in {@code pg_stat_replication}.
 *
 * @param name its {@code application_name}
 * @param state its WAL sender's state ({@code streaming}, {@code catchup}, ...)
 * @param bytesBehind WAL the primary wrote that the standby has not replayed; null when the
 *     primary does not show it (the role lacks {@code pg_monitor})
 * @param lagMillis how long ago the oldest WAL it has not replayed was written (0 when caught
 *     up); null when unknown
 */
public record StandbyLag(String name, String state, Long bytesBehind, Long lagMillis) {}
