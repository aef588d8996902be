package dev.underway.kernel;

import java.util.List;

/**
 * A plan as a gate card shows it on the run's page: a before/after table, the changes in order,
 * the warnings. The runbook fills it; the kernel adds who may approve, the expiry, the digest
 * and how to decide.
 *
 * @param title e.g. {@code Gate phase-1 for underway-demo/cockroachdb}
 * @param table rows of {@code what, before, after}
 * @param changes the changes, in the order they will be made
 * @param warnings what an approver must know (shown in bold)
 */
public record PlanCard(String title, List<Row> table, List<String> changes,
    List<String> warnings) {

  /** One row of the before/after table. */
  public record Row(String what, String before, String after) {}

  public PlanCard {
    table = List.copyOf(table);
    changes = List.copyOf(changes);
    warnings = List.copyOf(warnings);
  }
}
