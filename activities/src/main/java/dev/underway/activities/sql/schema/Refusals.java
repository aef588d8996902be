package dev.underway.activities.sql.schema;

import dev.underway.workflows.schema.contract.LogicalReplication;
import dev.underway.workflows.schema.contract.NewColumn;
import dev.underway.workflows.schema.contract.OldColumn;
import dev.underway.workflows.schema.contract.TableObservation;
import java.util.List;

/**
 * What a change is refused for, judged from a fresh observation before anything changes: the
 * table, its key, another run holding it, unknown replaced columns, a new column that exists and
 * this run did not add, expressions that do not work on the table's rows, anything that would
 * rewrite or long-lock the table or leave writes unsynced (inheritance), logical replication whose
 * other ends were not changed first. Each is a typed, non-retryable refusal ({@link
 * SchemaRefusals}).
 */
public final class Refusals {
  private Refusals() {}

  public static void check(TableObservation seen, ChangeSpec spec, String owner) {
    TableName table = spec.table();
    if (!seen.tableExists()) {
      throw SchemaRefusals.unknownTable(table);
    }
    if (seen.heldBy() != null && !seen.heldBy().equals(owner)) {
      throw SchemaRefusals.anotherRun(table, seen.heldBy());
    }
    if (seen.keyProblem() != null) {
      throw SchemaRefusals.noUsableKey(table, seen.keyProblem());
    }
    for (OldColumn old : spec.replace()) {
      if (seen.column(old.name()) == null) {
        throw SchemaRefusals.unknownColumn(table, old.name());
      }
    }
    List<String> ours = owner.equals(seen.heldBy()) ? seen.addedByHolder() : List.of();
    for (NewColumn col : spec.add()) {
      if (seen.column(col.name()) != null && !ours.contains(col.name())) {
        throw SchemaRefusals.columnExists(table, col.name());
      }
    }
    if (!seen.expressionProblems().isEmpty()) {
      throw SchemaRefusals.badExpressions(seen.expressionProblems());
    }
    if (!seen.unsafe().isEmpty()) {
      throw SchemaRefusals.unsafe(seen.unsafe());
    }
    if (spec.change() != null && !spec.change().otherEndsChangedFirst()) {
      List<String> replication = LogicalReplication.problems(spec.change(), seen);
      if (!replication.isEmpty()) {
        throw SchemaRefusals.unsafe(replication);
      }
    }
  }
}
