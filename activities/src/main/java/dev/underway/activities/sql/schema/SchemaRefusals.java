package dev.underway.activities.sql.schema;

import dev.underway.kernel.FailureKind;
import dev.underway.workflows.schema.contract.SchemaFailures;
import io.temporal.failure.ApplicationFailure;
import java.util.List;

/**
 * The refusals of a schema change, each raised before anything changed: non-retryable, typed by
 * the kernel's {@link FailureKind}, the message starting with "Refused before any change".
 */
public final class SchemaRefusals {
  private SchemaRefusals() {}

  public static ApplicationFailure unknownTable(TableName table) {
    return FailureKind.TARGET_NOT_FOUND.refuse("table " + table + " does not exist");
  }

  public static ApplicationFailure unknownColumn(TableName table, String column) {
    return FailureKind.TARGET_NOT_FOUND.refuse("column " + column + " does not exist in " + table);
  }

  public static ApplicationFailure noUsableKey(TableName table, String problem) {
    return SchemaFailures.NO_USABLE_KEY.refuse(table + ": " + problem
        + " (the backfill walks a unique key whose columns are all NOT NULL)");
  }

  public static ApplicationFailure columnExists(TableName table, String column) {
    return SchemaFailures.COLUMN_EXISTS.refuse("column " + column + " already exists in " + table
        + " and this run did not add it: choose another name");
  }

  public static ApplicationFailure anotherRun(TableName table, String holder) {
    return SchemaFailures.CHANGE_IN_PROGRESS.refuse(table + " is being changed by " + holder
        + ": one schema change per table at a time");
  }

  public static ApplicationFailure notHeld(TableName table, String owner) {
    return SchemaFailures.CHANGE_IN_PROGRESS.refuse(table + " is not held by " + owner
        + " (no expand of this run holds it)");
  }

  public static ApplicationFailure badExpressions(List<String> problems) {
    return SchemaFailures.EXPRESSION_INVALID.refuse(String.join("; ", problems));
  }

  public static ApplicationFailure unsafe(List<String> problems) {
    return SchemaFailures.UNSAFE_CHANGE.refuse(String.join("; ", problems));
  }
}
