package dev.underway.worker;

import com.fasterxml.jackson.databind.JsonNode;
import dev.underway.runbooks.RequestRecognition;
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
          + " request's fields (a drift check's has `declared`, a schema change's `change`, a"
          + " cluster evolution's only its own fields).")
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

  /** A request, typed, and the runbook it is for. */
  record Read<R>(Runbook<R> runbook, R request) {}

  /** Reads and validates; every problem is reported at once, before Temporal is contacted. */
  Read<?> read(InputStream stdin, String currentUser) {
    if ((file == null) == (json == null)) {
      throw CommandFailure.badInput(
          "give the request with exactly one of --input-file FILE or --input JSON");
    }
    String text = file != null ? RequestReader.text(file, stdin) : json;
    String source = file != null ? RequestReader.source(file) : "--input";
    if (runbook != null) {
      return read(Runbooks.named(runbook).orElseThrow(() -> CommandFailure.badInput("--runbook "
          + runbook + ": no such runbook (runbooks: " + Runbooks.names() + ")")), true, text,
          source, currentUser);
    }
    RequestRecognition.Recognized recognized;
    try {
      recognized = Runbooks.recognize(RequestReader.parse(text, source, JsonNode.class,
          "one of those `underway runbooks` lists"));
    } catch (RequestRecognition.Unrecognized e) {
      throw CommandFailure.badInput("cannot tell which runbook " + source + " is for: "
          + e.getMessage() + ". Name it with --runbook NAME (runbooks: " + Runbooks.names()
          + ")", e);
    }
    return read(recognized.runbook(), recognized.fits(), text, source, currentUser);
  }

  private <R> Read<R> read(Runbook<R> rb, boolean fits, String text, String source,
      String currentUser) {
    R request;
    try {
      request = RequestReader.parse(text, source, rb);
    } catch (CommandFailure e) {
      if (fits) {
        throw e;
      }
      throw new CommandFailure(e.exitCode(), e.getMessage() + "\n(read as a " + rb.name()
          + " request, the runbook it comes nearest to: no runbook takes every field it has;"
          + " if it is for another runbook, name it with --runbook NAME)", e);
    }
    request = rb.withRequester(request, requestedBy, currentUser);
    List<String> problems = rb.problems(request);
    if (!problems.isEmpty()) {
      StringBuilder m = new StringBuilder("the request has " + problems.size()
          + " problem(s); nothing was started:");
      problems.forEach(p -> m.append("\n  - ").append(p));
      throw CommandFailure.badInput(m.toString());
    }
    return new Read<>(rb, request);
  }
}
