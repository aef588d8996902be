package dev.underway.worker;

import com.fasterxml.jackson.databind.JsonNode;
import dev.underway.kernel.DecideCommands;
import dev.underway.kernel.RunState;
import dev.underway.kernel.RunStatus;
import dev.underway.runbooks.Runbook;
import io.temporal.api.common.v1.WorkflowExecution;
import io.temporal.client.WorkflowClient;
import io.temporal.client.WorkflowExecutionAlreadyStarted;
import io.temporal.client.WorkflowFailedException;
import io.temporal.client.WorkflowOptions;
import io.temporal.client.WorkflowStub;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

@Command(name = "start", sortOptions = false, mixinStandardHelpOptions = true,
    description = {"Start a run of a runbook (--runbook, or the one the request's fields say: see"
        + " `underway runbooks`). One run per target: its workflow id is derived from the"
        + " target.",
        "The request is checked first; every problem is printed and nothing is started. Then"
            + " start watches the run's first task and exits 1 when no worker serves it."})
class StartCommand extends ConnectedCommand {

  @Mixin RequestInput input;

  @Option(names = "--wait",
      description = "Wait until the first gate opens or the run ends, and print it.")
  boolean waitForGate;

  @Option(names = "--no-wait",
      description = "Return once the run is started and a worker took it, without waiting for"
          + " it to pass its first observation.")
  boolean noWait;

  @Option(names = "--wait-timeout", paramLabel = "DURATION", defaultValue = "PT10M",
      description = "How long start waits for the run to pass its first observation, and"
          + " --wait for the first gate (ISO-8601). Default: ${DEFAULT-VALUE}.")
  Duration waitTimeout;

  @Option(names = "--check-worker", paramLabel = "DURATION", defaultValue = "PT15S",
      description = "After starting, how long to watch for a worker to take the run's first"
          + " task (ISO-8601; PT0S: do not watch). When no worker polls the task queue, or the"
          + " one that does has no activities for the runbook, start says so and exits 1 (the"
          + " run stays, waiting for a worker that serves it). Default: ${DEFAULT-VALUE}.")
  Duration checkWorker;

  @Override
  public Integer call() throws Exception {
    return start(input.read(underway.stdin(), underway.currentUser()));
  }

  private <R> int start(RequestInput.Read<R> read) throws Exception {
    Runbook<R> runbook = read.runbook();
    R request = read.request();
    String workflowId = runbook.workflowId(request);
    String target = runbook.targetKey(request);
    try (TemporalConnection c = connect()) {
      WorkflowClient client = c.client();
      WorkflowStub wf = client.newUntypedWorkflowStub(runbook.workflowType(),
          WorkflowOptions.newBuilder()
              .setWorkflowId(workflowId)
              .setTaskQueue(connection.taskQueue())
              // what the run's page in the UI says it is, before any query
              .setStaticSummary(runbook.name() + " · " + target)
              .setStaticDetails("Started with `underway start` as runbook **" + runbook.name()
                  + "** for **" + target + "**. The run's page shows where it is and, while a"
                  + " gate is open, the gate card (Current Details).")
              .build());
      WorkflowExecution execution;
      try {
        execution = wf.start(request);
      } catch (WorkflowExecutionAlreadyStarted e) {
        String runId = e.getExecution() == null ? "?" : e.getExecution().getRunId();
        throw CommandFailure.failed("a run for " + target
            + " is already running: " + workflowId + " (run " + runId + ") - see `"
            + underwayCommand("status " + workflowId) + "`");
      }
      boolean dryRun = runbook.isDryRun(request);
      String requester = runbook.requestedBy(request).orElse(null);
      out().println("Started " + runbook.workflowType() + " for " + target
          + (dryRun ? " (dry run: changes nothing)" : "")
          + (requester == null ? "" : " requested by " + requester));
      out().println("  workflow id: " + execution.getWorkflowId());
      out().println("  run id:      " + execution.getRunId());
      out().println("  task queue:  " + connection.taskQueue());
      out().println("Next: " + underwayCommand("status " + execution.getWorkflowId()));
      out().flush();
      requireServed(c, runbook, execution);
      if (noWait) {
        return ExitCodes.OK;
      }
      Integer ended = new FirstObservation(c, out(), connection.taskQueue(), waitTimeout,
          underwayCommand("status " + execution.getWorkflowId())).await(execution);
      if (ended != null || !waitForGate) {
        return ended == null ? ExitCodes.OK : ended;
      }
      return waitForGateOrEnd(client, execution);
    }
  }

