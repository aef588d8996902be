package dev.underway.worker;

import dev.underway.runbooks.Runbook;
import io.temporal.api.common.v1.WorkflowExecution;
import io.temporal.api.enums.v1.EventType;
import io.temporal.api.history.v1.HistoryEvent;
import com.google.protobuf.ByteString;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.temporal.api.workflowservice.v1.GetWorkflowExecutionHistoryRequest;
import io.temporal.api.workflowservice.v1.GetWorkflowExecutionHistoryResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

/**
 * Whether a worker serves a run just started: no worker polls its task queue, or one took its
 * first workflow task and failed it because it has no such workflow type (its activities do not
 * serve the runbook), or one completed it. Read from the server (task-queue pollers, the run's
 * history), briefly, so that {@code underway start} says so at once instead of leaving a run
 * no worker will ever pick up.
 */
final class FirstWorkflowTask {
  private FirstWorkflowTask() {}

  /** How the Java SDK fails a workflow task of a type it has no implementation of. */
  static final String UNKNOWN_TYPE = "Unknown workflow type";

  /** What the server shows of the run's first workflow task. */
  enum Kind {
    /** A worker completed it (or the run has already ended). */
    TAKEN,
    /** A worker polling the queue failed it: the workflow type is not registered there. */
    UNKNOWN_TYPE,
    /** No worker polls the task queue. */
    NO_WORKER,
    /** Nothing decisive within the time given (a busy worker, say). */
    NOT_YET
  }

  /**
   * @param kind what happened
   * @param detail the worker's failure message when {@link Kind#UNKNOWN_TYPE}
   */
  record Outcome(Kind kind, String detail) {}

  /**
   * Watches the run's first workflow task for at most {@code within}: the run's history read as
   * the server appends to it (a long poll, {@code waitNewEvent}), so the answer comes as soon as
   * a worker takes or fails the task, without polling.
   */
  static Outcome watch(TemporalConnection c, WorkflowExecution run, String taskQueue,
      Duration within) {
    if (RunOnServer.pollers(c, taskQueue) == RunOnServer.Pollers.NONE) {
      return new Outcome(Kind.NO_WORKER, null);
    }
    long deadline = System.nanoTime() + within.toNanos();
    List<HistoryEvent> seen = new ArrayList<>();
    ByteString page = ByteString.EMPTY;
    while (true) {
      long left = deadline - System.nanoTime();
      if (left <= 0) {
        return new Outcome(Kind.NOT_YET, null);
      }
      GetWorkflowExecutionHistoryResponse r;
      try {
        r = c.client().getWorkflowServiceStubs().blockingStub()
            .withDeadlineAfter(left, TimeUnit.NANOSECONDS)
            .getWorkflowExecutionHistory(GetWorkflowExecutionHistoryRequest.newBuilder()
                .setNamespace(c.namespace()).setExecution(run).setWaitNewEvent(true)
                .setNextPageToken(page).build());
      } catch (StatusRuntimeException e) {
        if (e.getStatus().getCode() == Status.Code.DEADLINE_EXCEEDED) {
          return new Outcome(Kind.NOT_YET, null);
        }
        throw e;
      }
      seen.addAll(r.getHistory().getEventsList());
      Outcome decided = read(seen);
      if (decided != null) {
        return decided;
      }
      page = r.getNextPageToken();
      if (page.isEmpty()) {
        return new Outcome(Kind.TAKEN, null); // the run closed
      }
    }
  }

  /** The decisive event in a history, or null while there is none. */
  static Outcome read(List<HistoryEvent> events) {
    for (HistoryEvent e : events) {
      if (e.getEventType() == EventType.EVENT_TYPE_WORKFLOW_TASK_COMPLETED || closes(e)) {
        return new Outcome(Kind.TAKEN, null);
      }
      if (e.getEventType() == EventType.EVENT_TYPE_WORKFLOW_TASK_FAILED) {
        String message = e.getWorkflowTaskFailedEventAttributes().getFailure().getMessage();
        if (message.contains(UNKNOWN_TYPE)) {
          return new Outcome(Kind.UNKNOWN_TYPE, message);
        }
      }
    }
    return null;
  }

  private static boolean closes(HistoryEvent e) {
    return switch (e.getEventType()) {
      case EVENT_TYPE_WORKFLOW_EXECUTION_COMPLETED, EVENT_TYPE_WORKFLOW_EXECUTION_FAILED,
          EVENT_TYPE_WORKFLOW_EXECUTION_CANCELED, EVENT_TYPE_WORKFLOW_EXECUTION_TERMINATED,
          EVENT_TYPE_WORKFLOW_EXECUTION_TIMED_OUT,
          EVENT_TYPE_WORKFLOW_EXECUTION_CONTINUED_AS_NEW -> true;
      default -> false;
    };
  }

  /**
   * Why no worker serves a run of {@code runbook} on {@code taskQueue}, in a sentence, or null
   * when the outcome does not show that.
   */
  static String unserved(Outcome o, Runbook<?> runbook, String taskQueue) {
    return switch (o.kind()) {
      case NO_WORKER -> "no worker is polling task queue '" + taskQueue + "'";
      case UNKNOWN_TYPE -> "no worker on task queue '" + taskQueue + "' serves runbook "
          + runbook.name() + ": the worker that took the run's first task failed it ("
          + o.detail() + "), as its activities do not implement " + needs(runbook)
          + " (its log said so when it started)";
      case TAKEN, NOT_YET -> null;
    };
  }

  /** What to do about it: which worker to start, and the command that starts one. */
  static String remedy(Runbook<?> runbook, String taskQueue, String workerCommand) {
    return "a worker on task queue '" + taskQueue + "' whose activities serve runbook "
        + runbook.name() + " (they implement " + needs(runbook) + "; see `underway runbooks`): "
        + workerCommand;
  }

  /** The activity interfaces a worker's activities must implement to serve the runbook. */
  static String needs(Runbook<?> runbook) {
    return runbook.activityInterfaces().stream().map(Class::getSimpleName)
        .collect(Collectors.joining(", "));
  }
}
