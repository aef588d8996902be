package dev.underway.kernel;

import com.fasterxml.jackson.annotation.JsonInclude;

/**
 * Payload of the {@code approve}, {@code reject} and {@code abort} signals, as typed into the UI's
 * signal dialog: {@code {"gate": "phase-1", "by": "alice", "comment": "dashboards green"}}.
 *
 * @param gate the gate this decision is for; absent means the gate open now. Naming it protects
 *     against approving a gate you have not read.
 * @param by who decides
 * @param comment why
 * @param plan the digest of the plan the decision is for (the gate shows it); when given, a
 *     decision for a plan that has changed since is refused
 * @param issuedAt when the decision was made (ISO-8601 instant, e.g. {@code
 *     2026-11-29T10:15:30Z}); when given, a decision that reaches the run after the policy's
 *     {@code decisionValidity}, or that was made before its gate opened, is refused. The
 *     {@code underway} commands always set it
 * @param confirm at a destructive gate, the name of what it drops, typed exactly: an approval
 *     without it is refused (see {@link GateView#confirm()}); ignored elsewhere
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record DecisionSignal(
    String gate, String by, String comment, String plan, String issuedAt, String confirm) {

  public DecisionSignal(String gate, String by, String comment) {
    this(gate, by, comment, null, null, null);
  }

  public DecisionSignal(String gate, String by, String comment, String plan, String issuedAt) {
    this(gate, by, comment, plan, issuedAt, null);
  }
}
