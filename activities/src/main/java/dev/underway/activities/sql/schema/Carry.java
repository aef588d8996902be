package dev.underway.activities.sql.schema;

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

  /**
   * With every change of the writes flag, in its transaction: the new column has the carried
   * DEFAULT while writes are new (a new-shape INSERT that leaves it out gets it), and none
   * otherwise. Set earlier, it would make every INSERT seem to give the new column, and an
   * undeclared new-shape INSERT while writes are both could not be told from an old-shape one.
   */
  static void atWrites(Connection tx, ChangeSpec spec, long oid, String writes)
      throws SQLException {
    if (!CarriedConstraints.applies(spec)) {
      return;
    }
    Optional<CarriedConstraints.Old> old = CarriedConstraints.old(tx, spec, oid);
    if (old.isEmpty() || old.get().defaultExpression() == null) {
      return;
    }
    String carried = CarriedConstraints.defaultFor(tx, spec, old.get());
    if (carried == null) {
      return;
    }
    boolean on = dev.underway.workflows.schema.contract.ChangeObjects.WRITES_NEW.equals(writes);
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
    if (!CarriedConstraints.applies(spec)) {
      return done;
    }
    Optional<CarriedConstraints.Old> old = CarriedConstraints.old(c, spec, oid);
    if (old.isEmpty()) {
      return done;
    }
    String column = SqlQuoting.identifier(spec.add().get(0).name());
    if (old.get().notNull()) {
      String check = CarriedConstraints.checkName(spec);
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
      String index = CarriedConstraints.indexName(spec);
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
          why = CarriedConstraints.firstLine(e.getMessage());
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
  static Optional<CarriedConstraints.Old> beforeDrop(Connection tx, ChangeSpec spec, long oid)
      throws SQLException {
    if (!CarriedConstraints.applies(spec)) {
      return Optional.empty();
    }
    Optional<CarriedConstraints.Old> old = CarriedConstraints.old(tx, spec, oid);
    String check = CarriedConstraints.checkName(spec);
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
  static void afterDrop(Connection tx, ChangeSpec spec, CarriedConstraints.Old old)
      throws SQLException {
    String index = CarriedConstraints.indexName(spec);
    if (old.uniqueIndex() == null || !Boolean.TRUE.equals(indexValid(tx, spec, index))) {
      return;
    }
    try (Statement s = tx.createStatement()) {
      if (old.uniqueConstraint() != null) {
        s.execute("ALTER TABLE " + spec.table().qualified() + " ADD CONSTRAINT "
            + SqlQuoting.identifier(old.uniqueConstraint()) + " UNIQUE USING INDEX "
            + SqlQuoting.identifier(index));
      } else {
        s.execute("ALTER INDEX " + SyncTriggers.qualified(spec, index) + " RENAME TO "
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
