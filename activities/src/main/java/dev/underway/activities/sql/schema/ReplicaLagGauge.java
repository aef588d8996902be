package dev.underway.activities.sql.schema;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.function.LongSupplier;

/**
 * Each standby's replay lag, read at the primary from {@code pg_stat_replication}.
 *
 * <p>{@code replay_lag} alone is not enough: while a standby's replay is stalled (a long query
 * on it, {@code pg_wal_replay_pause()}) no new measurement is made and the column keeps showing
 * the last, small one. So the gauge also remembers when the primary's WAL reached each position
 * it has seen: a standby that has replayed up to position P lags by at least the time since the
 * first reading after which the primary had written past P. Caught up ({@code replay_lsn} at the
 * primary's position) is 0 whatever {@code replay_lag} still shows. The standby reports its
 * position when it receives WAL and at least every {@code wal_receiver_status_interval} (10 s by
 * default), so on an idle primary a caught-up standby can look behind for up to that long.
 */
public final class ReplicaLagGauge {

  private record Sample(long nanos, long lsn) {}

  /** How long readings are remembered. */
  private static final long HORIZON_NANOS = 15L * 60 * 1_000_000_000L;

  private final LongSupplier nanoClock;
  private final Deque<Sample> samples = new ArrayDeque<>();

  public ReplicaLagGauge() {
    this(System::nanoTime);
  }

  ReplicaLagGauge(LongSupplier nanoClock) {
    this.nanoClock = nanoClock;
  }

  /** Reads every standby's lag now. */
  public synchronized List<StandbyLag> read(Connection primary) throws SQLException {
    List<Object[]> rows = new ArrayList<>();
    try (Statement s = primary.createStatement()) {
      try (ResultSet rs = s.executeQuery(PostgresSchemaDialect.STANDBYS)) {
        while (rs.next()) {
          rows.add(new Object[] {rs.getString(1), rs.getString(2), rs.getObject(3),
              rs.getObject(4)});
        }
      }
      long now = nanoClock.getAsLong();
      long current;
      try (ResultSet rs = s.executeQuery(PostgresSchemaDialect.CURRENT_WAL)) {
        rs.next();
        current = rs.getLong(1);
      }
      remember(now, current);
      List<StandbyLag> out = new ArrayList<>();
      for (Object[] row : rows) {
        Long replayed = row[2] == null ? null : ((Number) row[2]).longValue();
        Long reported = row[3] == null ? null : ((Number) row[3]).longValue();
        out.add(new StandbyLag((String) row[0], (String) row[1],
            replayed == null ? null : Math.max(0, current - replayed),
            lag(now, current, replayed, reported)));
      }
      return out;
    }
  }

  private void remember(long now, long lsn) {
    if (samples.isEmpty() || samples.peekLast().lsn() != lsn) {
      samples.addLast(new Sample(now, lsn));
    }
    while (samples.size() > 1 && now - samples.peekFirst().nanos() > HORIZON_NANOS) {
      samples.removeFirst();
    }
  }

  private Long lag(long now, long current, Long replayed, Long reported) {
    if (replayed == null) {
      return reported;
    }
    if (replayed >= current) {
      return 0L;
    }
    long since = samples.peekFirst().nanos();
    for (Sample s : samples) {
      if (s.lsn() > replayed) {
        since = s.nanos();
        break;
      }
    }
    long estimated = (now - since) / 1_000_000L;
    return Math.max(estimated, reported == null ? 0 : reported);
  }
}
