package dev.underway.worker;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import dev.underway.kernel.DecideCommands;
import dev.underway.kernel.RunStatus;
import dev.underway.kernel.GateView;
import io.temporal.api.workflow.v1.PendingActivityInfo;
import io.temporal.client.WorkflowStub;
import java.time.Instant;
import java.util.List;
import io.temporal.common.converter.JacksonJsonPayloadConverter;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

@Command(name = "status", sortOptions = false, mixinStandardHelpOptions = true,
    description = {"Show a run: state, the open gate's text (with the commands to decide),"
        + " decisions and the timeline.",
        "With no worker polling the run's task queue, shows what the Temporal server knows"
            + " (its status, Underway's search attributes, the steps in flight) and says so."})
class StatusCommand extends ConnectedCommand {

  private static final ObjectMapper JSON = JacksonJsonPayloadConverter.newDefaultObjectMapper()
      .enable(SerializationFeature.INDENT_OUTPUT);

  @Parameters(index = "0", paramLabel = "WORKFLOW_ID", description = "The run.")
  String workflowId;

  @Option(names = "--json", description = "Print the status query's answer as JSON.")
  boolean json;

  @Override
  public Integer call() throws Exception {
    try (TemporalConnection c = connect()) {
      WorkflowStub stub = c.client().newUntypedWorkflowStub(workflowId);
      RunOnServer run = RunOnServer.of(c, stub, workflowId);
      // read from the server first: a closed run is shown closed, whatever it last said itself
      ClosedRun closed = ClosedRun.of(run.description(), stub);
      RunStatus s = null;
      if (!run.unpolled()) {
        try {
          s = Runs.status(stub, workflowId, c.namespace());
        } catch (CommandFailure e) {
          if (Runs.isNoPoller(e)) {
            run = run.withoutPollers();
          } else if (closed == null) {
            throw e;
          }
          // no worker; or a closed run its worker cannot replay to the end (a termination
          // that came while a workflow task was in flight): the server's view says enough
          s = null;
        }
      }
      if (s == null) {
        // The status query needs a worker; without one it would wait, then time out.
        if (json) {
          throw CommandFailure.failed((run.unpolled() ? run.noWorker()
              : "the run's status query did not answer") + ": --json prints its answer (without"
              + " --json, status shows what the server knows)");
        }
        out().print(Views.serverSide(workflowId, run.description(), run.unpolled()
            ? run.noWorker() : "the run's status query did not answer"));
        if (closed != null && closed.cause() != null) {
          out().println("  ended:        " + closed.line());
        }
        out().print(closed != null ? "" : InFlight.of(
            run.description().getRawDescription().getPendingActivitiesList(), Instant.now()));
        out().flush();
        return closed != null && closed.failed() ? ExitCodes.FAILED : ExitCodes.OK;
      }
      if (json) {
        out().print(JSON.writeValueAsString(s) + "\n");
      } else {
        GateView g = s.openGate();
        out().print(Views.status(workflowId, s, g == null ? null : decideHere(g), closed));
        // a closed run has nothing in flight (the server keeps what was pending when it closed)
        out().print(closed != null ? "" : InFlight.of(pendingActivities(stub), Instant.now()));
      }
      out().flush();
      return closed != null && closed.failed() ? ExitCodes.FAILED : ExitCodes.OK;
    }
  }

  /** How this CLI decides the open gate: approve (with the confirmation), reject and abort. */
  private List<String> decideHere(GateView g) {
    return java.util.stream.Stream.of("approve", "reject", "abort")
        .map(kind -> underwayCommand(DecideCommands.underwayArguments(kind, workflowId, g.gate(),
            g.plan(), g.confirm())))
        .toList();
  }

  /**
   * What the run is doing right now, as the server sees it: attempts and the last failure of a
   * step that is being retried, the progress a wait reported in its heartbeat. The status query
   * cannot know this: it is the server's bookkeeping, not the workflow's.
   */
  private List<PendingActivityInfo> pendingActivities(WorkflowStub stub) {
    try {
      return stub.describe().getRawDescription().getPendingActivitiesList();
    } catch (RuntimeException e) {
      log.debug("describe failed; showing the status without pending activities", e);
      return List.of();
    }
  }

  private static final org.slf4j.Logger log = org.slf4j.LoggerFactory.getLogger(
      StatusCommand.class);
}
