package dev.underway.activities.sql.schema;

import dev.underway.activities.schema.ChangeObjects;
import dev.underway.model.ChangeResult;
import dev.underway.model.ChangeResult.Outcome;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;

/**
 * The contract (destructive, after its gate): drops the sync trigger, its function and the
 * replaced columns, in one transaction under a short lock timeout; the flags go to their final
 * values ({@code reads=new}, {@code writes=new}) and the table's row is deleted (the table is
 * free for the next change). Refused before anything is dropped when another object (a view, a
 * constraint, an index over other columns too) depends on a column it would drop: PostgreSQL
 * would refuse or, worse, silently drop an index the application uses. Repeated, it changes
 * nothing.
 */
public final class Contract {

  private final LockRetry lock;

  public Contract(LockRetry lock) {
    this.lock = lock;
  }

  public ChangeResult contract(Connection c, ChangeSpec spec, String owner) throws SQLException {
    TableName table = spec.table();
    var row = RunMarker.read(c, table);
    if (row.isPresent() && !row.get().heldBy(owner)) {
      throw SchemaRefusals.anotherRun(table, row.get().holder());
    }
    long oid = TableObserver.oid(c, table);
    if (row.isEmpty()) {
      TableCatalogue cat = TableCatalogue.read(c, oid);
      boolean gone = spec.dropped().stream().allMatch(col -> cat.column(col).isEmpty())
          && cat.triggers().stream().noneMatch(t -> t.name().equals(spec.names().trigger()));
      if (gone) {
        return ChangeResult.unchanged(table.toString(), "already contracted");
      }
      throw SchemaRefusals.notHeld(table, owner);
    }
    return lock.inTransaction(c, "contract " + table, tx -> {
      TableCatalogue cat = TableCatalogue.read(tx, oid);
      List<String> done = new ArrayList<>();
      try (Statement s = tx.createStatement()) {
        Sync.drop(tx, spec);
        // the sync's own column triggers depend on the old columns: checked once they are gone,
        // in the same transaction (a refusal rolls everything back)
        List<String> dependents = dependents(tx, oid, spec.dropped());
        if (!dependents.isEmpty()) {
          throw SchemaRefusals.unsafe(List.of("dropping " + String.join(", ", spec.dropped())
              + " would also drop or break " + String.join(", ", dependents)
              + ": change those first"));
        }
        done.add("dropped the sync trigger " + spec.names().trigger() + ", its helpers and"
            + " their functions");
        var carried = Carry.beforeDrop(tx, spec, oid);
        List<String> present = spec.dropped().stream()
            .filter(col -> cat.column(col).isPresent()).toList();
        if (!present.isEmpty()) {
          s.execute(PostgresSchemaDialect.dropColumns(table, present));
          done.add("dropped " + String.join(", ", present));
        }
        if (carried.isPresent()) {
          Carry.afterDrop(tx, spec, carried.get());
          done.add("the new column has the old one's constraints");
        }
      }
      Flags.set(tx, spec, spec.names().readsFlag(), ChangeObjects.READS_NEW);
      Flags.set(tx, spec, spec.names().writesFlag(), ChangeObjects.WRITES_NEW);
      RunMarker.release(tx, table, owner);
      RunMarker.dropIfEmpty(tx, table);
      return new ChangeResult(table.toString(), Outcome.UPDATED, String.join("; ", done));
    });
  }

  /** What depends on the columns besides their own single-column indexes and keys. */
  static List<String> dependents(Connection c, long oid, List<String> columns)
      throws SQLException {
    List<String> out = new ArrayList<>();
    try (PreparedStatement ps = c.prepareStatement(PostgresSchemaDialect.COLUMN_DEPENDENTS)) {
      for (String col : columns) {
        ps.setLong(1, oid);
        ps.setString(2, col);
        try (ResultSet rs = ps.executeQuery()) {
          while (rs.next()) {
            if (!out.contains(rs.getString(1))) {
              out.add(rs.getString(1));
            }
          }
        }
      }
    }
    return out;
  }
}
