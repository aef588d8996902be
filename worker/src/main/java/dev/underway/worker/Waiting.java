package dev.underway.worker;

import io.temporal.api.workflow.v1.PendingActivityInfo;
import io.temporal.client.WorkflowStub;
import java.util.List;

/**
 * What a run that a command waits for is doing, in one sentence, from the server: no worker
 * polls its queue, or a step is being retried (attempt and last failure: the cause, while it is
 * retried), or a step runs, or it waits. So that a command that waits says why instead of asking
 * whether a worker polls.
 */
final class Waiting {
  private Waiting() {}

  /** The sentence for the run behind {@code stub}, on task queue {@code queue}. */
  static String doing(TemporalConnection c, WorkflowStub stub, String queue) {
    try {
      if (RunOnServer.pollers(c, queue) == RunOnServer.Pollers.NONE) {
        return "no worker is polling task queue '" + queue + "'";
      }
      return doing(stub.describe().getRawDescription().getPendingActivitiesList());
    } catch (RuntimeException e) {
      return "its state could not be read (" + Runs.failureMessage(e) + ")";
    }
  }

  /** The sentence for the steps in flight. */
  static String doing(List<PendingActivityInfo> pending) {
    for (PendingActivityInfo a : pending) {
      if (a.hasLastFailure()) {
        return "step " + a.getActivityType().getName() + " is being retried (attempt "
            + a.getAttempt() + "), its last failure: " + a.getLastFailure().getMessage();
      }
    }
    if (!pending.isEmpty()) {
      PendingActivityInfo a = pending.get(0);
      return "step " + a.getActivityType().getName() + " is running (attempt " + a.getAttempt()
          + ")";
    }
    return "a worker polls its task queue; no step is in flight";
  }
}
