package dev.underway.worker;

import java.io.PrintWriter;
import java.util.concurrent.Callable;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

/** A subcommand that talks to Temporal: shared connection options and output streams. */
abstract class ConnectedCommand implements Callable<Integer> {

  @ParentCommand Underway underway;

  @Mixin ConnectionOptions connection;

  @Spec CommandSpec spec;

  PrintWriter out() {
    return spec.commandLine().getOut();
  }

  PrintWriter err() {
    return spec.commandLine().getErr();
  }

  TemporalConnection connect() {
    return underway.connector().connect(connection);
  }

  /** The command a user types next, with the connection options they would need. */
  String underwayCommand(String rest) {
    return connection.underwayCommand(rest);
  }
}
