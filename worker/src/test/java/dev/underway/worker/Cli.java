package dev.underway.worker;

import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;
import java.util.function.Supplier;
import picocli.CommandLine;

/**
 * Runs {@code underway} in-process with captured output: the production command line, or the
 * one a test gives (the sandbox jar's).
 */
public final class Cli {
  final AtomicInteger connects = new AtomicInteger();
  public final WorkerLifecycle lifecycle = new WorkerLifecycle();
  private final TemporalConnector connector;
  private final Supplier<List<ActivitiesProvider>> providers;
  private final Map<String, String> env;
  private final Function<Underway, CommandLine> commandLine;
  private String stdin = "";

  public Cli(TemporalConnector connector, Supplier<List<ActivitiesProvider>> providers,
      Map<String, String> env) {
    this(connector, providers, env, Underway::commandLine);
  }

  public Cli(TemporalConnector connector, Supplier<List<ActivitiesProvider>> providers,
      Map<String, String> env, Function<Underway, CommandLine> commandLine) {
    this.connector = o -> {
      connects.incrementAndGet();
      return connector.connect(o);
    };
    this.providers = providers;
    this.env = env;
    this.commandLine = commandLine;
  }

  public Cli stdin(String text) {
    this.stdin = text;
    return this;
  }

  public Result run(String... args) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    InputStream in = new ByteArrayInputStream(stdin.getBytes(StandardCharsets.UTF_8));
    CommandLine cl = commandLine.apply(new Underway(connector, providers, lifecycle, env, in));
    cl.setOut(new PrintWriter(out, true));
    cl.setErr(new PrintWriter(err, true));
    int code = cl.execute(args);
    return new Result(code, out.toString(), err.toString());
  }

  public record Result(int exitCode, String out, String err) {
    @Override
    public String toString() {
      return "exit " + exitCode + "\n--- stdout ---\n" + out + "--- stderr ---\n" + err;
    }
  }
}
