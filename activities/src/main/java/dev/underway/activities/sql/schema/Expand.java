package dev.underway.activities.sql.schema;

import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;

/**
 * The expand and its undo. Expand adds the new columns (nullable, so no rewrite), the sync
 * trigger and its function, and the table's flags, in one transaction under a short lock
 * timeout ({@link LockRetry}): the trigger exists from the moment the columns do, so no write
 * slips through unsynchronised. The table is claimed for the run in the same transaction (the
 * marker). Repeating it changes nothing. The undo (the rollback before the contract) removes
 * what expand added, only when the marker says this run added it, and leaves the table's
 * catalogue description as it was.
 */
public final class Expand {

  private final LockRetry lock;
  private final TableObserver observer;

  public Expand(LockRetry lock, TableObserver observer) {
    this.lock = lock;
    this.observer = observer;
  }

  public StepResult expand(Connection c, ChangeSpec spec) throws SQLException {
    TableName table = spec.table();
    TableObservation seen = Preflight.check(c, spec, observer);
    if (seen.marker() != null && seen.marker().ownedBy(spec.runId())
        && seen.marker().finished()) {
      return StepResult.unchanged("this run's change of " + table + " is already "
          + seen.marker().state());
    }
    RunMarker.ensureTables(c);
    long oid = seen.catalogue().oid();
    return lock.inTransaction(c, "expand " + table, tx -> {
      RunMarker.Marker marker = RunMarker.claim(tx, table, spec.runId());
      if (!marker.ownedBy(spec.runId())) {
        throw SchemaRefusals.anotherRun(table, marker.runId(), marker.state());
      }
      List<String> done = new ArrayList<>();
      List<String> missing = Preflight.missing(spec, TableCatalogue.read(tx, oid));
      try (Statement s = tx.createStatement()) {
        if (!missing.isEmpty()) {
          s.execute(PostgresSchemaDialect.addColumns(spec));
          done.add("added " + String.join(", ", missing) + " to " + table);
        }
        List<String> columns = TableCatalogue.read(tx, oid).columns().stream()
            .map(TableCatalogue.Column::name).toList();
        boolean hadTrigger = TableCatalogue.read(tx, oid).triggers().stream()
            .anyMatch(t -> t.name().equals(PostgresSchemaDialect.syncName(table)));
        s.execute(SyncTriggers.function(spec, columns));
        s.execute(PostgresSchemaDialect.createTrigger(table));
        if (!hadTrigger) {
          done.add("installed sync trigger " + PostgresSchemaDialect.syncName(table));
        }
      }
      Flags.init(tx, table, Flags.READ_NEW, "false");
      Flags.init(tx, table, Flags.WRITE_OLD, "true");
      RunMarker.setState(tx, table, spec.runId(), RunMarker.EXPANDED);
      return done.isEmpty() ? StepResult.unchanged(table + " is already expanded by this run")
          : new StepResult(true, done);
    });
  }

  /** The rollback: removes the trigger, its function, the new columns and the flags. */
  public StepResult undo(Connection c, ChangeSpec spec) throws SQLException {
    TableName table = spec.table();
    RunMarker.Marker marker = RunMarker.read(c, table);
    if (marker == null || !marker.ownedBy(spec.runId())) {
      return StepResult.unchanged("nothing of this run's on " + table);
    }
    if (RunMarker.CONTRACTED.equals(marker.state())) {
      throw SchemaRefusals.afterContract(table);
    }
    if (RunMarker.ROLLED_BACK.equals(marker.state())) {
      return StepResult.unchanged(table + " is already rolled back");
    }
    return lock.inTransaction(c, "roll back " + table, tx -> {
      try (Statement s = tx.createStatement()) {
        s.execute(PostgresSchemaDialect.dropTrigger(table));
        s.execute(PostgresSchemaDialect.dropFunction(table));
        s.execute(PostgresSchemaDialect.dropColumns(table,
            spec.newColumns().stream().map(ChangeSpec.NewColumn::name).toList()));
      }
      Flags.deleteAll(tx, table);
      RunMarker.setState(tx, table, spec.runId(), RunMarker.ROLLED_BACK);
      return new StepResult(true, List.of("removed the sync trigger, its function and "
          + String.join(", ", spec.newColumns().stream().map(ChangeSpec.NewColumn::name)
          .toList()) + " from " + table + "; the flags are gone (the old shape)"));
    });
  }
}
