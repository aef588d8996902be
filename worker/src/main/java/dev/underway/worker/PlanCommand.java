package dev.underway.worker;

import dev.underway.workflows.evolution.model.EvolutionResult;
import dev.underway.workflows.schema.SchemaChangeResult;
import dev.underway.runbooks.Runbook;
import dev.underway.runbooks.RunStart;
import io.temporal.api.common.v1.WorkflowExecution;
import io.temporal.client.WorkflowClient;
import io.temporal.client.WorkflowFailedException;
import io.temporal.client.WorkflowStub;
import java.time.Duration;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

@Command(name = "plan", sortOptions = false, mixinStandardHelpOptions = true,
    description = {"Show what a run would do, phase by phase, and change nothing.",
        "Runs the workflow as a dry run (it observes the cluster) under its own workflow id, so"
            + " it never collides with the target's real run."})
class PlanCommand extends ConnectedCommand {

  private static final DateTimeFormatter STAMP = DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss");

  @Mixin RequestInput input;

  @Option(names = "--timeout", paramLabel = "DURATION", defaultValue = "PT2M",
      description = "How long to wait for the plan (ISO-8601). Default: ${DEFAULT-VALUE}.")
  Duration timeout;

  @Override
  public Integer call() throws Exception {
    return plan(input.read(underway.stdin(), underway.currentUser()));
  }

  private <R> int plan(RequestInput.Read<R> read) throws Exception {
    Runbook<R> runbook = read.runbook();
    R request = runbook.dryRun(read.request()).orElseThrow(() -> CommandFailure.badInput(
        "runbook " + runbook.name() + " has no dry run (a drift check only observes anyway:"
            + " start it)"));
    String workflowId = planId(runbook.workflowId(request));
    try (TemporalConnection c = connect()) {
      WorkflowClient client = c.client();
      WorkflowStub stub = client.newUntypedWorkflowStub(runbook.workflowType(),
          RunStart.options(runbook, request, workflowId, connection.taskQueue(),
              "underway plan"));
      WorkflowExecution execution = stub.start(request);
      String unserved = unserved(c, runbook, execution);
      if (unserved != null) {
        terminate(stub, "no worker serves runbook " + runbook.name());
        throw CommandFailure.failed("no plan: " + unserved + " (the dry run " + workflowId
            + " was terminated). Start " + FirstWorkflowTask.remedy(runbook,
                connection.taskQueue(), underwayCommand("worker --task-queue "
                    + connection.taskQueue())));
      }
      Object result;
      try {
        result = stub.getResult(timeout.toMillis(), TimeUnit.MILLISECONDS,
            runbook.dryRunResultType());
      } catch (TimeoutException e) {
        String doing = Waiting.doing(c, stub, connection.taskQueue());
        terminate(stub, "underway plan gave up waiting after " + timeout);
        throw CommandFailure.failed("the plan did not finish within " + timeout + ": " + doing
            + " (the dry run " + workflowId + " was terminated)", e);
      } catch (WorkflowFailedException e) {
        throw CommandFailure.failed("no plan: " + Runs.failureMessage(e) + "\n  The dry run "
            + workflowId + " failed: " + underwayCommand("status " + workflowId), e);
      }
      out().println("Plan for " + runbook.targetKey(request) + " (dry run " + workflowId
          + "; nothing was changed)");
      out().println();
      if (result instanceof SchemaChangeResult r) {
        out().print(Views.schemaPlan(r.plan()));
        out().println(r.message());
      } else {
        EvolutionResult r = (EvolutionResult) result;
        out().print(Views.plans(r.plans()));
        out().println(r.message());
      }
      out().flush();
      return ExitCodes.OK;
    }
  }

  /** How long plan watches for a worker to take the dry run's first task. */
  static final Duration CHECK_WORKER = Duration.ofSeconds(15);

  /** Why no worker serves the dry run, or null (also when the server cannot say). */
  private String unserved(TemporalConnection c, Runbook<?> runbook, WorkflowExecution execution)
      throws InterruptedException {
    try {
      return FirstWorkflowTask.unserved(FirstWorkflowTask.watch(c, execution,
          connection.taskQueue(), CHECK_WORKER), runbook, connection.taskQueue());
    } catch (RuntimeException e) {
      return null; // the wait for the plan below says what it sees
    }
  }

  private static void terminate(WorkflowStub stub, String reason) {
    try {
      stub.terminate(reason);
    } catch (RuntimeException ignored) {
      // it may have ended meanwhile
    }
  }

  /** {@code <target's id>-plan-<UTC time>-<random>}: unique per invocation, easy to find. */
  static String planId(String targetId) {
    return targetId + "-plan-" + STAMP.format(ZonedDateTime.now(ZoneOffset.UTC)) + "-"
        + UUID.randomUUID().toString().substring(0, 8);
  }
}
