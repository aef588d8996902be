package dev.underway.workflows.schema.contract;

import java.util.ArrayList;
import java.util.List;

/**
 * Why a table's logical replication makes a change unsafe unless its other ends were changed
 * first ({@link TableChange#subscribersChangedFirst}): a subscriber whose copy of a published
 * table lacks a column stops applying every change to it once the publisher sends the column;
 * a subscribed table's apply (its writes are synced: the sync's triggers fire for it) stops once
 * the contract drops a column its publisher still sends. Pure: the workflow's planner and the implementation's
 * re-check at expand word it alike.
 */
public final class LogicalReplication {
  private LogicalReplication() {}

  /** One sentence per side of the table's replication; empty when it has none. */
  public static List<String> problems(TableChange change, TableObservation o) {
    String table = change.qualifiedTable();
    List<String> out = new ArrayList<>();
    if (!o.publicationsOrEmpty().isEmpty()) {
      boolean wide = o.publicationsOrEmpty().stream().anyMatch(p -> p.endsWith("TABLES)")
          || p.endsWith("SCHEMA)"));
      out.add(table + " is published (publication " + String.join(", ", o.publicationsOrEmpty())
          + "): once expand adds " + String.join(", ", change.addOrEmpty().stream()
              .map(NewColumn::name).toList()) + ", a subscriber whose copy lacks the column(s)"
          + " stops applying every change to it; add them on every subscriber first"
          + (wide ? " (with " + ChangeObjects.FLAGS_TABLE + " and " + ChangeObjects.CHANGES_TABLE
              + ", which expand creates and such a publication publishes too)" : "")
          + ", then set change.subscribersChangedFirst: true");
    }
    if (!o.subscriptionsOrEmpty().isEmpty()) {
      out.add(table + " is written by logical replication (subscription "
          + String.join(", ", o.subscriptionsOrEmpty()) + "): its writes are synced like any"
          + " other, but once the contract drops a column the publisher still sends, the apply"
          + " stops; have the publisher stop sending it first (or drop the subscription before"
          + " the contract), then set change.subscribersChangedFirst: true");
    }
    return out;
  }
}
