package dev.underway.workflows.schema;

import java.util.List;
import java.util.zip.CRC32;

/**
 * A short name for a schema change's plan as its gates show it: a decision naming another
 * digest is refused (the table changed and the plan with it). It covers what the plan changes
 * and drops, not its wording or its numbers.
 */
public final class PlanDigest {
  private PlanDigest() {}

  /** Eight hex digits over the table, the change, its key, what it adds and drops. */
  public static String of(String targetKey, SchemaPlan plan) {
    List<String> parts = List.of(targetKey, plan.table(), String.valueOf(plan.kind()),
        plan.key(), String.join(",", plan.keyColumns()), String.join(",", plan.add()),
        String.join(",", plan.drop()), plan.confirm(), String.valueOf(plan.reversible()));
    CRC32 crc = new CRC32();
    for (char c : String.join("\u0000", parts).toCharArray()) {
      crc.update(c >>> 8);
      crc.update(c);
    }
    return String.format("%08x", crc.getValue());
  }
}
