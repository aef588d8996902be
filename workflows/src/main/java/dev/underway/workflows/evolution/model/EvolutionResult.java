package dev.underway.workflows.evolution.model;

import dev.underway.kernel.Decision;
import dev.underway.kernel.RunState;
import java.util.List;

/**
 * The result of a {@code ClusterEvolution} run that ended without failing.
 *
 * @param state COMPLETED, DRY_RUN_COMPLETED, REJECTED, ABORTED or EXPIRED
 * @param stoppedAt {@code phase/step} where a run that did not complete stopped, else null
 * @param message a sentence for the operator
 * @param phasesDone phases verified (or found already there) by this run
 * @param plans every phase's plan
 * @param decisions every decision received
 */
public record EvolutionResult(
    RunState state,
    String stoppedAt,
    String message,
    List<String> phasesDone,
    List<PhasePlan> plans,
    List<Decision> decisions) {}
