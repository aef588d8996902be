package dev.underway.worker;

import com.fasterxml.jackson.databind.JsonNode;
import dev.underway.kernel.RunState;
import dev.underway.kernel.RunStatus;
import dev.underway.workflows.evolution.ClusterEvolutionWorkflow;
import io.temporal.api.common.v1.WorkflowExecution;
import io.temporal.client.WorkflowFailedException;
import io.temporal.client.WorkflowStub;
import java.io.PrintWriter;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * {@code start}'s wait for the run to pass its first observation: every runbook observes its
 * target and plans while its state is {@code RUNNING}, then opens its first gate ({@code
 * WAITING_FOR_APPROVAL}), holds ({@code HOLDING}) or ends; a refusal found there (a table
 * without a key, a server that does not accept TLS) ends the run Failed. So the wait is over
 * when the status query answers another state, or the run ends: a failure is printed as its
 * sentence and exits 1. While it waits, a line says what the run is doing whenever that changes
 * (a step retried: its attempt and last failure).
 */
final class FirstObservation {

  private static final long LOOK_MILLIS = 500;

  private final TemporalConnection c;
  private final PrintWriter out;
  private final String taskQueue;
  private final Duration timeout;
  private final String statusCommand;

  FirstObservation(TemporalConnection c, PrintWriter out, String taskQueue, Duration timeout,
      String statusCommand) {
    this.c = c;
    this.out = out;
    this.taskQueue = taskQueue;
    this.timeout = timeout;
    this.statusCommand = statusCommand;
  }

  /**
   * Waits; returns null once the run passed its first observation and goes on, else the exit
   * code of a run that ended (0 completed, 1 otherwise). A failed run, or a wait that timed
   * out, fails the command (exit 1) with the sentence why.
   */
  Integer await(WorkflowExecution execution) throws InterruptedException {
    WorkflowStub stub = c.client().newUntypedWorkflowStub(execution.getWorkflowId(),
        Optional.of(execution.getRunId()), Optional.empty());
    CompletableFuture<JsonNode> result = stub.getResultAsync(JsonNode.class);
    long deadline = System.nanoTime() + timeout.toNanos();
    out.println("Waiting for the run to observe its target (--no-wait: do not wait)...");
    out.flush();
    String said = null;
    while (System.nanoTime() < deadline) {
      try {
        return ended(result.get(LOOK_MILLIS, TimeUnit.MILLISECONDS));
      } catch (TimeoutException e) {
        // still open
      } catch (ExecutionException e) {
        return failed(e.getCause());
      }
      RunStatus s = status(stub);
      if (s != null && s.state() != RunState.RUNNING && !s.state().terminal()) {
        out.println("Observed: " + s.state() + (s.openGate() == null ? ""
            : ", gate " + s.openGate().gate() + " is open") + (s.message() == null ? ""
            : " (" + s.message() + ")"));
        out.flush();
        return null;
      }
      String doing = Waiting.doing(c, stub, taskQueue);
      if (!doing.equals(said)) {
        out.println("  observing: " + doing);
        out.flush();
        said = doing;
      }
    }
    throw CommandFailure.failed("the run has not passed its first observation within "
        + timeout + ": " + Waiting.doing(c, stub, taskQueue) + ". The run goes on; see `"
        + statusCommand + "`");
  }

  private RunStatus status(WorkflowStub stub) {
    try {
      return stub.query(ClusterEvolutionWorkflow.QUERY_STATUS, RunStatus.class);
    } catch (RuntimeException e) {
      return null; // a worker restarting, say: the next look tells
    }
  }

  /** A run that ended while observing: its result, exit 0 when it completed. */
  private int ended(JsonNode r) {
    out.print(Views.result(r));
    out.flush();
    String state = r.path("state").asText("");
    return state.equals(RunState.COMPLETED.name())
        || state.equals(RunState.DRY_RUN_COMPLETED.name()) || r.has("drifted")
        ? ExitCodes.OK : ExitCodes.FAILED;
  }

  private int failed(Throwable cause) {
    if (cause instanceof WorkflowFailedException failed) {
      JsonNode ending;
      try {
        ending = Outcomes.carried(failed, JsonNode.class);
      } catch (WorkflowFailedException notAnEnding) {
        throw CommandFailure.failed("the run failed: " + Runs.failureMessage(failed), failed);
      }
      return ended(ending);
    }
    throw CommandFailure.failed("the run failed: " + Runs.failureMessage(cause), cause);
  }
}
