package dev.underway.kernel;

import io.temporal.api.enums.v1.WorkflowExecutionStatus;
import java.util.List;

/**
 * How a run ended, in the one vocabulary every surface uses: the terminal ({@code underway
 * status}, {@code start}, the sandbox's "Run ended" line), the run's page, the search attribute
 * {@code UnderwayState} and the README's saved views. Each outcome says the Temporal execution
 * status the run ends in (what the Web UI's badge and {@code ExecutionStatus} show) and the
 * {@code UnderwayState} it leaves; {@link #view()} is the list filter that finds exactly the runs
 * that ended so (the README gives these, a test runs them on a real server). A terminated or
 * timed-out run runs no code of ours: Temporal's status alone says so, and its {@code
 * UnderwayState} stays what it was when it was stopped.
 */
public enum Outcome {
  COMPLETED("Completed", "reached its goal", "Completed", RunState.COMPLETED),
  DRY_RUN_COMPLETED("Dry run completed", "nothing was changed", "Completed",
      RunState.DRY_RUN_COMPLETED),
  REJECTED("Rejected", "a gate was rejected", "Failed", RunState.REJECTED),
  ABORTED("Aborted", "an operator aborted it", "Failed", RunState.ABORTED),
  EXPIRED("Expired", "a gate expired without a decision", "Failed",
      RunState.EXPIRED),
  CANCELED("Canceled", "cancelled through Temporal, taken as an abort", "Canceled",
      RunState.CANCELED),
  REFUSED("Refused", "refused before any change", "Failed", RunState.REFUSED),
  FAILED("Failed", "a step failed for good", "Failed", RunState.FAILED),
  TERMINATED("Terminated", "stopped by temporal workflow terminate: no undo ran",
      "Terminated", null),
  TIMED_OUT("Timed out", "its execution timeout passed: no undo ran", "TimedOut", null);

  private final String word;
  private final String meaning;
  private final String executionStatus;
  private final RunState state;

  Outcome(String word, String meaning, String executionStatus, RunState state) {
    this.word = word;
    this.meaning = meaning;
    this.executionStatus = executionStatus;
    this.state = state;
  }

  /** The word every surface says, e.g. {@code Canceled}. */
  public String word() {
    return word;
  }

  /** What it means for the target, in a few words. */
  public String meaning() {
    return meaning;
  }

  /** The Temporal execution status the run ends in, as list filters spell it. */
  public String executionStatus() {
    return executionStatus;
  }

  /** The {@code UnderwayState} it leaves; null when Temporal ends the run without our code. */
  public RunState state() {
    return state;
  }

  /**
   * The list filter (a Temporal visibility query) that finds the runs that ended so: the
   * execution status, and where several outcomes share one, the state.
   */
  public String view() {
    boolean shared = state != null && List.of(values()).stream()
        .filter(o -> o != this && o.executionStatus.equals(executionStatus)).findAny()
        .isPresent();
    String status = "ExecutionStatus = \"" + executionStatus + "\"";
    return shared ? status + " AND " + SearchAttributes.STATE.getName() + " = \"" + state.name()
        + "\"" : status;
  }

  /** The outcome a terminal state says; null for a run that has not ended. */
  public static Outcome of(RunState end) {
    for (Outcome o : values()) {
      if (o.state != null && o.state == end) {
        return o;
      }
    }
    return null;
  }

  /**
   * How a run ended, from what Temporal says of it and the state it last reported (null when
   * unknown): Temporal's status wins where no code of ours could say it (terminated, timed out,
   * cancelled by a run recorded before {@link RunState#CANCELED}); else the state. Null while
   * the run is open.
   */
  public static Outcome of(WorkflowExecutionStatus status, RunState last) {
    Outcome stated = last == null ? null : of(last);
    return switch (status) {
      case WORKFLOW_EXECUTION_STATUS_TERMINATED -> TERMINATED;
      case WORKFLOW_EXECUTION_STATUS_TIMED_OUT -> TIMED_OUT;
      case WORKFLOW_EXECUTION_STATUS_CANCELED -> CANCELED;
      case WORKFLOW_EXECUTION_STATUS_COMPLETED -> stated != null ? stated : COMPLETED;
      case WORKFLOW_EXECUTION_STATUS_FAILED ->
          stated != null && stated.executionStatus.equals("Failed") ? stated : FAILED;
      default -> null;
    };
  }
}
