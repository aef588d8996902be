package dev.underway.activities.sql.schema;

import dev.underway.kernel.FailureKind;
import io.temporal.failure.ApplicationFailure;

/**
 * The refusals of a schema change, each raised before anything changed: non-retryable, typed by
 * the kernel's {@link FailureKind}, the message starting with "Refused before any change".
 */
public final class SchemaRefusals {
  private SchemaRefusals() {}

  public static ApplicationFailure unknownTable(TableName table) {
    return FailureKind.TARGET_NOT_FOUND.refuse("table " + table + " does not exist");
  }

  public static ApplicationFailure notATable(TableName table, String kind) {
    return FailureKind.INVALID_REQUEST.refuse(table + " is not a plain table (relkind '" + kind
        + "'): partitioned tables, views and others are not supported");
  }

  public static ApplicationFailure unknownColumn(TableName table, String column) {
    return FailureKind.TARGET_NOT_FOUND.refuse("column " + column + " does not exist in " + table);
  }

  public static ApplicationFailure noPrimaryKey(TableName table) {
    return FailureKind.INVALID_REQUEST.refuse(table + " has no primary key: name a unique key on"
        + " NOT NULL columns (keyColumns) for the backfill to walk");
  }

  public static ApplicationFailure noUsableKey(TableName table, java.util.List<String> columns,
      String why) {
    return FailureKind.INVALID_REQUEST.refuse("(" + String.join(", ", columns) + ") is not a"
        + " usable key of " + table + ": " + why);
  }

  public static ApplicationFailure columnExists(TableName table, String column) {
    return FailureKind.INVALID_REQUEST.refuse("column " + column + " already exists in " + table
        + " and is not this run's: choose another name");
  }

  public static ApplicationFailure anotherRun(TableName table, String runId, String state) {
    return FailureKind.INVALID_REQUEST.refuse(table + " is being changed by another run ("
        + runId + ", " + state + "): one schema change per table at a time");
  }

  public static ApplicationFailure badExpression(String which, String expression, String error) {
    return FailureKind.INVALID_REQUEST.refuse(which + " expression `" + expression
        + "` does not work on the table's rows: " + error);
  }

  public static ApplicationFailure rewrites(TableName table, String column, String why) {
    return FailureKind.INVALID_REQUEST.refuse("adding " + column + " to " + table
        + " would rewrite or long-lock the table (" + why + ")");
  }

  public static ApplicationFailure afterContract(TableName table) {
    return FailureKind.INVALID_REQUEST.refuse(table + "'s change was contracted: the old shape"
        + " is gone and cannot be rolled back");
  }
}
