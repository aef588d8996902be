package dev.underway.activities.sql.schema;

import dev.underway.activities.sql.SqlQuoting;
import java.util.Objects;

/** A table by schema and name, as the catalogue spells them (no quoting, no folding). */
public record TableName(String schema, String table) {

  public TableName {
    Objects.requireNonNull(table, "table");
    schema = schema == null || schema.isBlank() ? "public" : schema;
  }

  /** {@code "schema"."table"}. */
  public String qualified() {
    return SqlQuoting.identifier(schema) + "." + SqlQuoting.identifier(table);
  }

  /** {@code schema.table}, for messages and flag keys. */
  @Override
  public String toString() {
    return schema + "." + table;
  }
}
