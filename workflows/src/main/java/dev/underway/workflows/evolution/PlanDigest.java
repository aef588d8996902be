package dev.underway.workflows.evolution;

import dev.underway.model.PhasePlan;
import dev.underway.model.TargetRef;
import java.util.List;
import java.util.zip.CRC32;

/**
 * A short name for a plan as a gate shows it. A decision that names a digest is for that plan
 * only: when the cluster moved and the gate reopened with another plan, the old digest is
 * refused. Not a security measure (approvers are trusted), a guard against acting on a plan
 * nobody read. Pure and deterministic.
 */
public final class PlanDigest {
  private PlanDigest() {}

  /** Eight hex digits over everything the approver reads in the plan. */
  public static String of(TargetRef target, PhasePlan plan) {
    List<String> parts = List.of(target.key(), plan.phase(),
        plan.nodesBefore() + ">" + plan.nodesAfter(),
        plan.replicationBefore() + ">" + plan.replicationAfter(),
        String.join(",", plan.zonesToChange()),
        plan.createReaderUser() + "," + plan.createReaderService(),
        plan.disruptionBudgetDuring() + ">" + plan.disruptionBudgetAfter(),
        String.join("\n", plan.changes()), String.join("\n", plan.warnings()));
    CRC32 crc = new CRC32();
    for (char c : String.join("\u0000", parts).toCharArray()) {
      crc.update(c >>> 8);
      crc.update(c);
    }
    return String.format("%08x", crc.getValue());
  }
}
