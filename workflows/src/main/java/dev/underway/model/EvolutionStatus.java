package dev.underway.model;

import java.util.List;

/**
 * Answer of the {@code status} query.
 *
 * @param state where the run is
 * @param target the target's key ({@code namespace/statefulSet})
 * @param requestedBy who asked for the run
 * @param dryRun whether this run changes nothing
 * @param currentPhase the phase being worked on, or null
 * @param currentStep the step being worked on, or null
 * @param openGate the gate waiting for a decision, or null
 * @param plans the plan of every phase computed so far
 * @param decisions every decision received, accepted or not, in order
 * @param timeline every step, in order
 * @param message a sentence about the state, e.g. where a rejected run stopped
 */
public record EvolutionStatus(
    RunState state,
    String target,
    String requestedBy,
    boolean dryRun,
    String currentPhase,
    String currentStep,
    GateView openGate,
    List<PhasePlan> plans,
    List<Decision> decisions,
    List<TimelineEntry> timeline,
    String message) {}
