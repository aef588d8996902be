package dev.underway.sandbox;

import dev.underway.worker.Underway;
import java.util.List;
import picocli.CommandLine;

/**
 * The main of {@code sandbox/target/underway-sandbox.jar}, what {@code ./underway} runs: the
 * production command line with the real {@code sandbox} in place of the production jar's note
 * that it is not there. The local activities ({@code worker --activities local}) come with it:
 * {@link LocalActivitiesProvider} is registered in this module's {@code META-INF/services}.
 */
public final class SandboxMain {
  private SandboxMain() {}

  public static void main(String[] args) {
    Underway.run(args, SandboxMain::commandLine);
  }

  /** {@link Underway#commandLine(Underway)} with the sandbox. */
  public static CommandLine commandLine(Underway app) {
    return Underway.commandLine(app, List.of(new SandboxCommand()));
  }
}
