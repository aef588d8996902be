package dev.underway.worker;

import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Unmatched;

/**
 * {@code underway sandbox} in the production jar: the sandbox (local database processes, the
 * PostgreSQL binaries, load, report) is not in it, on purpose. Says so and how to run it; the
 * sandbox jar replaces this command with the real one ({@code dev.underway.sandbox.SandboxMain}).
 */
@Command(name = "sandbox", mixinStandardHelpOptions = true,
    description = {"Not in this jar. The sandbox (the whole evolution on this machine with local"
        + " database processes and load) ships in the sandbox jar, not in the production one:"
        + " run ./underway sandbox from a checkout of Underway."})
class SandboxNotInThisJar implements Callable<Integer> {

  /** What the operator typed after {@code sandbox}: ignored, whatever it is. */
  @Unmatched List<String> ignored;

  @Spec CommandSpec spec;

  static final String MESSAGE = "underway sandbox: the sandbox is not in the production jar"
      + " (worker/target/underway.jar, the one manifests/worker/deployment.yaml's image runs):"
      + " it has no local database processes and no PostgreSQL binaries. Run it from a checkout"
      + " of Underway with ./underway sandbox (it builds and runs"
      + " sandbox/target/underway-sandbox.jar, the same commands with the sandbox added).";

  @Override
  public Integer call() {
    spec.commandLine().getErr().println(MESSAGE);
    spec.commandLine().getErr().flush();
    return ExitCodes.BAD_INPUT;
  }
}
