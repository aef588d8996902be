package dev.underway.worker;

import dev.underway.kernel.FailureKind;
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

  /** The result an ending failure carries; rethrows any other failure. */
  static <T> T carried(WorkflowFailedException e, Class<T> type) {
    if (e.getCause() instanceof ApplicationFailure af && FailureKind.of(af.getType()).ending()
        && af.getDetails().getSize() > 0) {
      return af.getDetails().get(type);
    }
    throw e;
  }
}
