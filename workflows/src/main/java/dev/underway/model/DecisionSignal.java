package dev.underway.model;

import com.fasterxml.jackson.annotation.JsonInclude;

/**
 * Payload of the {@code approve}, {@code reject} and {@code abort} signals, as typed into the UI's
 * signal dialog: {@code {"gate": "phase-1", "by": "alice", "comment": "dashboards green"}}.
 *
 * @param gate the gate this decision is for; absent means the gate open now. Naming it protects
 *     against approving a gate you have not read.
 * @param by who decides
 * @param comment why
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record DecisionSignal(String gate, String by, String comment) {}
