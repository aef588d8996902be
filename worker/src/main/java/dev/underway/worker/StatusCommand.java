package dev.underway.worker;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import dev.underway.model.EvolutionStatus;
import io.temporal.client.WorkflowStub;
import io.temporal.common.converter.JacksonJsonPayloadConverter;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

@Command(name = "status", sortOptions = false, mixinStandardHelpOptions = true,
    description = "Show a run: state, the open gate's text (with the commands to decide),"
        + " decisions and the timeline.")
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
      EvolutionStatus s = Runs.status(stub, workflowId, c.namespace());
      out().print(json ? JSON.writeValueAsString(s) + "\n" : Views.status(workflowId, s));
      out().flush();
      return ExitCodes.OK;
    }
  }
}
