package dev.underway.worker;

import dev.underway.kernel.FailureKind;
import dev.underway.kernel.RunState;
import io.temporal.client.WorkflowFailedException;
import io.temporal.client.WorkflowStub;
import io.temporal.failure.ApplicationFailure;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * How a run ended, read the same way for every runbook: its result, or, for a run that did not
 * complete (rejected, aborted, expired: the run ends Failed with that failure type so that the
 * UI does not show it as Completed), the result its failure carries. Any other failure is
 * thrown.
 */
public final class Outcomes {
  private Outcomes() {}

  public static <T> T of(WorkflowStub stub, Class<T> type) {
    try {
      return stub.getResult(type);
    } catch (WorkflowFailedException e) {
      return carried(e, type);
    }
  }

  public static <T> T of(WorkflowStub stub, long timeout, TimeUnit unit, Class<T> type)
      throws TimeoutException {
    try {
      return stub.getResult(timeout, unit, type);
    } catch (WorkflowFailedException e) {
      return carried(e, type);
    }
  }

  /**
   * How a run that failed ended, in the outcome vocabulary: {@code the run ended REFUSED:
   * Refused before any change: ...}, {@code the run ended CANCELED}, {@code the run ended
   * FAILED: ...}.
   */
  static String sentence(WorkflowFailedException e) {
    Throwable cause = e.getCause();
    if (cause instanceof io.temporal.failure.CanceledFailure) {
      return "the run ended " + RunState.CANCELED + " (cancelled through Temporal, taken as an"
          + " abort)";
    }
    if (cause instanceof io.temporal.failure.TerminatedFailure) {
      return "the run ended TERMINATED: " + Runs.failureMessage(e);
    }
    boolean refused = cause instanceof ApplicationFailure af
        && af.getOriginalMessage() != null
        && af.getOriginalMessage().startsWith(FailureKind.REFUSED);
    return "the run ended " + (refused ? RunState.REFUSED : RunState.FAILED) + ": "
        + Runs.failureMessage(e);
  }

  /** The result an ending failure carries; rethrows any other failure. */
  static <T> T carried(WorkflowFailedException e, Class<T> type) {
    if (e.getCause() instanceof ApplicationFailure af && FailureKind.of(af.getType()).ending()
        && af.getDetails().getSize() > 0) {
      return af.getDetails().get(type);
    }
    throw e;
  }
}
