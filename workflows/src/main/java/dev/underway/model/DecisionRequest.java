package dev.underway.model;

import com.fasterxml.jackson.annotation.JsonInclude;

/**
 * Argument of the {@code decide} update: like {@link DecisionSignal} plus the decision, and
 * validated before it is accepted, so the caller hears at once when it is refused.
 *
 * @param gate the gate this decision is for (required)
 * @param decision {@code approve}, {@code reject} or {@code abort}
 * @param by who decides (required)
 * @param comment why
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record DecisionRequest(String gate, String decision, String by, String comment) {}
