package dev.underway.kernel;

/**
 * A recorded human decision, kept in the status for audit.
 *
 * @param gate the gate decided, e.g. {@code phase-1}
 * @param kind approve, reject or abort
 * @param by who decided
 * @param at when the workflow received it (ISO-8601, workflow time)
 * @param comment why
 * @param accepted false when the decision was received but not acted on (a signal for a gate that
 *     was not open, from someone the policy does not allow, stale, or for a plan that changed);
 *     {@code note} says why
 * @param note why a decision was not acted on; null when accepted
 * @param via {@code signal} or {@code update}
 * @param plan the plan digest the decision named, or null
 * @param issuedAt when the decider says it was made, or null
 * @param sender who Temporal says sent it (the identity the sender's client declared, and an
 *     authenticated principal where the server stamps one), read from the run's history; null
 *     for decisions recorded before runs looked it up. {@code by} is what the person typed; this
 *     is what their client said. See {@link #who()}
 */
public record Decision(
    String gate,
    DecisionKind kind,
    String by,
    String at,
    String comment,
    boolean accepted,
    String note,
    String via,
    String plan,
    String issuedAt,
    Sender sender) {

  public Decision(String gate, DecisionKind kind, String by, String at, String comment,
      boolean accepted, String note, String via) {
    this(gate, kind, by, at, comment, accepted, note, via, null, null, null);
  }

  public Decision(String gate, DecisionKind kind, String by, String at, String comment,
      boolean accepted, String note, String via, String plan, String issuedAt) {
    this(gate, kind, by, at, comment, accepted, note, via, plan, issuedAt, null);
  }

  /**
   * Who decided, as the audit shows it: {@code by} and, side by side, what Temporal recorded,
   * e.g. {@code alice (Temporal identity: alice@laptop)}, {@code alice (no Temporal identity)}.
   * A {@code by} that differs from the identity is shown, not refused.
   */
  public String who() {
    return by + senderWords(sender);
  }

  /** {@code " (Temporal identity: ...)"} for {@code s}, or empty when it was not looked up. */
  static String senderWords(Sender s) {
    if (s == null) {
      return "";
    }
    if (s.problem() != null) {
      return " (Temporal identity not read: " + s.problem() + ")";
    }
    String identity = s.identity() == null || s.identity().isBlank() ? "no Temporal identity"
        : "Temporal identity: " + s.identity();
    return " (" + identity + (s.principal() == null ? "" : ", authenticated as " + s.principal())
        + ")";
  }
}