  /**
   * Fails (exit 1) when the server shows that no worker serves the run just started; the run
   * stays: a worker that serves it picks it up.
   */
  private void requireServed(TemporalConnection c, Runbook<?> runbook,
      WorkflowExecution execution) throws InterruptedException {
    if (checkWorker.isZero() || checkWorker.isNegative()) {
      return;
    }
    FirstWorkflowTask.Outcome o;
    try {
      o = FirstWorkflowTask.watch(c, execution, connection.taskQueue(), checkWorker);
    } catch (RuntimeException e) {
      out().println("Note: could not check whether a worker serves the run ("
          + Runs.failureMessage(e) + "): see `"
          + underwayCommand("status " + execution.getWorkflowId()) + "`");
      out().flush();
      return;
    }
    String unserved = FirstWorkflowTask.unserved(o, runbook, connection.taskQueue());
    if (unserved != null) {
      String queue = connection.taskQueue();
      throw CommandFailure.failed("the run was started, but " + unserved + ".\n  It waits for "
          + FirstWorkflowTask.remedy(runbook, queue,
              underwayCommand("worker --task-queue " + queue))
          + "\n  or end it: " + connection.temporalCommand("workflow terminate --workflow-id "
              + execution.getWorkflowId() + " --reason 'no worker serves it'"));
    }
    if (o.kind() == FirstWorkflowTask.Kind.NOT_YET) {
      out().println("Note: no worker has taken the run's first task within " + checkWorker
          + " (task queue " + connection.taskQueue() + " is polled; a busy worker takes it"
          + " later): see `" + underwayCommand("status " + execution.getWorkflowId()) + "`");
      out().flush();
    }
  }

  private int waitForGateOrEnd(WorkflowClient client, WorkflowExecution execution)
      throws InterruptedException {
    WorkflowStub stub = client.newUntypedWorkflowStub(execution.getWorkflowId(),
        Optional.of(execution.getRunId()), Optional.empty());
    CompletableFuture<JsonNode> result = stub.getResultAsync(JsonNode.class);
    long deadline = System.nanoTime() + waitTimeout.toNanos();
    out().println("Waiting for the first gate or the end of the run...");
    out().flush();
    while (System.nanoTime() < deadline) {
      try {
        JsonNode r = result.get(500, TimeUnit.MILLISECONDS);
        out().print(Views.result(r));
        out().flush();
        String state = r.path("state").asText("");
        return state.equals(RunState.COMPLETED.name())
            || state.equals(RunState.DRY_RUN_COMPLETED.name()) || r.has("drifted")
            ? ExitCodes.OK : ExitCodes.FAILED;
      } catch (TimeoutException e) {
        // not ended: is a gate open?
      } catch (ExecutionException e) {
        Throwable cause = e.getCause();
        if (cause instanceof WorkflowFailedException failed) {
          JsonNode ended;
          try {
            ended = Outcomes.carried(failed, JsonNode.class);
          } catch (WorkflowFailedException notAnEnding) {
            throw CommandFailure.failed("the run failed: " + Runs.failureMessage(failed), e);
          }
          out().print(Views.result(ended));
          out().flush();
          return ExitCodes.FAILED;
        }
        throw CommandFailure.failed("the run failed: " + Runs.failureMessage(e), e);
      }
      RunStatus s = Runs.status(stub, execution.getWorkflowId(),
          connection.namespace());
      if (s.openGate() != null) {
        out().println("Gate " + s.openGate().gate() + " is open:");
        out().print(s.openGate().text());
        out().println("Decide: " + underwayCommand("approve " + execution.getWorkflowId()
            + " --gate " + s.openGate().gate() + " --by " + DecideCommands.NAME_PLACEHOLDER
            + " --comment '" + DecideCommands.COMMENT_PLACEHOLDER + "'"));
        out().flush();
        return ExitCodes.OK;
      }
    }
    throw CommandFailure.failed("no gate opened and the run did not end within " + waitTimeout
        + ": is a worker polling task queue '" + connection.taskQueue() + "'? The run goes on;"
        + " see `" + underwayCommand("status " + execution.getWorkflowId()) + "`");
  }
}
