package dev.underway.worker;

import com.fasterxml.jackson.databind.JsonNode;
import dev.underway.kernel.FailureKind;
import io.temporal.api.enums.v1.WorkflowExecutionStatus;
import io.temporal.client.WorkflowExecutionDescription;
import io.temporal.client.WorkflowFailedException;
import io.temporal.client.WorkflowStub;
import io.temporal.failure.ApplicationFailure;
import io.temporal.failure.CanceledFailure;
import java.util.concurrent.TimeUnit;

/**
 * How a run that Temporal has closed ended, as the server says (never the run's own last state:
 * a run terminated from outside never said so itself, and its status query, replayed, answers
 * what it was doing when it was stopped).
 *
 * @param status the server's closed status: {@code COMPLETED}, {@code FAILED}, {@code
 *     TERMINATED}, {@code CANCELED}, {@code TIMED_OUT}, {@code CONTINUED_AS_NEW}
 * @param cause the failure's operator sentence (the innermost message of its cause chain), or
 *     null when it completed or the server did not say
 * @param failed whether it failed: a step failed for good, it was refused, terminated or timed
 *     out (a rejected, aborted or expired run, or a cancelled one, ended as asked: not failed)
 */
record ClosedRun(String status, String cause, boolean failed) {

  /** The run's closing as the server describes it; null while it is open. */
  static ClosedRun of(WorkflowExecutionDescription d, WorkflowStub stub) {
    WorkflowExecutionStatus s = d.getStatus();
    if (s == WorkflowExecutionStatus.WORKFLOW_EXECUTION_STATUS_RUNNING
        || s == WorkflowExecutionStatus.WORKFLOW_EXECUTION_STATUS_UNSPECIFIED) {
      return null;
    }
    String status = s.name().replace("WORKFLOW_EXECUTION_STATUS_", "");
    try {
      stub.getResult(5, TimeUnit.SECONDS, JsonNode.class);
      return new ClosedRun(status, null, false);
    } catch (WorkflowFailedException e) {
      return new ClosedRun(status, Runs.failureMessage(e), !endedAsAsked(e));
    } catch (Exception e) {
      return new ClosedRun(status, null, s != WorkflowExecutionStatus
          .WORKFLOW_EXECUTION_STATUS_COMPLETED && s != WorkflowExecutionStatus
          .WORKFLOW_EXECUTION_STATUS_CANCELED);
    }
  }

  /** Rejected, aborted, expired (the run's own endings) or cancelled: not a failure. */
  private static boolean endedAsAsked(WorkflowFailedException e) {
    Throwable cause = e.getCause();
    return cause instanceof CanceledFailure
        || (cause instanceof ApplicationFailure af && FailureKind.of(af.getType()).ending());
  }

  /** The line status prints for it. */
  String line() {
    return status + (cause == null ? "" : ": " + cause);
  }
}
