package dev.underway.worker;

import dev.underway.model.EvolutionRequest;
import dev.underway.workflows.evolution.RequestValidation;
import java.io.InputStream;
import java.nio.file.Path;
import java.util.List;
import picocli.CommandLine.Option;

/** The request options of {@code start} and {@code plan}: read strictly, validated, or exit 2. */
class RequestInput {

  @Option(names = {"-f", "--input-file"}, paramLabel = "FILE",
      description = "The request as a JSON file ('-' reads standard input), e.g."
          + " runbooks/cluster-evolution/evolve.json.")
  Path file;

  @Option(names = "--input", paramLabel = "JSON", description = "The request as JSON text.")
  String json;

  @Option(names = "--requested-by", paramLabel = "NAME",
      description = "Who asks for this run. Default: the request's requestedBy, else $USER.")
  String requestedBy;

  /** Reads and validates; every problem is reported at once, before Temporal is contacted. */
  EvolutionRequest read(InputStream stdin, String currentUser) {
    if ((file == null) == (json == null)) {
      throw CommandFailure.badInput(
          "give the request with exactly one of --input-file FILE or --input JSON");
    }
    EvolutionRequest r = file != null
        ? RequestReader.fromFile(file, stdin)
        : RequestReader.parse(json, "--input");
    String who = requestedBy != null ? requestedBy
        : r.requestedBy() != null ? r.requestedBy() : currentUser;
    if (r.target() != null || who != null) {
      r = new EvolutionRequest(r.target(), r.phases(), r.approval(), r.dryRun(), who,
          r.unknownFields());
    }
    List<String> problems = RequestValidation.problems(r);
    if (!problems.isEmpty()) {
      StringBuilder m = new StringBuilder("the request has " + problems.size()
          + " problem(s); nothing was started:");
      problems.forEach(p -> m.append("\n  - ").append(p));
      throw CommandFailure.badInput(m.toString());
    }
    return r;
  }
}
