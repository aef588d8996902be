package dev.underway.kernel;

import java.time.Duration;

/**
 * A gate to open: what it shows and how long it waits.
 *
 * @param stage the stage it guards (the timeline's phase)
 * @param name its id, the value a decision names
 * @param text the plan as the approver reads it; the kernel adds the commands to decide it
 * @param card the plan as the run's page shows it, or null
 * @param digest a short digest of the plan; decisions naming another are refused
 * @param expiry how long it waits before the run ends expired; null for no expiry
 * @param confirm for a destructive gate, the name of what it drops: every approval must carry it
 *     in {@code confirm}, typed exactly; null for any other gate
 */
public record Gate(String stage, String name, String text, PlanCard card, String digest,
    Duration expiry, String confirm) {

  /** A gate that is not destructive. */
  public Gate(String stage, String name, String text, PlanCard card, String digest,
      Duration expiry) {
    this(stage, name, text, card, digest, expiry, null);
  }
}
