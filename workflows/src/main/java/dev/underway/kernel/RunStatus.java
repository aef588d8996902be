package dev.underway.kernel;

import java.util.List;

/**
 * The answer of every runbook's {@code status} query, so that the CLI and the UI treat every
 * runbook alike.
 *
 * @param runbook the runbook, e.g. {@code cluster-evolution}
 * @param state where the run is
 * @param target the target's key (e.g. {@code namespace/statefulSet})
 * @param requestedBy who asked for the run
 * @param dryRun whether this run changes nothing
 * @param currentPhase the stage being worked on (a phase, a table, a tenant), or null
 * @param currentStep the step being worked on, or null
 * @param openGate the gate waiting for a decision, or null
 * @param plans the runbook's plans computed so far (a cluster evolution's phase plans)
 * @param decisions every decision received, accepted or not, in order
 * @param timeline every step, in order
 * @param message a sentence about the state: why it holds, where a rejected run stopped
 * @param result the runbook's result once there is one (a drift check's report), else null
 */
public record RunStatus(
    String runbook,
    RunState state,
    String target,
    String requestedBy,
    boolean dryRun,
    String currentPhase,
    String currentStep,
    GateView openGate,
    List<?> plans,
    List<Decision> decisions,
    List<TimelineEntry> timeline,
    String message,
    Object result) {

  public RunStatus {
    plans = plans == null ? List.of() : List.copyOf(plans);
    decisions = decisions == null ? List.of() : List.copyOf(decisions);
    timeline = timeline == null ? List.of() : List.copyOf(timeline);
  }
}
