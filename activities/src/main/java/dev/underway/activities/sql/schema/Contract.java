package dev.underway.activities.sql.schema;

import dev.underway.workflows.schema.contract.ChangeObjects;
import dev.underway.kernel.ChangeResult;
import dev.underway.kernel.ChangeResult.Outcome;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;

/**
 * The contract (destructive, after its gate): drops the sync trigger, its function and the
 * replaced columns, in one transaction under a short lock timeout; the flags go to their final
 * values ({@code reads=new}, {@code writes=new}) and the table's row is deleted (the table is
 * free for the next change). Refused before anything is dropped when another object depends on
 * a column it would drop ({@link Dependents#blocking}: a view, a constraint, an index over other
 * columns too, a trigger function that names it): PostgreSQL would refuse, silently drop an index
 * the application uses, or leave a trigger whose every write fails. The observation found the
 * same objects before the first gate. Repeated, it changes nothing.
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
        // checked in the contract's own transaction, after the sync is gone: what still uses a
        // dropped column refuses, and the refusal rolls everything back
        List<String> dependents = Dependents.blocking(tx, oid, spec);
        if (!dependents.isEmpty()) {
          throw SchemaRefusals.unsafe(List.of("dropping " + String.join(", ", spec.dropped())
              + " would also drop or break: " + String.join("; ", dependents)
              + "; change those first"));
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
}
