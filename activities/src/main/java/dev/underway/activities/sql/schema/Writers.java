package dev.underway.activities.sql.schema;

import dev.underway.workflows.schema.contract.ChangeObjects;
import dev.underway.workflows.schema.contract.NewColumn;
import dev.underway.workflows.schema.contract.WriterEvidence;
import java.sql.Array;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Reads the evidence of writers the writes flag no longer allows (see {@link WriterEvidence}):
 * the sync trigger's counters ({@link Sync#evidence}) and {@code pg_stat_activity}, where the
 * query text is matched at the server and never leaves it.
 */
final class Writers {
  private Writers() {}

  /**
   * Client sessions other than Underway's whose query started within a window and names the
   * table and one of the columns (whole words, any case): how many, the latest start, who.
   * Parameters: window seconds, table pattern, columns pattern.
   */
  static final String SESSIONS = """
      SELECT count(*), max(query_start),
             (array_agg(DISTINCT coalesce(nullif(application_name, ''), usename::text)))[1:10]
      FROM pg_stat_activity
      WHERE datname = current_database() AND pid <> pg_backend_pid()
        AND backend_type = 'client backend' AND coalesce(application_name, '') <> 'underway'
        AND query_start > now() - make_interval(secs => ?)
        AND query ~* ? AND query ~* ?""";

  /** Whether the current user sees every session's query. */
  static final String VISIBLE = """
      SELECT rolsuper OR pg_has_role(current_user, 'pg_read_all_stats', 'USAGE')
      FROM pg_roles WHERE rolname = current_user""";

  /** The writes flag's last change, as the database's clock and {@code now()}. */
  static final String NOW = "SELECT now()";

  static WriterEvidence read(Connection c, ChangeSpec spec, long windowMillis)
      throws SQLException {
    Map<String, String> flags = Flags.read(c, spec);
    String writes = flags.get(spec.names().writesFlag());
    Instant now = timestamp(c, NOW);
    Instant latest = writes == null ? null : flagChangedAt(c, spec);
    Optional<Sync.Evidence> ev = Sync.evidence(c, spec);
    long stray = ev.map(Sync.Evidence::count).orElse(0L);
    Instant lastStray = ev.filter(e -> e.lastEpochMillis() > 0)
        .map(e -> Instant.ofEpochMilli(e.lastEpochMillis())).orElse(null);
    latest = later(latest, lastStray);
    List<String> columns = ChangeObjects.WRITES_NEW.equals(writes) ? spec.dropped()
        : ChangeObjects.WRITES_OLD.equals(writes)
            ? spec.add().stream().map(NewColumn::name).toList() : List.of();
    int sessions = 0;
    List<String> names = List.of();
    if (!columns.isEmpty()) {
      try (PreparedStatement ps = c.prepareStatement(SESSIONS)) {
        ps.setDouble(1, Math.max(1, windowMillis) / 1000.0);
        ps.setString(2, "\\m" + spec.table().table() + "\\M");
        ps.setString(3, "\\m(" + String.join("|", columns) + ")\\M");
        try (ResultSet rs = ps.executeQuery()) {
          rs.next();
          sessions = rs.getInt(1);
          Timestamp last = rs.getTimestamp(2);
          latest = later(latest, last == null ? null : last.toInstant());
          names = strings(rs.getArray(3));
        }
      }
    }
    long quiet = latest == null ? Long.MAX_VALUE / 2
        : Math.max(0, now.toEpochMilli() - latest.toEpochMilli());
    return new WriterEvidence(writes, stray, lastStray == null ? null : lastStray.toString(),
        sessions, names, visible(c), quiet);
  }

  /** When the change's writes flag last changed, or null. */
  private static Instant flagChangedAt(Connection c, ChangeSpec spec) throws SQLException {
    try (PreparedStatement ps = c.prepareStatement("SELECT updated_at FROM "
        + PostgresSchemaDialect.flagsTable(spec.table()) + " WHERE key = ?")) {
      ps.setString(1, spec.names().writesFlag());
      try (ResultSet rs = ps.executeQuery()) {
        return rs.next() ? rs.getTimestamp(1).toInstant() : null;
      }
    }
  }

  private static boolean visible(Connection c) throws SQLException {
    try (PreparedStatement ps = c.prepareStatement(VISIBLE); ResultSet rs = ps.executeQuery()) {
      return rs.next() && rs.getBoolean(1);
    }
  }

  private static Instant timestamp(Connection c, String sql) throws SQLException {
    try (PreparedStatement ps = c.prepareStatement(sql); ResultSet rs = ps.executeQuery()) {
      rs.next();
      return rs.getTimestamp(1).toInstant();
    }
  }

  private static Instant later(Instant a, Instant b) {
    return a == null ? b : b == null ? a : a.isAfter(b) ? a : b;
  }

  private static List<String> strings(Array array) throws SQLException {
    return array == null ? List.of()
        : Arrays.stream((Object[]) array.getArray()).map(String::valueOf).sorted().toList();
  }
}
