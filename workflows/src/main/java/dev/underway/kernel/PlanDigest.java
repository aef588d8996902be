package dev.underway.kernel;

import java.util.List;
import java.util.zip.CRC32;

/**
 * A short name for a plan as a gate shows it: a decision that names another digest is refused
 * (the target moved and the plan with it). A runbook lists the parts of its plan that say what it
 * changes (never its wording, so a newer release replays the decisions an older one accepted);
 * this is the one place they become eight hex digits. Not a security measure (approvers are
 * trusted), a guard against acting on a plan nobody read. Pure and deterministic.
 *
 * <p>The digests are recorded in decisions: the same parts give the same digits in every release
 * (CRC32 over each character's two bytes, big-endian, the parts joined by U+0000).
 */
public final class PlanDigest {
  private PlanDigest() {}

  /** Eight lower-case hex digits over {@code parts}, in their order. */
  public static String of(List<String> parts) {
    CRC32 crc = new CRC32();
    for (char c : String.join("\u0000", parts).toCharArray()) {
      crc.update(c >>> 8);
      crc.update(c);
    }
    return String.format("%08x", crc.getValue());
  }
}
