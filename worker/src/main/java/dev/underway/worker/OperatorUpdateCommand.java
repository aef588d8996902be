package dev.underway.worker;

import com.fasterxml.jackson.databind.JsonNode;
import dev.underway.runbooks.OperatorUpdate;
import dev.underway.runbooks.Runbook;
import dev.underway.runbooks.Runbooks;
import io.temporal.client.WorkflowStub;
import java.util.stream.Collectors;

/**
 * What {@code underway update} and its shortcuts ({@code underway throttle RUN}, ...) share:
 * the run's runbook recognised from its workflow id, the Update checked against the ones that
 * runbook declares (nothing is sent otherwise), the run checked open and served, and the
 * Update sent and answered within a bound. A refusal is the run's own sentence, exit 1.
 */
abstract class OperatorUpdateCommand extends ConnectedCommand {



  /**
   * The runbook of {@code workflowId} and its declared Update {@code name}, or exit 2 saying
   * which Updates it has.
   */
  static OperatorUpdate declared(String workflowId, String name) {
    Runbook<?> runbook = Runbooks.owning(workflowId).orElseThrow(() -> CommandFailure.badInput(
        "run " + workflowId + " is no runbook's: a run's workflow id starts with its runbook's"
            + " name (" + Runbooks.ALL.stream().map(r -> r.name() + "-")
                .collect(Collectors.joining(", ")) + ")"));
    return runbook.update(name).orElseThrow(() -> CommandFailure.badInput(
        runbook.updates().isEmpty()
            ? runbook.name() + " has no update " + quoted(name) + ": it declares "
                + RegistryHelp.none(runbook)
            : runbook.name() + " has no update " + quoted(name) + ": its updates are "
                + runbook.updates().stream().map(OperatorUpdate::name)
                    .collect(Collectors.joining(", "))));
  }

  /** Sends {@code input} as the Update {@code name} to {@code workflowId}; prints its answer. */
  int send(String workflowId, OperatorUpdate update, JsonNode input) {
    try (TemporalConnection c = connect()) {
      WorkflowStub stub = c.client().newUntypedWorkflowStub(workflowId);
      RunOnServer run = RunOnServer.of(c, stub, workflowId);
      if (!run.open()) {
        throw CommandFailure.failed("run " + workflowId + " has already ended ("
            + Runs.howItEnded(stub) + ")");
      }
      if (run.unpolled()) {
        throw CommandFailure.failed(run.noWorker() + ": the update cannot be checked or applied"
            + " now. Start a worker, then send it again.");
      }
      JsonNode answer = answer(stub, workflowId, update.name(), input, run);
      out().println(answer == null || answer.isNull() ? update.name() + " accepted"
          : answer.isTextual() ? answer.asText() : answer.toString());
      out().println("Next: " + underwayCommand("status " + workflowId));
      out().flush();
      return ExitCodes.OK;
    }
  }

  private JsonNode answer(WorkflowStub stub, String workflowId, String name, JsonNode input,
      RunOnServer run) {
    return new BoundedUpdate("the update", "It may still reach the run later: look before"
        + " sending it again.", w -> CommandFailure.failed("run " + workflowId
            + " has already ended (" + Runs.howItEnded(stub) + ")", w))
        .send(stub, workflowId, name, JsonNode.class, input, run,
            underwayCommand("status " + workflowId), out());
  }

  private static String quoted(String name) {
    return "'" + name + "'";
  }
}
