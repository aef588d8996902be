package dev.underway.workflows.schema;

import dev.underway.kernel.FailureKind;

/** Why the planner will not change a table: a refusal kind and a sentence. */
public record Refusal(FailureKind kind, String why) {}
