package dev.underway.kernel;

import com.fasterxml.jackson.annotation.JsonInclude;

/**
 * Argument of the {@code decide} update: like {@link DecisionSignal} plus the decision, and
 * validated before it is accepted, so the caller hears at once when it is refused.
 *
 * @param gate the gate this decision is for (required)
 * @param decision {@code approve}, {@code reject} or {@code abort}
 * @param by who decides (required)
 * @param comment why
 * @param plan the digest of the plan decided (see {@link DecisionSignal#plan()})
 * @param issuedAt when the decision was made (see {@link DecisionSignal#issuedAt()})
 * @param confirm at a destructive gate, the name of what it drops, typed exactly (see {@link
 *     DecisionSignal#confirm()})
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record DecisionRequest(String gate, String decision, String by, String comment,
    String plan, String issuedAt, String confirm) {

  public DecisionRequest(String gate, String decision, String by, String comment) {
    this(gate, decision, by, comment, null, null, null);
  }

  public DecisionRequest(String gate, String decision, String by, String comment, String plan,
      String issuedAt) {
    this(gate, decision, by, comment, plan, issuedAt, null);
  }

  /** The same decision as a signal's payload. */
  public DecisionSignal asSignal() {
    return new DecisionSignal(gate, by, comment, plan, issuedAt, confirm);
  }
}
