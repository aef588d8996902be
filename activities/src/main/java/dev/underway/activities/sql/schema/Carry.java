package dev.underway.activities.sql.schema;

import dev.underway.activities.schema.ChangeKind;
import dev.underway.activities.schema.NewColumn;
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
 * The old column's constraints carried to the new one, for a change that replaces one column by
 * one (a type change, a rename), the way that never blocks the table for long (pgroll's way):
 *
 * <ul>
 *   <li>its DEFAULT, from the moment writes are new (a rename keeps the expression; a type
 *       change takes its value through {@code up} when it is a constant, and carries nothing
 *       otherwise, saying so); the contract leaves it;
 *   <li>NOT NULL, after the backfill: a {@code CHECK (new IS NOT NULL) NOT VALID} (a moment's
 *       lock), then {@code VALIDATE CONSTRAINT} (reads the table without blocking writes), and at
 *       the contract {@code SET NOT NULL} (which the validated check spares a scan) and the check
 *       dropped;
 *   <li>UNIQUE, after the backfill: a unique index built {@code CONCURRENTLY} (its validity
 *       checked; a failed build is dropped and the step fails with the reason), and at the
 *       contract, once the old column and its index are gone, given the old index's name (or
 *       made the old constraint, {@code ADD CONSTRAINT ... UNIQUE USING INDEX}).
 * </ul>
 *
 * <p>A split carries nothing (which new column would take the old one's NOT NULL is the change's
 * to say); the plan lists what is not carried.
 */
