package dev.underway.sandbox;

import dev.underway.kernel.RunState;

/**
 * How the sandbox's run ended, whichever its runbook.
 *
 * @param state the run's final state
 * @param message what the run said at its end
 * @param result the runbook's own result (e.g. an {@code EvolutionResult}); null when the run
 *     failed without one
 */
public record RunEnd(RunState state, String message, Object result) {}
