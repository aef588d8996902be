package dev.underway.worker;

import dev.underway.runbooks.OperatorUpdate;
import dev.underway.runbooks.RequestRecognition;
import dev.underway.runbooks.Runbook;
import dev.underway.runbooks.Runbooks;
import java.util.concurrent.Callable;
import java.util.stream.Collectors;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

@Command(name = "runbooks", mixinStandardHelpOptions = true,
    description = "List the runbooks: name, workflow type, what it does, the activities a worker"
        + " needs to serve it, how a request is recognised, how to start it with each"
        + " example input, and the operator updates its runs take.")
class RunbooksCommand implements Callable<Integer> {

  @Spec CommandSpec spec;

  @Override
  public Integer call() {
    var out = spec.commandLine().getOut();
    Runbooks.ALL.forEach(r -> out.print(describe(r)));
    out.flush();
    return ExitCodes.OK;
  }

  /** One runbook's entry; every command in it works as pasted from the repository's root. */
  static String describe(Runbook<?> r) {
    StringBuilder s = new StringBuilder();
    s.append(r.name()).append("  (workflow type ").append(r.workflowType()).append(")\n");
    s.append("  ").append(r.description()).append('\n');
    s.append("  activities: ").append(r.activityInterfaces().stream().map(Class::getSimpleName)
        .collect(Collectors.joining(", "))).append(" (a worker serves it when its activities"
        + " implement all of them)\n");
    s.append("  recognised: ").append(RequestRecognition.discriminator(r))
        .append(" (or --runbook ").append(r.name()).append(")\n");
    String start = "underway start --runbook " + r.name() + " --input-file ";
    if (r.examples().isEmpty()) {
      s.append("  start:      ").append(start).append("FILE (no example input: write the"
          + " request, see `underway start --help`)\n");
    }
    for (int i = 0; i < r.examples().size(); i++) {
      s.append(i == 0 ? "  start:      " : "              ").append(start).append("runbooks/")
          .append(r.examples().get(i)).append('\n');
    }
    if (r.updates().isEmpty()) {
      s.append("  updates:    ").append(RegistryHelp.none(r)).append('\n');
    }
    for (int i = 0; i < r.updates().size(); i++) {
      OperatorUpdate u = r.updates().get(i);
      s.append(i == 0 ? "  updates:    " : "              ").append(u.name()).append(": ")
          .append(u.description()).append('\n')
          .append("                underway update RUN ").append(u.name()).append(" --input '")
          .append(u.example()).append("'").append(u.shortcut() == null ? ""
              : " (or: underway " + u.name() + " RUN)").append('\n');
    }
    return s.toString();
  }
}
