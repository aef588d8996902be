package dev.underway.activities.sql.schema;

import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The contract (destructive, after its gate): drops the sync trigger, its function and the old
 * columns the change names, makes the renames, in one transaction under a short lock timeout;
 * the flags stay at the new shape (reads new, no old writes) and the marker says {@code
 * contracted}. Only the run that expanded the table may contract it; repeating it changes
 * nothing.
 */
public final class Contract {

  private final LockRetry lock;

  public Contract(LockRetry lock) {
    this.lock = lock;
  }

  /** What the contract drops, for the gate's plan and its typed confirmation. */
  public static List<String> dropped(ChangeSpec spec) {
    List<String> out = new ArrayList<>();
    spec.dropped().forEach(col -> out.add("column " + spec.table() + "." + col));
    out.add("trigger " + PostgresSchemaDialect.syncName(spec.table()));
    out.add("function " + spec.table().schema() + "."
        + PostgresSchemaDialect.syncName(spec.table()) + "()");
    return out;
  }

  public StepResult contract(Connection c, ChangeSpec spec) throws SQLException {
    TableName table = spec.table();
    RunMarker.Marker marker = RunMarker.read(c, table);
    if (marker == null || !marker.ownedBy(spec.runId())) {
      throw dev.underway.kernel.FailureKind.INVALID_REQUEST.refuse(table
          + " was not expanded by this run (" + spec.runId() + "): nothing to contract");
    }
    if (RunMarker.CONTRACTED.equals(marker.state())) {
      return StepResult.unchanged(table + " is already contracted");
    }
    if (!RunMarker.EXPANDED.equals(marker.state())) {
      throw dev.underway.kernel.FailureKind.INVALID_REQUEST.refuse(table + "'s change is "
          + marker.state() + ", not expanded: nothing to contract");
    }
    long oid = TableObserver.oid(c, table);
    return lock.inTransaction(c, "contract " + table, tx -> {
      TableCatalogue cat = TableCatalogue.read(tx, oid);
      List<String> done = new ArrayList<>();
      try (Statement s = tx.createStatement()) {
        s.execute(PostgresSchemaDialect.dropTrigger(table));
        s.execute(PostgresSchemaDialect.dropFunction(table));
        done.add("dropped the sync trigger and its function");
        List<String> present = spec.dropped().stream()
            .filter(col -> cat.column(col).isPresent()).toList();
        if (!present.isEmpty()) {
          s.execute(PostgresSchemaDialect.dropColumns(table, present));
          done.add("dropped " + String.join(", ", present));
        }
        for (Map.Entry<String, String> rename : spec.renamesOnContract().entrySet()) {
          s.execute(PostgresSchemaDialect.renameColumn(table, rename.getKey(),
              rename.getValue()));
          done.add("renamed " + rename.getKey() + " to " + rename.getValue());
        }
      }
      Flags.set(tx, table, Flags.READ_NEW, "true");
      Flags.set(tx, table, Flags.WRITE_OLD, "false");
      BackfillControl.clear(tx, table);
      RunMarker.setState(tx, table, spec.runId(), RunMarker.CONTRACTED);
      return new StepResult(true, done);
    });
  }
}
