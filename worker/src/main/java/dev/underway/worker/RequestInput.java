package dev.underway.worker;

import com.fasterxml.jackson.databind.JsonNode;
import dev.underway.runbooks.Runbook;
import dev.underway.runbooks.Runbooks;
import java.io.InputStream;
import java.nio.file.Path;
import java.util.List;
import picocli.CommandLine.Option;

/**
 * The request options of {@code start} and {@code plan}: which runbook ({@code --runbook}, or
 * recognised from the request), the request read strictly and validated, or exit 2.
 */
class RequestInput {

  @Option(names = "--runbook", paramLabel = "NAME",
      description = "The runbook (see `underway runbooks`). Default: recognised from the"
          + " request (a drift check's has `declared`; otherwise cluster-evolution).")
  String runbook;

  @Option(names = {"-f", "--input-file"}, paramLabel = "FILE",
      description = "The request as a JSON file ('-' reads standard input), e.g."
          + " runbooks/cluster-evolution/evolve.json.")
  Path file;

  @Option(names = "--input", paramLabel = "JSON", description = "The request as JSON text.")
  String json;

  @Option(names = "--requested-by", paramLabel = "NAME",
      description = "Who asks for this run. Default: the request's requestedBy, else $USER.")
  String requestedBy;

  /** A request and the runbook it is for. */
  record Read(Runbook runbook, Object request) {}

  /** Reads and validates; every problem is reported at once, before Temporal is contacted. */
  Read read(InputStream stdin, String currentUser) {
    if ((file == null) == (json == null)) {
      throw CommandFailure.badInput(
          "give the request with exactly one of --input-file FILE or --input JSON");
    }
    String text = file != null ? RequestReader.text(file, stdin) : json;
    String source = file != null ? RequestReader.source(file) : "--input";
    JsonNode tree = RequestReader.parse(text, source, JsonNode.class);
    Runbook rb = runbook(tree);
    Object request = RequestReader.parse(text, source, rb.requestType());
    request = rb.withRequester(request, requestedBy, currentUser);
    List<String> problems = rb.problems(request);
    if (!problems.isEmpty()) {
      StringBuilder m = new StringBuilder("the request has " + problems.size()
          + " problem(s); nothing was started:");
      problems.forEach(p -> m.append("\n  - ").append(p));
      throw CommandFailure.badInput(m.toString());
    }
    return new Read(rb, request);
  }

  private Runbook runbook(JsonNode tree) {
    if (runbook != null) {
      return Runbooks.named(runbook).orElseThrow(() -> CommandFailure.badInput("--runbook "
          + runbook + ": no such runbook (runbooks: " + Runbooks.names() + ")"));
    }
    List<Runbook> candidates = Runbooks.recognizing(tree);
    if (candidates.size() != 1) {
      throw CommandFailure.badInput("cannot tell which runbook this request is for"
          + (candidates.isEmpty() ? "" : " (it could be " + candidates.stream()
              .map(Runbook::name).toList() + ")") + ": name it with --runbook NAME (runbooks: "
          + Runbooks.names() + ")");
    }
    return candidates.get(0);
  }
}
