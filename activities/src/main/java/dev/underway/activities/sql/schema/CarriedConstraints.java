package dev.underway.activities.sql.schema;

import dev.underway.workflows.schema.contract.ChangeKind;
import dev.underway.workflows.schema.contract.NewColumn;
import dev.underway.activities.sql.SqlQuoting;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * What of the replaced column's constraints a change carries to the new column (see {@link
 * Carry} for how): read from the catalogue, worded for the plan. A change that replaces one
 * column by one (a type change, a rename) carries its DEFAULT (a rename the expression, a type
 * change a constant taken through {@code up}), NOT NULL and a single-column UNIQUE; a split
 * carries nothing and says so.
 */
final class CarriedConstraints {
  private CarriedConstraints() {}

  /** The old column's facts that matter. */
  record Old(String column, String type, boolean notNull, String defaultExpression,
      String uniqueIndex, String uniqueConstraint) {}

  /** The single-column unique index (and constraint) of a column, valid and whole. */
  static final String UNIQUE_OF = """
      SELECT ic.relname, c.conname
      FROM pg_index i JOIN pg_class ic ON ic.oid = i.indexrelid
      JOIN pg_attribute a ON a.attrelid = i.indrelid AND a.attnum = i.indkey[0]
      LEFT JOIN pg_constraint c ON c.conindid = i.indexrelid AND c.conrelid = i.indrelid
      WHERE i.indrelid = ? AND a.attname = ? AND i.indisunique AND NOT i.indisprimary
        AND i.indnatts = 1 AND i.indpred IS NULL AND i.indexprs IS NULL AND i.indisvalid
      ORDER BY ic.relname LIMIT 1""";

  /** Whether the change carries constraints: one column replaced by one. */
  static boolean applies(ChangeSpec spec) {
    ChangeKind kind = spec.kind();
    return (kind == ChangeKind.CHANGE_TYPE || kind == ChangeKind.RENAME_COLUMN)
        && spec.add().size() == 1 && spec.replace().size() == 1;
  }

  /** The replaced column's facts; empty when it is gone. */
  static Optional<Old> old(Connection c, ChangeSpec spec, long oid) throws SQLException {
    String column = spec.dropped().get(0);
    Optional<TableCatalogue.Column> col = TableCatalogue.read(c, oid).column(column);
    if (col.isEmpty()) {
      return Optional.empty();
    }
    String index = null;
    String constraint = null;
    try (PreparedStatement ps = c.prepareStatement(UNIQUE_OF)) {
      ps.setLong(1, oid);
      ps.setString(2, column);
      try (ResultSet rs = ps.executeQuery()) {
        if (rs.next()) {
          index = rs.getString(1);
          constraint = rs.getString(2);
        }
      }
    }
    return Optional.of(new Old(column, col.get().type(), col.get().notNull(),
        col.get().defaultExpression(), index, constraint));
  }

  /** The new column's NOT NULL check's name. */
  static String checkName(ChangeSpec spec) {
    return dev.underway.workflows.schema.contract.ChangeObjects.identifier("underway_nn_"
        + spec.table().table() + "_" + spec.add().get(0).name());
  }

  /** The new column's unique index's name until the contract. */
  static String indexName(ChangeSpec spec) {
    return dev.underway.workflows.schema.contract.ChangeObjects.identifier("underway_uq_"
        + spec.table().table() + "_" + spec.add().get(0).name());
  }

