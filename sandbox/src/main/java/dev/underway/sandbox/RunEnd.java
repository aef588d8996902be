package dev.underway.sandbox;

import dev.underway.kernel.Outcome;
import dev.underway.kernel.RunState;
import io.temporal.client.WorkflowStub;

/**
 * How the sandbox's run ended, whichever its runbook.
 *
 * @param state the run's final state
 * @param message what the run said at its end
 * @param result the runbook's own result (e.g. an {@code EvolutionResult}); null when the run
 *     failed without one
 */
public record RunEnd(RunState state, String message, Object result) {

  /**
   * How a run that has no result ended, in the outcome vocabulary the UI and the run's page use:
   * what Temporal says of it (a Temporal cancellation is {@link RunState#CANCELED}, never
   * FAILED), else the state it last reported, else {@link RunState#FAILED}.
   */
  public static RunState endedAs(WorkflowStub run, RunState last) {
    Outcome o;
    try {
      o = Outcome.of(run.describe().getStatus(), last);
    } catch (RuntimeException e) {
      o = null;
    }
    return o != null && o.state() != null ? o.state() : RunState.FAILED;
  }
}