public final class Carry {
  private Carry() {}

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
    return dev.underway.activities.schema.ChangeObjects.identifier("underway_nn_"
        + spec.table().table() + "_" + spec.add().get(0).name());
  }

  /** The new column's unique index's name until the contract. */
  static String indexName(ChangeSpec spec) {
    return dev.underway.activities.schema.ChangeObjects.identifier("underway_uq_"
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

  private static String firstLine(String message) {
    int nl = message == null ? -1 : message.indexOf('\n');
    return nl < 0 ? String.valueOf(message) : message.substring(0, nl);
  }

  private static String literal(String s) {
    return "'" + s.replace("'", "''") + "'";
  }

  // ---- the steps ------------------------------------------------------------------------------

  /**
   * With every change of the writes flag, in its transaction: the new column has the carried
   * DEFAULT while writes are new (a new-shape INSERT that leaves it out gets it), and none
   * otherwise. Set earlier, it would make every INSERT seem to give the new column, and an
   * undeclared new-shape INSERT while writes are both could not be told from an old-shape one.
   */
  static void atWrites(Connection tx, ChangeSpec spec, long oid, String writes)
      throws SQLException {
    if (!applies(spec)) {
      return;
    }
    Optional<Old> old = old(tx, spec, oid);
    if (old.isEmpty() || old.get().defaultExpression() == null) {
      return;
    }
    String carried = defaultFor(tx, spec, old.get());
    if (carried == null) {
      return;
    }
    boolean on = dev.underway.activities.schema.ChangeObjects.WRITES_NEW.equals(writes);
    try (Statement s = tx.createStatement()) {
      s.execute("ALTER TABLE " + spec.table().qualified() + " ALTER COLUMN "
          + SqlQuoting.identifier(spec.add().get(0).name())
          + (on ? " SET DEFAULT " + carried : " DROP DEFAULT"));
    }
  }

  /**
   * How long a validation or an index build may run (it heartbeats all the while): it reads the
   * whole table, and a build waits for the transactions that could see it.
   */
  static final java.time.Duration LONG = java.time.Duration.ofHours(6);

  /**
   * After the backfill: the NOT NULL check (added NOT VALID under the lock retry, then validated)
   * and the unique index (built concurrently, its validity checked). Idempotent: what exists and
   * is valid is left; an invalid index of a failed build is dropped and built again.
   */
  static List<String> afterBackfill(Connection c, ChangeSpec spec, long oid,
      LockRetry lock, LongStatement longStatement) throws SQLException {
    LongRun run = sql -> longStatement.run(c, LONG, cc -> {
      try (Statement s = cc.createStatement()) {
        s.execute(sql);
      }
      return null;
    });
    List<String> done = new ArrayList<>();
    if (!applies(spec)) {
      return done;
    }
    Optional<Old> old = old(c, spec, oid);
    if (old.isEmpty()) {
      return done;
    }
    String column = SqlQuoting.identifier(spec.add().get(0).name());
    if (old.get().notNull()) {
      String check = checkName(spec);
      if (!constraintExists(c, oid, check)) {
        lock.inTransaction(c, "add the NOT NULL check to " + spec.table(), tx -> {
          try (Statement s = tx.createStatement()) {
            s.execute("ALTER TABLE " + spec.table().qualified() + " ADD CONSTRAINT "
                + SqlQuoting.identifier(check) + " CHECK (" + column + " IS NOT NULL) NOT VALID");
          }
          return null;
        });
        done.add("added " + check + " NOT VALID");
      }
      if (!constraintValid(c, oid, check)) {
        run.sql("ALTER TABLE " + spec.table().qualified() + " VALIDATE CONSTRAINT "
            + SqlQuoting.identifier(check));
        done.add("validated " + check);
      }
    }
    if (old.get().uniqueIndex() != null) {
      String index = indexName(spec);
      Boolean valid = indexValid(c, spec, index);
      if (Boolean.FALSE.equals(valid)) {
        run.sql("DROP INDEX CONCURRENTLY IF EXISTS "
            + SyncTriggers.qualified(spec, index));
        valid = null;
      }
      if (valid == null) {
        String why = null;
        try {
          run.sql("CREATE UNIQUE INDEX CONCURRENTLY IF NOT EXISTS "
              + SqlQuoting.identifier(index) + " ON " + spec.table().qualified() + " (" + column
              + ")");
        } catch (SQLException e) {
          if (e.getSQLState() == null || !e.getSQLState().startsWith("23")) {
            throw e;
          }
          why = firstLine(e.getMessage());
        }
        if (why != null || !Boolean.TRUE.equals(indexValid(c, spec, index))) {
          run.sql("DROP INDEX CONCURRENTLY IF EXISTS "
              + SyncTriggers.qualified(spec, index));
          throw SchemaRefusals.unsafe(List.of("the unique index on " + spec.add().get(0).name()
              + " could not be built (its invalid remains are dropped): "
              + (why != null ? why : "the build was cancelled") + ". The old column is unique"
              + " but the new values are not: fix the rows or the up expression, or abort"));
        }
        done.add("built " + index + " concurrently");
      }
    }
    return done;
  }

  /**
   * At the contract, in its transaction, before the old column is dropped: NOT NULL set (the
   * validated check spares the scan) and the check dropped. Returns what to do after the drop.
   */
  static Optional<Old> beforeDrop(Connection tx, ChangeSpec spec, long oid)
      throws SQLException {
    if (!applies(spec)) {
      return Optional.empty();
    }
    Optional<Old> old = old(tx, spec, oid);
    String check = checkName(spec);
    if (constraintExists(tx, oid, check)) {
      try (Statement s = tx.createStatement()) {
        s.execute("ALTER TABLE " + spec.table().qualified() + " ALTER COLUMN "
            + SqlQuoting.identifier(spec.add().get(0).name()) + " SET NOT NULL");
        s.execute("ALTER TABLE " + spec.table().qualified() + " DROP CONSTRAINT "
            + SqlQuoting.identifier(check));
      }
    }
    return old;
  }

  /** After the old column was dropped, in the same transaction: the unique index takes its name. */
  static void afterDrop(Connection tx, ChangeSpec spec, Old old) throws SQLException {
    if (old.uniqueIndex() == null || !Boolean.TRUE.equals(indexValid(tx, spec, indexName(spec)))) {
      return;
    }
    try (Statement s = tx.createStatement()) {
      if (old.uniqueConstraint() != null) {
        s.execute("ALTER TABLE " + spec.table().qualified() + " ADD CONSTRAINT "
            + SqlQuoting.identifier(old.uniqueConstraint()) + " UNIQUE USING INDEX "
            + SqlQuoting.identifier(indexName(spec)));
      } else {
        s.execute("ALTER INDEX " + SyncTriggers.qualified(spec, indexName(spec)) + " RENAME TO "
            + SqlQuoting.identifier(old.uniqueIndex()));
      }
    }
  }

  /** One statement run long (see {@link #afterBackfill}). */
  @FunctionalInterface
  private interface LongRun {
    void sql(String sql) throws SQLException;
  }

  private static boolean constraintExists(Connection c, long oid, String name)
      throws SQLException {
    return constraint(c, oid, name) != null;
  }

  private static boolean constraintValid(Connection c, long oid, String name)
      throws SQLException {
    return Boolean.TRUE.equals(constraint(c, oid, name));
  }

  /** The constraint's convalidated, or null when it does not exist. */
  private static Boolean constraint(Connection c, long oid, String name) throws SQLException {
    try (PreparedStatement ps = c.prepareStatement(
        "SELECT convalidated FROM pg_constraint WHERE conrelid = ? AND conname = ?")) {
      ps.setLong(1, oid);
      ps.setString(2, name);
      try (ResultSet rs = ps.executeQuery()) {
        return rs.next() ? rs.getBoolean(1) : null;
      }
    }
  }

  /** The index's validity, or null when it does not exist. */
  private static Boolean indexValid(Connection c, ChangeSpec spec, String index)
      throws SQLException {
    try (PreparedStatement ps = c.prepareStatement("SELECT i.indisvalid AND i.indisready FROM"
        + " pg_index i WHERE i.indexrelid = to_regclass(?)")) {
      ps.setString(1, SyncTriggers.qualified(spec, index));
      try (ResultSet rs = ps.executeQuery()) {
        return rs.next() ? rs.getBoolean(1) : null;
      }
    }
  }
}
