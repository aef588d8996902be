package dev.underway.activities.sql.schema;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;

/**
 * Each standby's replay lag, read at the primary from {@code pg_stat_replication}: {@code
 * replay_lag}, which keeps growing while a standby's replay is stalled (a long query on it,
 * {@code pg_wal_replay_pause()}) for as long as the standby reports its position (whenever it
 * receives WAL, and at least every {@code wal_receiver_status_interval}, 10 s by default). A
 * standby that has replayed everything the primary wrote ({@code replay_lsn} at the primary's
 * position) lags by 0, whatever {@code replay_lag} still shows of its last measurement.
 */
public final class ReplicaLagGauge {

  /** Reads every standby's lag now. */
  public List<StandbyLag> read(Connection primary) throws SQLException {
    List<Object[]> rows = new ArrayList<>();
    try (Statement s = primary.createStatement()) {
      try (ResultSet rs = s.executeQuery(PostgresSchemaDialect.STANDBYS)) {
        while (rs.next()) {
          rows.add(new Object[] {rs.getString(1), rs.getString(2), rs.getObject(3),
              rs.getObject(4)});
        }
      }
      if (rows.isEmpty()) {
        return List.of();
      }
      long current;
      try (ResultSet rs = s.executeQuery(PostgresSchemaDialect.CURRENT_WAL)) {
        rs.next();
        current = rs.getLong(1);
      }
      List<StandbyLag> out = new ArrayList<>();
      for (Object[] row : rows) {
        Long replayed = row[2] == null ? null : ((Number) row[2]).longValue();
        Long reported = row[3] == null ? null : ((Number) row[3]).longValue();
        boolean caughtUp = replayed != null && replayed >= current;
        out.add(new StandbyLag((String) row[0], (String) row[1],
            replayed == null ? null : Math.max(0, current - replayed),
            caughtUp ? Long.valueOf(0) : reported));
      }
      return out;
    }
  }
}
