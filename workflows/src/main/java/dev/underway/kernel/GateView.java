package dev.underway.kernel;

/**
 * An open approval gate.
 *
 * @param gate its id (the phase name), the value to put in a decision
 * @param phase the phase it guards
 * @param text what the approver reads: the plan, failures tolerated, warnings, how to decide
 * @param openedAt when it opened (ISO-8601)
 * @param expiresAt when it ends the run unanswered (ISO-8601), or null
 * @param plan a short digest of the plan shown; a decision that names another digest is refused
 *     (the plan changed since it was read). Null in runs that predate it
 */
public record GateView(
    String gate, String phase, String text, String openedAt, String expiresAt, String plan) {

  public GateView(String gate, String phase, String text, String openedAt, String expiresAt) {
    this(gate, phase, text, openedAt, expiresAt, null);
  }
}
