package dev.underway.model;

/**
 * A recorded human decision, kept in the status for audit.
 *
 * @param gate the gate decided, e.g. {@code phase-1}
 * @param kind approve, reject or abort
 * @param by who decided
 * @param at when the workflow received it (ISO-8601, workflow time)
 * @param comment why
 * @param accepted false when the decision was received but not acted on (a signal for a gate that
 *     was not open, or from someone the policy does not allow); {@code note} says why
 * @param note why a decision was not acted on; null when accepted
 * @param via {@code signal} or {@code update}
 */
public record Decision(
    String gate,
    DecisionKind kind,
    String by,
    String at,
    String comment,
    boolean accepted,
    String note,
    String via) {}
