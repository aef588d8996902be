package dev.underway.worker;

import dev.underway.runbooks.Runbooks;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import java.io.InputStream;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.ServiceLoader;
import java.util.function.Function;
import java.util.function.Supplier;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.ParseResult;
import picocli.CommandLine.Spec;

/**
 * The {@code underway} command. Exit codes: see {@link ExitCodes}.
 *
 * <p>Output for the operator goes to standard output; logs (SLF4J/Logback) and error messages
 * to standard error.
 */
@Command(
    name = "underway",
    mixinStandardHelpOptions = true,
    versionProvider = Underway.Version.class,
    sortOptions = false,
    usageHelpAutoWidth = true,
    description = {
        "Durable runbooks on Temporal that change a live database's shape (a cluster's nodes"
            + " and replication, a table's columns) while traffic keeps flowing: every step"
            + " retriable and idempotent, a human decision at every gate, and a crashed worker or"
            + " a restarted Temporal server picks the run up where it stopped.", ""},
    footer = {"", "Exit codes: 0 ok; 1 the operation failed or was refused; 2 usage or bad"
        + " input (nothing was sent); 3 cannot reach Temporal.",
        "Run 'underway COMMAND --help' for a command's options."},
    subcommands = {
        WorkerCommand.class,
        StartCommand.class,
        PlanCommand.class,
        DecideCommand.Approve.class,
        DecideCommand.Reject.class,
        DecideCommand.Abort.class,
        UpdateCommand.class,
        StatusCommand.class,
        RunbooksCommand.class,
        ScheduleCommand.class,
        SandboxNotInThisJar.class,
        CommandLine.HelpCommand.class
    })
public class Underway implements Runnable {

  private final TemporalConnector connector;
  private final Supplier<List<ActivitiesProvider>> providers;
  private final WorkerLifecycle lifecycle;
  private final Map<String, String> environment;
  private final InputStream stdin;
  private boolean installShutdownHook;

  @Spec CommandSpec spec;

  /** Production: gRPC connections, providers from the ServiceLoader. */
  public Underway() {
    this(new GrpcTemporalConnector(), Underway::loadProviders, new WorkerLifecycle(),
        System.getenv(), System.in);
    this.installShutdownHook = true;
  }

  /** For tests and embedding: every outside dependency given. */
  public Underway(TemporalConnector connector, Supplier<List<ActivitiesProvider>> providers,
      WorkerLifecycle lifecycle, Map<String, String> environment, InputStream stdin) {
    this.connector = connector;
    this.providers = providers;
    this.lifecycle = lifecycle;
    this.environment = Map.copyOf(environment);
    this.stdin = stdin;
  }

  public static void main(String[] args) {
    run(args, Underway::commandLine);
  }

  /**
   * Runs the command line {@code commandLine} makes for the production {@code Underway} and exits
   * with its code: the production jar's main, and the sandbox jar's with the sandbox added.
   */
  public static void run(String[] args, Function<Underway, CommandLine> commandLine) {
    Underway app = new Underway();
    int code = commandLine.apply(app).execute(args);
    // During a JVM shutdown (SIGTERM, Ctrl-C) System.exit would block: the JVM is exiting anyway.
    if (!app.lifecycle.stoppedByJvmShutdown()) {
      System.exit(code);
    }
  }

  /** The configured command line: exit codes, error messages without stack traces. */
  public static CommandLine commandLine(Underway app) {
    return commandLine(app, List.of());
  }

  /**
   * The configured command line with {@code replacements} (annotated command objects) in place of
   * the subcommands of the same names, in the same places: how the sandbox jar puts its {@code
   * sandbox} where the production jar says the sandbox is not in it.
   */
  public static CommandLine commandLine(Underway app, List<Object> replacements) {
    CommandLine cl = new CommandLine(app);
    Map<String, CommandLine> replacing = new java.util.HashMap<>();
    for (Object command : replacements) {
      CommandLine sub = new CommandLine(command);
      if (!cl.getSubcommands().containsKey(sub.getCommandName())) {
        throw new IllegalArgumentException("no subcommand " + sub.getCommandName() + " to replace");
      }
      replacing.put(sub.getCommandName(), sub);
    }
    if (!replacing.isEmpty()) {
      for (String name : new ArrayList<>(cl.getSubcommands().keySet())) {
        CommandLine sub = cl.getCommandSpec().removeSubcommand(name);
        cl.addSubcommand(name, replacing.getOrDefault(name, sub));
      }
    }
    RegistryHelp.apply(cl, Runbooks.ALL);
    cl.setDefaultValueProvider(new EnvironmentDefaults(app.environment));
    cl.setParameterExceptionHandler(Underway::usageError);
    cl.setExecutionExceptionHandler(Underway::executionError);
    cl.setCaseInsensitiveEnumValuesAllowed(true);
    return cl;
  }

  /** Every {@link ActivitiesProvider} registered with the ServiceLoader. */
  public static List<ActivitiesProvider> loadProviders() {
    List<ActivitiesProvider> list = new ArrayList<>();
    ServiceLoader.load(ActivitiesProvider.class).forEach(list::add);
    return list;
  }

