package dev.underway.workflows.schema;

import java.util.List;

/**
 * The parts of a schema change's plan its digest covers ({@link dev.underway.kernel.PlanDigest}
 * turns them into the short name its gates show): a decision naming another digest is refused
 * (the table changed and the plan with it). It covers what the plan changes and drops, not its
 * wording or its numbers.
 */
public final class PlanDigest {
  private PlanDigest() {}

  /** Eight hex digits over the table, the change, its key, what it adds and drops. */
  public static String of(String targetKey, SchemaPlan plan) {
    List<String> parts = List.of(targetKey, plan.table(), String.valueOf(plan.kind()),
        plan.key(), String.join(",", plan.keyColumns()), String.join(",", plan.add()),
        String.join(",", plan.drop()), plan.confirm(), String.valueOf(plan.reversible()));
    return dev.underway.kernel.PlanDigest.of(parts);
  }
}
