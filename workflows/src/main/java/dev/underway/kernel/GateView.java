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
 * @param confirm for a destructive gate, what an approval must carry in its {@code confirm}
 *     field, typed exactly: the name of what the gate drops. Null for every other gate
 */
public record GateView(String gate, String phase, String text, String openedAt,
    String expiresAt, String plan, String confirm) {

  public GateView(String gate, String phase, String text, String openedAt, String expiresAt) {
    this(gate, phase, text, openedAt, expiresAt, null, null);
  }

  public GateView(String gate, String phase, String text, String openedAt, String expiresAt,
      String plan) {
    this(gate, phase, text, openedAt, expiresAt, plan, null);
  }
}
