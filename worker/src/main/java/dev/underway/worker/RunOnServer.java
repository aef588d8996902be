package dev.underway.worker;

import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.temporal.api.enums.v1.TaskQueueType;
import io.temporal.api.enums.v1.WorkflowExecutionStatus;
import io.temporal.api.taskqueue.v1.PollerInfo;
import io.temporal.api.taskqueue.v1.TaskQueue;
import io.temporal.api.workflowservice.v1.DescribeTaskQueueRequest;
import io.temporal.client.WorkflowExecutionDescription;
import io.temporal.client.WorkflowStub;
import java.time.Duration;
import java.time.Instant;
import java.util.List;

/**
 * What the Temporal server itself knows of a run, without a worker: whether it is open, its
 * task queue, and whether any worker polls that queue. The client commands ask this first, so
 * that they never wait silently for a worker that is not there (a query or an update needs
 * one; the server alone only stores them).
 *
 * @param description the server's description of the run
 * @param taskQueue the run's task queue
 * @param pollers whether a worker polls it
 */
record RunOnServer(WorkflowExecutionDescription description, String taskQueue, Pollers pollers) {

  /** Whether workers poll a task queue, as far as the server can say. */
  enum Pollers {
    PRESENT,
    NONE,
    /** The server cannot say (the in-process test server does not implement the call). */
    UNKNOWN
  }

  /** Describes the run (a missing one fails as {@link Runs#notFound}) and asks about pollers. */
  static RunOnServer of(TemporalConnection c, WorkflowStub stub, String workflowId) {
    WorkflowExecutionDescription d;
    try {
      d = stub.describe();
    } catch (RuntimeException e) {
      if (Runs.isNotFound(e)) {
        throw Runs.notFound(workflowId, c.namespace(), e);
      }
      throw e;
    }
    String queue = d.getTaskQueue();
    return new RunOnServer(d, queue, pollers(c, queue));
  }

  /**
   * A worker long-polls and polls again at once, so the server sees each live poller at least
   * once a minute; it keeps listing a dead one for minutes. A poller not seen for longer than
   * this is taken as gone (the comparison uses this machine's clock: keep it right).
   */
  static final Duration LIVE_POLLER = Duration.ofSeconds(90);

  static Pollers pollers(TemporalConnection c, String queue) {
    try {
      List<PollerInfo> pollers = c.client().getWorkflowServiceStubs().blockingStub()
          .describeTaskQueue(DescribeTaskQueueRequest.newBuilder().setNamespace(c.namespace())
              .setTaskQueue(TaskQueue.newBuilder().setName(queue).build())
              .setTaskQueueType(TaskQueueType.TASK_QUEUE_TYPE_WORKFLOW).build())
          .getPollersList();
      Instant since = Instant.now().minus(LIVE_POLLER);
      boolean live = pollers.stream().anyMatch(p -> !p.hasLastAccessTime()
          || Instant.ofEpochSecond(p.getLastAccessTime().getSeconds(),
              p.getLastAccessTime().getNanos()).isAfter(since));
      return live ? Pollers.PRESENT : Pollers.NONE;
    } catch (StatusRuntimeException e) {
      if (e.getStatus().getCode() == Status.Code.UNIMPLEMENTED) {
        return Pollers.UNKNOWN;
      }
      throw e;
    }
  }

  boolean open() {
    return description.getStatus() == WorkflowExecutionStatus.WORKFLOW_EXECUTION_STATUS_RUNNING;
  }

  /** The same run, now known to have no worker (a query said so). */
  RunOnServer withoutPollers() {
    return new RunOnServer(description, taskQueue, Pollers.NONE);
  }

  boolean unpolled() {
    return pollers == Pollers.NONE;
  }

  /** The sentence the commands print when no worker polls the run's task queue. */
  String noWorker() {
    return "no worker is polling task queue " + taskQueue + " (start one: underway worker"
        + " --task-queue " + taskQueue + " ...)";
  }
}
