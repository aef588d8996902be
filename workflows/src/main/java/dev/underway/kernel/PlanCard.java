package dev.underway.kernel;

import java.util.List;

/**
 * A plan as a gate card shows it on the run's page: a before/after table, the changes in order,
 * the warnings. The runbook fills it; the kernel adds who may approve, the expiry, the digest
 * and how to decide.
 *
 * @param title e.g. {@code Gate phase-1 for underway-demo/cockroachdb}
 * @param table rows of {@code what, before, after}: the card's before/after table shows the
 *     rows whose before is given and differs from after; the others are listed as facts
 * @param changes the changes, in the order they will be made
 * @param warnings what an approver must know (shown in bold)
 * @param sql the SQL the gate's step applies (definitions, expressions), shown as a code block;
 *     empty for none
 */
public record PlanCard(String title, List<Row> table, List<String> changes,
    List<String> warnings, List<String> sql) {

  /** One row of the before/after table. */
  public record Row(String what, String before, String after) {}

  public PlanCard {
    table = List.copyOf(table);
    changes = List.copyOf(changes);
    warnings = List.copyOf(warnings);
    sql = sql == null ? List.of() : List.copyOf(sql);
  }

  /** A card without SQL. */
  public PlanCard(String title, List<Row> table, List<String> changes, List<String> warnings) {
    this(title, table, changes, warnings, List.of());
  }
}