  @Override
  public void run() {
    throw new ParameterException(spec.commandLine(), "name a command");
  }

  TemporalConnector connector() {
    return connector;
  }

  List<ActivitiesProvider> providers() {
    return providers.get();
  }

  WorkerLifecycle lifecycle() {
    return lifecycle;
  }

  /** The process environment (or the one a test gives). */
  public Map<String, String> environment() {
    return environment;
  }

  /** Where answers typed at a prompt come from. */
  public InputStream stdin() {
    return stdin;
  }

  /** Whether a command that starts things should stop them from a JVM shutdown hook too. */
  public boolean installShutdownHook() {
    return installShutdownHook;
  }

  /** {@code $USER}, for --by and --requested-by defaults. */
  String currentUser() {
    String user = environment.get("USER");
    if (user == null || user.isBlank()) {
      user = environment.get("USERNAME");
    }
    return user == null || user.isBlank() ? null : user;
  }

  // ---- errors --------------------------------------------------------------------------------

  private static int usageError(ParameterException e, String[] args) {
    CommandLine cl = e.getCommandLine();
    PrintWriter err = cl.getErr();
    err.println("underway: " + redact(e.getMessage(), args));
    if (!CommandLine.UnmatchedArgumentException.printSuggestions(e, err)) {
      err.println("Run '" + cl.getCommandSpec().qualifiedName() + " --help' for usage.");
    }
    err.flush();
    return ExitCodes.BAD_INPUT;
  }

  private static int executionError(Exception e, CommandLine cl, ParseResult parsed) {
    PrintWriter err = cl.getErr();
    ConnectionOptions connection = cl.getCommand() instanceof ConnectedCommand c
        ? c.connection : cl.getCommand() instanceof ScheduleCommand.Subcommand s
        ? s.connection : null;
    boolean verbose = connection != null && connection.verbose();
    String[] args = parsed.originalArgs().toArray(String[]::new);
    int code;
    String message;
    StatusRuntimeException grpc = grpcCause(e);
    if (e instanceof CommandFailure f) {
      code = f.exitCode();
      message = f.getMessage();
    } else if (grpc != null && unreachable(grpc.getStatus().getCode())) {
      code = ExitCodes.UNREACHABLE;
      String address = connection == null ? "?" : connection.address();
      message = grpc.getStatus().getCode() == Status.Code.UNAUTHENTICATED
          || grpc.getStatus().getCode() == Status.Code.PERMISSION_DENIED
          ? "Temporal at " + address + " refused the credentials: " + describe(grpc)
          : "cannot reach Temporal at " + address + ": " + describe(grpc)
              + " (is the server running? set --address or TEMPORAL_ADDRESS)";
    } else {
      code = ExitCodes.FAILED;
      message = "failed: " + (e.getMessage() == null ? e.getClass().getSimpleName()
          : e.getMessage()) + (verbose ? "" : " (--verbose shows the stack trace)");
    }
    err.println("underway: " + redact(message, args));
    if (verbose) {
      java.io.StringWriter trace = new java.io.StringWriter();
      e.printStackTrace(new PrintWriter(trace));
      err.print(redact(trace.toString(), args));
    }
    err.flush();
    return code;
  }

  private static boolean unreachable(Status.Code code) {
    return code == Status.Code.UNAVAILABLE || code == Status.Code.DEADLINE_EXCEEDED
        || code == Status.Code.UNAUTHENTICATED || code == Status.Code.PERMISSION_DENIED;
  }

  private static String describe(StatusRuntimeException e) {
    String d = e.getStatus().getDescription();
    Throwable c = e.getStatus().getCause();
    return e.getStatus().getCode() + (d == null ? "" : " " + d)
        + (c == null || c.getMessage() == null ? "" : " (" + c.getMessage() + ")");
  }

  static StatusRuntimeException grpcCause(Throwable e) {
    for (Throwable t = e; t != null; t = t.getCause()) {
      if (t instanceof StatusRuntimeException s) {
        return s;
      }
      if (t.getCause() == t) {
        break;
      }
    }
    return null;
  }

  /** Masks the API key (from the arguments or the environment) in anything printed. */
  static String redact(String text, String[] args) {
    if (text == null) {
      return null;
    }
    List<String> secrets = new ArrayList<>();
    for (int i = 0; i < args.length; i++) {
      if (args[i].equals("--api-key") && i + 1 < args.length) {
        secrets.add(args[i + 1]);
      } else if (args[i].startsWith("--api-key=")) {
        secrets.add(args[i].substring("--api-key=".length()));
      }
    }
    String env = System.getenv("TEMPORAL_API_KEY");
    if (env != null) {
      secrets.add(env);
    }
    for (String s : secrets) {
      if (s.length() >= 3) {
        text = text.replace(s, "****");
      }
    }
    return text;
  }

  /** Version from the jar's manifest, when there is one. */
  static final class Version implements CommandLine.IVersionProvider {
    @Override
    public String[] getVersion() {
      String v = Underway.class.getPackage().getImplementationVersion();
      return new String[] {"underway " + (v == null ? "(development build)" : v)};
    }
  }
}
