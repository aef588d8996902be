package dev.underway.workflows.evolution;

import dev.underway.workflows.evolution.model.PhasePlan;
import dev.underway.workflows.evolution.model.TargetRef;
import java.util.List;
import java.util.zip.CRC32;

/**
 * A short name for a plan as a gate shows it. A decision that names a digest is for that plan
 * only: when the cluster moved and the gate reopened with another plan, the old digest is
 * refused. Not a security measure (approvers are trusted), a guard against acting on a plan
 * nobody read. Pure and deterministic.
 *
 * <p>It covers what the plan will change (its structure), not its wording: a run replayed by a
 * newer release, whose gates word warnings differently, still accepts the decisions it
 * accepted, so its history replays.
 */
public final class PlanDigest {
  private PlanDigest() {}

  /** Eight hex digits over what the plan changes: nodes, zones, reader path, budget. */
  public static String of(TargetRef target, PhasePlan plan) {
    List<String> parts = List.of(target.key(), plan.phase(),
        plan.nodesBefore() + ">" + plan.nodesAfter(),
        plan.replicationBefore() + ">" + plan.replicationAfter(),
        String.join(",", plan.zonesToChange()),
        plan.createReaderUser() + "," + plan.createReaderService(),
        plan.disruptionBudgetDuring() + ">" + plan.disruptionBudgetAfter(),
        String.valueOf(plan.changes().size()));
    CRC32 crc = new CRC32();
    for (char c : String.join("\u0000", parts).toCharArray()) {
      crc.update(c >>> 8);
      crc.update(c);
    }
    return String.format("%08x", crc.getValue());
  }
}
