package dev.underway.activities.sql;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.sql.Types;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;

/**
 * The default probe: what a writer feels. Each reading locks one random existing row of the
 * table by its key, {@code SELECT 1 ... FOR NO KEY UPDATE} (the lock an UPDATE that leaves the
 * key alone takes), in a transaction that is always rolled back ({@link RolledBackProbe}): it
 * waits behind the row locks a batch holds as the application's writes do, and never writes.
 * A plain read would not wait: PostgreSQL's readers never queue behind row locks.
 *
 * <p>The random row: for a single integer key, a random value between the key's minimum and
 * maximum and the first row at or after it (one index probe); for any other key, one of up to
 * {@value #SAMPLED} keys sampled up front ({@code TABLESAMPLE SYSTEM} on a big table), locked by
 * equality. Both are read again every {@value #REFRESH_EVERY} readings (rows come and go).
 *
 * <p>Each reading takes a transaction id (a row lock needs one) and marks the row's header: at
 * the default 20 readings a second that is a small, steady use of transaction ids, no dead rows.
 * The probe's role needs UPDATE on the table (as the step's own does).
 */
public final class RowLockProbe extends RolledBackProbe {

  static final int SAMPLED = 1000;
  static final int REFRESH_EVERY = 1000;

  private final String table;
  private final List<String> keys;
  private final boolean integer;
  private final String lock;
  private final List<String> casts = new ArrayList<>();
  private List<String[]> sampled = List.of();
  private long min;
  private long max;
  private boolean empty = true;
  private int readings;

  private RowLockProbe(Connection c, String schema, String table, List<String> keys,
      Duration lockTimeout) throws SQLException {
    super(c, lockTimeout);
    this.table = SqlQuoting.identifier(schema == null || schema.isBlank() ? "public" : schema)
        + "." + SqlQuoting.identifier(table);
    this.keys = keys.stream().map(SqlQuoting::identifier).toList();
    this.integer = keys.size() == 1 && integerKey(c);
    if (!integer) {
      readCasts(c, schema, table, keys);
    }
    String where = integer ? this.keys.get(0) + " >= ? ORDER BY " + this.keys.get(0) + " LIMIT 1"
        : "(" + String.join(", ", this.keys) + ") = (" + String.join(", ", casts) + ")";
    this.lock = "SELECT 1 FROM " + this.table + " WHERE " + where + " FOR NO KEY UPDATE";
    c.rollback();
  }

  /**
   * A writer's probe of {@code schema.table} (unquoted names) by its unique key {@code keys} on
   * {@code connection}, the probe's own (closed with it).
   */
  public static RowLockProbe open(Connection connection, String schema, String table,
      List<String> keys) throws SQLException {
    return open(connection, schema, table, keys, LOCK_TIMEOUT);
  }

  public static RowLockProbe open(Connection connection, String schema, String table,
      List<String> keys, Duration lockTimeout) throws SQLException {
    if (keys == null || keys.isEmpty()) {
      throw new IllegalArgumentException("the writer's probe of " + table + " needs the table's"
          + " unique key columns");
    }
    return new RowLockProbe(connection, schema, table, keys, lockTimeout);
  }

  /** Whether the key is one smallint, integer or bigint column. */
  private boolean integerKey(Connection c) throws SQLException {
    try (Statement s = c.createStatement();
         ResultSet rs = s.executeQuery("SELECT " + keys.get(0) + " FROM " + table + " LIMIT 0")) {
      int type = rs.getMetaData().getColumnType(1);
      return type == Types.SMALLINT || type == Types.INTEGER || type == Types.BIGINT;
    }
  }

  private void readCasts(Connection c, String schema, String name, List<String> columns)
      throws SQLException {
    String sql = "SELECT format_type(a.atttypid, a.atttypmod) FROM pg_attribute a"
        + " WHERE a.attrelid = ?::regclass AND a.attname = ? AND NOT a.attisdropped";
    try (PreparedStatement ps = c.prepareStatement(sql)) {
      for (String column : columns) {
        ps.setString(1, table);
        ps.setString(2, column);
        try (ResultSet rs = ps.executeQuery()) {
          if (!rs.next()) {
            throw new SQLException("the writer's probe: " + table + " has no column " + column,
                "42703");
          }
          casts.add("?::" + rs.getString(1));
        }
      }
    }
  }

  @Override
  protected void before(Connection c) throws SQLException {
    if (readings++ % REFRESH_EVERY == 0) {
      refresh(c);
    }
  }

  @Override
  protected void run(Connection c) throws SQLException {
    if (empty) {
      return; // nothing to lock: a reading of the round trip alone
    }
    try (PreparedStatement ps = c.prepareStatement(lock)) {
      ThreadLocalRandom random = ThreadLocalRandom.current();
      if (integer) {
        ps.setLong(1, min >= max ? min : random.nextLong(min, max));
      } else {
        String[] key = sampled.get(random.nextInt(sampled.size()));
        for (int i = 0; i < key.length; i++) {
          ps.setString(i + 1, key[i]);
        }
      }
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          // the lock is taken as the row is returned
        }
      }
    }
  }

  /** Reads the key's range (integer) or a sample of keys (any other), untimed. */
  private void refresh(Connection c) throws SQLException {
    try (Statement s = c.createStatement()) {
      if (integer) {
        String k = keys.get(0);
        try (ResultSet rs = s.executeQuery("SELECT min(" + k + "), max(" + k + ") FROM "
            + table)) {
          rs.next();
          min = rs.getLong(1);
          empty = rs.wasNull();
          max = rs.getLong(2);
        }
        return;
      }
      List<String[]> found = new ArrayList<>();
      try (ResultSet rs = s.executeQuery(sampleKeys(c))) {
        while (rs.next()) {
          String[] key = new String[keys.size()];
          for (int i = 0; i < key.length; i++) {
            key[i] = rs.getString(i + 1);
          }
          found.add(key);
        }
      }
      sampled = found;
      empty = found.isEmpty();
    }
  }

  /** Up to {@value #SAMPLED} keys: a block sample of a big table, the first rows of a small. */
  private String sampleKeys(Connection c) throws SQLException {
    double rows = 0;
    try (PreparedStatement ps = c.prepareStatement(
        "SELECT reltuples FROM pg_class WHERE oid = ?::regclass")) {
      ps.setString(1, table);
      try (ResultSet rs = ps.executeQuery()) {
        if (rs.next()) {
          rows = rs.getDouble(1);
        }
      }
    }
    String columns = String.join(", ", keys);
    if (rows < 20.0 * SAMPLED) {
      return "SELECT " + columns + " FROM " + table + " LIMIT " + SAMPLED;
    }
    double percent = Math.min(100, 100.0 * 2 * SAMPLED / rows);
    return "SELECT " + columns + " FROM " + table + " TABLESAMPLE SYSTEM ("
        + String.format(java.util.Locale.ROOT, "%.6f", percent) + ") LIMIT " + SAMPLED;
  }
}
