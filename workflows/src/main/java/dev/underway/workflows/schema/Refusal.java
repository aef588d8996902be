package dev.underway.workflows.schema;

import dev.underway.kernel.FailureType;

/** Why the planner will not change a table: a refusal kind and a sentence. */
public record Refusal(FailureType kind, String why) {}
