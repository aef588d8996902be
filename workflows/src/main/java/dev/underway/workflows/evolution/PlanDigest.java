package dev.underway.workflows.evolution;

import dev.underway.workflows.evolution.model.PhasePlan;
import dev.underway.workflows.evolution.model.ClusterTarget;
import java.util.List;

/**
 * The parts of a cluster evolution's plan its digest covers ({@link dev.underway.kernel.PlanDigest}
 * turns them into the short name a gate shows). A decision that names a digest is for that plan
 * only: when the cluster moved and the gate reopened with another plan, the old digest is
 * refused.
 *
 * <p>It covers what the plan will change (its structure), not its wording: a run replayed by a
 * newer release, whose gates word warnings differently, still accepts the decisions it
 * accepted, so its history replays.
 */
public final class PlanDigest {
  private PlanDigest() {}

  /** Eight hex digits over what the plan changes: nodes, zones, reader path, budget. */
  public static String of(ClusterTarget target, PhasePlan plan) {
    List<String> parts = List.of(target.key(), plan.phase(),
        plan.nodesBefore() + ">" + plan.nodesAfter(),
        plan.replicationBefore() + ">" + plan.replicationAfter(),
        String.join(",", plan.zonesToChange()),
        plan.createReaderUser() + "," + plan.createReaderService(),
        plan.disruptionBudgetDuring() + ">" + plan.disruptionBudgetAfter(),
        String.valueOf(plan.changes().size()));
    return dev.underway.kernel.PlanDigest.of(parts);
  }
}