  /**
   * What would be carried and what not, one sentence each, for the plan (in a transaction or
   * not; changes nothing).
   */
  static List<String> describe(Connection c, ChangeSpec spec, long oid)
      throws SQLException {
    List<String> out = new ArrayList<>();
    if (spec.replace().isEmpty()) {
      return out;
    }
    if (!applies(spec)) {
      for (String column : spec.dropped()) {
        TableCatalogue.Column col = TableCatalogue.read(c, oid).column(column).orElse(null);
        if (col != null && (col.notNull() || col.defaultExpression() != null
            || uniqueOf(c, oid, column) != null)) {
          out.add("not carried: " + column + "'s " + facts(col, uniqueOf(c, oid, column))
              + " (a split: give the new columns their constraints after the contract)");
        }
      }
      return out;
    }
    Optional<Old> old = old(c, spec, oid);
    if (old.isEmpty()) {
      return out;
    }
    NewColumn n = spec.add().get(0);
    Old o = old.get();
    if (o.defaultExpression() != null) {
      String carried = defaultFor(c, spec, o);
      out.add(carried == null ? "not carried: DEFAULT " + o.defaultExpression() + " (not a"
          + " constant: give " + n.name() + " its default by hand)" : "DEFAULT "
          + o.defaultExpression() + " carried to " + n.name() + " as " + carried + " (while"
          + " writes are new)");
    }
    if (o.notNull()) {
      out.add("NOT NULL carried to " + n.name() + ": CHECK (" + n.name() + " IS NOT NULL) NOT"
          + " VALID after the backfill, validated without blocking writes, SET NOT NULL at the"
          + " contract");
    }
    if (o.uniqueIndex() != null) {
      out.add("UNIQUE carried to " + n.name() + ": an index built CONCURRENTLY after the"
          + " backfill, named " + (o.uniqueConstraint() != null ? "and made constraint "
              + o.uniqueConstraint() : o.uniqueIndex()) + " at the contract");
    }
    return out;
  }

  private static String facts(TableCatalogue.Column col, String unique) {
    List<String> f = new ArrayList<>();
    if (col.notNull()) {
      f.add("NOT NULL");
    }
    if (col.defaultExpression() != null) {
      f.add("DEFAULT " + col.defaultExpression());
    }
    if (unique != null) {
      f.add("UNIQUE (" + unique + ")");
    }
    return String.join(", ", f);
  }

  private static String uniqueOf(Connection c, long oid, String column) throws SQLException {
    try (PreparedStatement ps = c.prepareStatement(UNIQUE_OF)) {
      ps.setLong(1, oid);
      ps.setString(2, column);
      try (ResultSet rs = ps.executeQuery()) {
        return rs.next() ? rs.getString(1) : null;
      }
    }
  }

  /**
   * The default the new column gets: a rename keeps the expression; a type change computes its
   * constant through {@code up} (null when the default is not a constant or does not compute).
   */
  static String defaultFor(Connection c, ChangeSpec spec, Old o)
      throws SQLException {
    NewColumn n = spec.add().get(0);
    if (spec.kind() == ChangeKind.RENAME_COLUMN) {
      return o.defaultExpression();
    }
    if (!constant(c, o.defaultExpression())) {
      return null;
    }
    String sql = "SELECT quote_literal(CAST((" + n.up() + ") AS " + n.type() + ")) FROM (SELECT"
        + " CAST((" + o.defaultExpression() + ") AS " + o.type() + ") AS "
        + SqlQuoting.identifier(o.column()) + ") AS underway_default";
    try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery(sql)) {
      rs.next();
      String literal = rs.getString(1);
      return literal == null ? null : literal + "::" + n.type();
    } catch (SQLException e) {
      return null;
    }
  }

  /** Whether an expression reads nothing and calls nothing volatile or stable (a constant). */
  private static boolean constant(Connection c, String expression) throws SQLException {
    try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery(
        "SELECT count(*) FROM pg_proc p WHERE p.provolatile <> 'i' AND p.proname IN ("
            + "SELECT regexp_split_to_table(" + literal(expression) + ", '[^a-z0-9_]+'))")) {
      rs.next();
      return rs.getLong(1) == 0;
    }
  }

  static String firstLine(String message) {
    int nl = message == null ? -1 : message.indexOf('\n');
    return nl < 0 ? String.valueOf(message) : message.substring(0, nl);
  }

  private static String literal(String s) {
    return "'" + s.replace("'", "''") + "'";
  }

  // ---- the steps ------------------------------------------------------------------------------
}
