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
    String issuedAt) {

  public Decision(String gate, DecisionKind kind, String by, String at, String comment,
      boolean accepted, String note, String via) {
    this(gate, kind, by, at, comment, accepted, note, via, null, null);
  }
}
