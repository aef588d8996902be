package dev.underway.worker;

import dev.underway.runbooks.Runbook;
import dev.underway.runbooks.Runbooks;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

@Command(name = "runbooks", mixinStandardHelpOptions = true,
    description = "List the runbooks: name, workflow type, what it does, example inputs.")
class RunbooksCommand implements Callable<Integer> {

  @Spec CommandSpec spec;

  @Override
  public Integer call() {
    var out = spec.commandLine().getOut();
    for (Runbook r : Runbooks.ALL) {
      out.println(r.name() + "  (workflow type " + r.workflowType() + ")");
      out.println("  " + r.description());
      out.println("  examples: " + String.join(", ", r.examples().stream()
          .map(e -> "runbooks/" + e).toList()));
      out.println("  start:    underway start --runbook " + r.name() + " --input-file runbooks/"
          + r.examples().get(0));
    }
    out.flush();
    return ExitCodes.OK;
  }
}
