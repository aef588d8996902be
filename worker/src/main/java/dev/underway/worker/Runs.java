package dev.underway.worker;

import dev.underway.kernel.Outcome;
import dev.underway.kernel.RunStatus;
import dev.underway.workflows.evolution.ClusterEvolutionWorkflow;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.temporal.api.enums.v1.WorkflowExecutionStatus;
import io.temporal.client.WorkflowException;
import io.temporal.client.WorkflowNotFoundException;
import io.temporal.client.WorkflowStub;
import io.temporal.failure.ApplicationFailure;
import io.temporal.failure.CanceledFailure;
import io.temporal.failure.TerminatedFailure;
import io.temporal.failure.TimeoutFailure;
import io.temporal.failure.TemporalFailure;

/** Small helpers shared by the client commands: look a run up, explain how it ended. */
final class Runs {
  private Runs() {}

  /** Queries {@code status}; an unknown id becomes a clear exit-1 message. */
  static RunStatus status(WorkflowStub stub, String workflowId, String namespace) {
    try {
      return stub.query(ClusterEvolutionWorkflow.QUERY_STATUS, RunStatus.class);
    } catch (WorkflowNotFoundException e) {
      throw notFound(workflowId, namespace, e);
    } catch (WorkflowException e) {
      if (isNotFound(e)) {
        throw notFound(workflowId, namespace, e);
      }
      throw CommandFailure.failed("cannot read the status of " + workflowId + ": "
          + failureMessage(e), e);
    }
  }

  /**
   * Whether the server refused a query because no worker polls the run's task queue (it says
   * FAILED_PRECONDITION "no poller seen for task queue recently" instead of waiting).
   */
  static boolean isNoPoller(Throwable e) {
    StatusRuntimeException grpc = Underway.grpcCause(e);
    return grpc != null && grpc.getStatus().getCode() == Status.Code.FAILED_PRECONDITION
        && String.valueOf(grpc.getStatus().getDescription()).contains("poller");
  }

  static CommandFailure notFound(String workflowId, String namespace, Throwable cause) {
    return CommandFailure.failed("no run with workflow id '" + workflowId + "' in namespace '"
        + namespace + "' (list runs in the Temporal UI, or: temporal workflow list --query"
        + " 'WorkflowType=\"" + ClusterEvolutionWorkflow.TYPE + "\"')", cause);
  }

  static boolean isNotFound(Throwable e) {
    if (e instanceof WorkflowNotFoundException) {
      return true;
    }
    StatusRuntimeException grpc = Underway.grpcCause(e);
    return grpc != null && grpc.getStatus().getCode() == Status.Code.NOT_FOUND;
  }

  /**
   * How a run that is no longer open ended: the Temporal status and, when the status query still
   * answers (a worker is running), Underway's own state and message.
   */
  static String howItEnded(WorkflowStub stub) {
    WorkflowExecutionStatus status;
    try {
      status = stub.describe().getStatus();
    } catch (RuntimeException e) {
      status = null;
    }
    RunStatus st;
    try {
      st = stub.query(ClusterEvolutionWorkflow.QUERY_STATUS, RunStatus.class);
    } catch (RuntimeException e) {
      st = null; // the query needs a worker to replay the run; the Temporal status is enough
    }
    Outcome outcome = status == null ? null : Outcome.of(status, st == null ? null : st.state());
    String said = outcome != null ? outcome.state() != null ? outcome.state().name()
        : outcome.word().toUpperCase(java.util.Locale.ROOT).replace(' ', '_')
        : status != null ? status.name().replace("WORKFLOW_EXECUTION_STATUS_", "")
        : "state unknown";
    return said + (st != null && st.message() != null && outcome != null
        && outcome.state() != null ? ": " + st.message() : "");
  }

  /** The innermost operator-readable message of a Temporal failure. */
  static String failureMessage(Throwable e) {
    String last = null;
    for (Throwable t = e; t != null; t = t.getCause() == t ? null : t.getCause()) {
      if (t instanceof ApplicationFailure af) {
        return af.getOriginalMessage();
      }
      if (t instanceof TimeoutFailure tf) {
        return "the run timed out (" + tf.getTimeoutType().name().replace("TIMEOUT_TYPE_", "")
            .toLowerCase(java.util.Locale.ROOT) + ")";
      }
      if (t instanceof TerminatedFailure tf) {
        return "the run was terminated" + (blank(tf.getOriginalMessage()) ? ""
            : ": " + tf.getOriginalMessage());
      }
      if (t instanceof CanceledFailure) {
        return "the run was cancelled";
      }
      String m = t instanceof TemporalFailure tf ? tf.getOriginalMessage() : t.getMessage();
      if (!blank(m)) {
        last = m;
      }
    }
    return last == null ? e.getClass().getSimpleName() : last;
  }

  private static boolean blank(String s) {
    return s == null || s.isBlank();
  }
}
