package dev.underway.activities.sql.schema;

import dev.underway.workflows.schema.contract.ChangeObjects;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The flags an application reads, in {@code underway_flags (key, value, updated_at)} in the
 * changed table's schema. A change has two of its own ({@link ChangeObjects}): {@code
 * schema-change/<schema>.<table>/<new columns>/reads} ({@code old} or {@code new}: which shape to
 * read; the killswitch sets it back to {@code old}) and {@code .../writes} ({@code both}, {@code
 * new}, or {@code old} in a rollback: which shapes to write). The read contract: read {@code
 * value} by {@code key}; no row means the old shape. A change's expand sets both (a change of
 * its own starts at {@code reads=old}, {@code writes=both}); its rollback deletes them; its
 * contract leaves them at {@code new}.
 */
public final class Flags {
  private Flags() {}

  /**
   * Sets a flag as a step of the run, in one transaction (under the lock retry: the writes flag
   * may set or drop the new column's carried default): the row, and for the writes flag the
   * sync's function rebuilt for the new phase, its evidence started again and the carried
   * default ({@link Carry#atWrites}), so that no write commits between the flag and the
   * trigger's idea of it. False when it already had the value (nothing else is touched then).
   */
  public static boolean switchTo(Connection c, ChangeSpec spec, long oid, String key,
      String value, LockRetry lock) throws SQLException {
    RunMarker.ensureTables(c, spec.table());
    return lock.inTransaction(c, "set " + key + " = " + value, tx -> {
      boolean changed = set(tx, spec, key, value);
      if (changed && key.equals(spec.names().writesFlag())) {
        Sync.rephase(tx, spec, oid, value);
        Carry.atWrites(tx, spec, oid, value);
      }
      return changed;
    });
  }


  /** Sets a flag's row (only); false when it already had the value. */
  public static boolean set(Connection c, ChangeSpec spec, String key, String value)
      throws SQLException {
    RunMarker.ensureTables(c, spec.table());
    try (PreparedStatement ps = c.prepareStatement(
        PostgresSchemaDialect.setFlag(spec.table()))) {
      ps.setString(1, key);
      ps.setString(2, value);
      return ps.executeUpdate() > 0;
    }
  }

  /** Sets a flag only if it has no row yet. */
  static void init(Connection c, ChangeSpec spec, String key, String value) throws SQLException {
    try (PreparedStatement ps = c.prepareStatement(
        PostgresSchemaDialect.initFlag(spec.table()))) {
      ps.setString(1, key);
      ps.setString(2, value);
      ps.executeUpdate();
    }
  }

  /** The change's flags that are set, key to value (no table: none). */
  public static Map<String, String> read(Connection c, ChangeSpec spec) throws SQLException {
    Map<String, String> out = new LinkedHashMap<>();
    if (!RunMarker.exists(c, PostgresSchemaDialect.flagsTable(spec.table()))) {
      return out;
    }
    try (PreparedStatement ps = c.prepareStatement(
        PostgresSchemaDialect.readFlags(spec.table()))) {
      ps.setArray(1, c.createArrayOf("text", keys(spec).toArray()));
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          out.put(rs.getString(1), rs.getString(2));
        }
      }
    }
    return out;
  }

  /** Removes the change's flags (the old shape again, for every reader). */
  static void delete(Connection c, ChangeSpec spec) throws SQLException {
    if (!RunMarker.exists(c, PostgresSchemaDialect.flagsTable(spec.table()))) {
      return;
    }
    try (PreparedStatement ps = c.prepareStatement(
        PostgresSchemaDialect.deleteFlags(spec.table()))) {
      ps.setArray(1, c.createArrayOf("text", keys(spec).toArray()));
      ps.executeUpdate();
    }
  }

  static List<String> keys(ChangeSpec spec) {
    return List.of(spec.names().readsFlag(), spec.names().writesFlag());
  }

  /** Whether {@code value} is one the flag {@code key} takes; false for a key not the change's. */
  public static boolean valid(ChangeSpec spec, String key, String value) {
    if (spec.names().readsFlag().equals(key)) {
      return ChangeObjects.READS_OLD.equals(value) || ChangeObjects.READS_NEW.equals(value);
    }
    if (spec.names().writesFlag().equals(key)) {
      return ChangeObjects.WRITES_BOTH.equals(value) || ChangeObjects.WRITES_NEW.equals(value)
          || ChangeObjects.WRITES_OLD.equals(value);
    }
    return false;
  }
}
