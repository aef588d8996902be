package dev.underway.worker;

import com.fasterxml.jackson.databind.JsonNode;
import dev.underway.runbooks.OperatorUpdate;
import java.nio.file.Path;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code underway update RUN NAME --input JSON}: any operator Update the run's runbook declares,
 * its input sent as given (the run checks it and answers in one sentence). Its help lists every
 * runbook's Updates with an example ({@link RegistryHelp}).
 */
@Command(name = "update", sortOptions = false, mixinStandardHelpOptions = true,
    description = "Send one of the run's runbook's operator Updates (its input as given).")
class UpdateCommand extends OperatorUpdateCommand {

  @Parameters(index = "0", paramLabel = "RUN", description = "The run (its workflow id).")
  String workflowId;

  @Parameters(index = "1", paramLabel = "NAME",
      description = "The Update: one its runbook declares (below).")
  String name;

  @Option(names = "--input", paramLabel = "JSON", description = "The Update's input.")
  String json;

  @Option(names = {"-f", "--input-file"}, paramLabel = "FILE",
      description = "The Update's input as a JSON file ('-' reads standard input).")
  Path file;

  @Override
  public Integer call() {
    OperatorUpdate update = declared(workflowId, name);
    if ((file == null) == (json == null)) {
      throw CommandFailure.badInput("give the input of " + update.name() + " with exactly one"
          + " of --input JSON or --input-file FILE, e.g. --input '" + update.example() + "'");
    }
    String text = file != null ? RequestReader.text(file, underway.stdin()) : json;
    String source = file != null ? RequestReader.source(file) : "--input";
    JsonNode input = RequestReader.parse(text, source, JsonNode.class, update.example());
    return send(workflowId, update, input);
  }
}
