package dev.underway.activities.sql.schema;

import dev.underway.workflows.schema.contract.ChangeObjects;
import dev.underway.workflows.schema.contract.TableObservation;
import dev.underway.kernel.ChangeResult;
import dev.underway.kernel.ChangeResult.Outcome;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;

/**
 * The expand and its undo. Expand adds the new columns (nullable, no default: no rewrite) and the
 * version column when asked and missing, the sync trigger and its function, and the change's
 * flags where they are not set, in ONE transaction under a short lock timeout ({@link
 * LockRetry}): the trigger exists from the moment the columns do, so no write slips through
 * unsynchronised, and the table's row ({@link RunMarker}) claims the table and records the
 * columns added in the same transaction. Everything it depends on is checked first ({@link
 * Refusals}). Repeated, it changes nothing. The undo (the rollback before the contract) removes
 * the trigger, its function, the columns the row says this run added, the flags and the row, and
 * leaves the table's catalogue description as it was before the expand.
 */
public final class Expand {

  private final LockRetry lock;
  private final TableObserver observer;

  public Expand(LockRetry lock, TableObserver observer) {
    this.lock = lock;
    this.observer = observer;
  }

  public ChangeResult expand(Connection c, ChangeSpec spec, String owner) throws SQLException {
    TableName table = spec.table();
    TableObservation seen = observer.observe(c, spec);
    Refusals.check(seen, spec, owner);
    RunMarker.ensureTables(c, table);
    long oid = TableObserver.oid(c, table);
    return lock.inTransaction(c, "expand " + table, tx -> {
      RunMarker.Claim claim = RunMarker.claim(tx, table, owner);
      RunMarker.Row row = claim.row();
      if (!row.heldBy(owner)) {
        throw SchemaRefusals.anotherRun(table, row.holder());
      }
      TableCatalogue cat = TableCatalogue.read(tx, oid);
      List<String> missing = spec.addedColumns().stream()
          .filter(n -> cat.column(n).isEmpty()).toList();
      for (String name : spec.add().stream().map(n -> n.name()).toList()) {
        if (cat.column(name).isPresent() && !row.addedColumns().contains(name)) {
          throw SchemaRefusals.columnExists(table, name);
        }
      }
      List<String> done = new ArrayList<>();
      boolean hadTrigger = cat.triggers().stream()
          .anyMatch(t -> t.name().equals(spec.names().trigger()));
      if (!missing.isEmpty()) {
        try (Statement s = tx.createStatement()) {
          s.execute(PostgresSchemaDialect.addColumns(spec, missing));
        }
        List<String> added = new ArrayList<>(claim.row().addedColumns());
        added.addAll(missing);
        RunMarker.setAddedColumns(tx, table, added);
        done.add("added " + String.join(", ", missing));
      }
      if (claim.fresh()) {
        // a change of its own: its flags start at the old shape, whatever an earlier run left
        Flags.set(tx, spec, spec.names().readsFlag(), ChangeObjects.READS_OLD);
        Flags.set(tx, spec, spec.names().writesFlag(), ChangeObjects.WRITES_BOTH);
      } else {
        Flags.init(tx, spec, spec.names().readsFlag(), ChangeObjects.READS_OLD);
        Flags.init(tx, spec, spec.names().writesFlag(), ChangeObjects.WRITES_BOTH);
      }
      String phase = Flags.read(tx, spec).getOrDefault(spec.names().writesFlag(),
          ChangeObjects.WRITES_BOTH);
      Sync.install(tx, spec, oid, phase);
      if (!hadTrigger) {
        done.add("installed the sync trigger " + spec.names().trigger() + " (writes = " + phase
            + ")");
      }
      return done.isEmpty()
          ? ChangeResult.unchanged(table.toString(), "already expanded by " + owner)
          : new ChangeResult(table.toString(), Outcome.UPDATED, String.join("; ", done));
    });
  }

  /** The rollback: removes the trigger, its function, this run's columns, the flags, the row. */
  public ChangeResult undo(Connection c, ChangeSpec spec, String owner) throws SQLException {
    TableName table = spec.table();
    var row = RunMarker.read(c, table);
    if (row.isEmpty()) {
      return ChangeResult.unchanged(table.toString(), "nothing to undo: no run holds " + table);
    }
    if (!row.get().heldBy(owner)) {
      throw SchemaRefusals.anotherRun(table, row.get().holder());
    }
    return lock.inTransaction(c, "undo the expand of " + table, tx -> {
      var locked = RunMarker.lock(tx, table);
      if (locked.isEmpty()) {
        return ChangeResult.unchanged(table.toString(), "nothing to undo: no run holds " + table);
      }
      List<String> added = locked.get().addedColumns();
      Sync.drop(tx, spec);
      if (!added.isEmpty()) {
        try (Statement s = tx.createStatement()) {
          s.execute(PostgresSchemaDialect.dropColumns(table, added));
        }
      }
      Flags.delete(tx, spec);
      RunMarker.release(tx, table, owner);
      RunMarker.dropIfEmpty(tx, table);
      return new ChangeResult(table.toString(), Outcome.UPDATED, "removed the sync trigger, its"
          + " function" + (added.isEmpty() ? "" : ", " + String.join(", ", added))
          + " and the flags (the old shape)");
    });
  }
}
