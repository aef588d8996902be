package dev.underway.sandbox;

import dev.underway.kernel.RunState;
import dev.underway.worker.ExitCodes;
import dev.underway.worker.Underway;
import dev.underway.workflows.evolution.ClusterEvolutionWorkflow;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

@Command(name = "sandbox", sortOptions = false, mixinStandardHelpOptions = true,
    description = {
        "A runbook's scenario on this machine (the cluster evolution by default): Temporal (the dev server and its Web UI when the"
            + " temporal binary is found, else an in-process server), a PostgreSQL cluster of"
            + " real server processes at Phase 0, load running throughout, a worker, and a"
            + " ClusterEvolution run to Phase 2. Gates are approved at the prompt (y/n), from"
            + " the CLI or UI, or with --auto-approve. Writes a report per phase (JSON and"
            + " HTML). Ctrl-C stops everything it started; --keep-ui keeps Temporal and its"
            + " Web UI up after the run until then."})
class SandboxCommand implements Callable<Integer> {

  @ParentCommand Underway underway;
  @Spec CommandSpec spec;

  @Option(names = "--runbook", paramLabel = "NAME", defaultValue = ClusterEvolutionWorkflow.RUNBOOK,
      description = "Which runbook to run (see underway runbooks): cluster-evolution (default)"
          + " or schema-change (a table of --rows rows on a PostgreSQL primary with a streaming"
          + " standby, changed by expand/contract under an application-like load).")
  String runbook;

  @Option(names = "--engine", paramLabel = "ENGINE", defaultValue = "postgres",
      description = "postgres (default) or cockroach (needs the cockroach binary on PATH).")
  String engine;

  @Option(names = "--auto-approve", description = "Approve every gate without asking.")
  boolean autoApprove;

  @Option(names = "--rate", paramLabel = "OPS", defaultValue = "200",
      description = "Target load in operations per second. Default: ${DEFAULT-VALUE}.")
  double rate;

  @Option(names = "--concurrency", paramLabel = "N", defaultValue = "8",
      description = "Load threads. Default: ${DEFAULT-VALUE}.")
  int concurrency;

  @Option(names = "--write-percent", paramLabel = "PCT", defaultValue = "50",
      description = "Share of writes in the load. Default: ${DEFAULT-VALUE}.")
  int writePercent;

  @Option(names = "--report-dir", paramLabel = "DIR",
      description = "Where report.json and report.html go. Default: a new folder"
          + " underway-sandbox-report-<time> here.")
  Path reportDir;

  @Option(names = "--data-dir", paramLabel = "DIR",
      description = "Where the database and Temporal keep their files. Default: a temporary"
          + " folder, removed at the end unless --keep-data.")
  Path dataDir;

  @Option(names = "--keep-data", description = "Keep the data directory at the end.")
  boolean keepData;

  @Option(names = "--temporal-binary", paramLabel = "FILE",
      description = "The temporal CLI to run the dev server with (default: found on PATH,"
          + " $GOPATH/bin or ~/go/bin).")
  Path temporalBinary;

  @Option(names = "--embedded-temporal",
      description = "Use the in-process Temporal even when the temporal binary is found.")
  boolean embeddedTemporal;

  @Option(names = "--temporal-port", paramLabel = "PORT",
      description = "Port of the embedded Temporal. Default: a free one.")
  Integer temporalPort;

  @Option(names = "--settle", paramLabel = "DURATION", defaultValue = "PT10S",
      description = "How long the load runs before the evolution (the Phase 0 baseline) and"
          + " after it (ISO-8601). Default: ${DEFAULT-VALUE}.")
  Duration settle;

  @Option(names = "--keep-ui",
      description = "After the run, keep Temporal and its Web UI (and the worker and the"
          + " database) up until Ctrl-C, to look at the finished run.")
  boolean keepUi;

  @Option(names = "--rows", paramLabel = "N",
      description = "schema-change: rows in the changed table. Default: "
          + SandboxOptions.DEFAULT_ROWS + ".")
  Integer rows;

  @Option(names = "--benchmark",
      description = "Also write benchmark.json. cluster-evolution: per phase and per step ops/s"
          + " and p99 as ratios to the Phase 0 baseline, the evolution's wall time, and whether"
          + " the targets held (no failed operation, every phase's p99 <= 1.5x baseline)."
          + " schema-change: the throttled backfill's rows/s and the p99 during it beside a raw"
          + " batched UPDATE of the same rows and the backfill at guard ratios 1.1, 1.25, 1.5"
          + " and off, each with the p99 during it (run after the change, same load, same data;"
          + " target: p99 during the backfill <= 1.25x baseline). Use with --auto-approve.")
  boolean benchmark;

  @Option(names = "--repeat", paramLabel = "N", defaultValue = "1",
      description = "With --benchmark: run the whole scenario N times (1-9), each a sandbox of"
          + " its own (fresh Temporal, cluster and load; reports in run-1 .. run-N under"
          + " --report-dir), and report each figure as the median of the N runs with its"
          + " spread (min-max); benchmark.json keeps every run's figures. Default:"
          + " ${DEFAULT-VALUE}.")
  int repeat;

  @Override
  public Integer call() throws Exception {
    PrintWriter out = spec.commandLine().getOut();
    PrintWriter err = spec.commandLine().getErr();
    Path reports = reportDir != null ? reportDir : Path.of("underway-sandbox-report-"
        + LocalDateTime.now().format(DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss")));
    SandboxOptions defaults = SandboxOptions.defaults(reports);
    SandboxOptions o = new SandboxOptions(runbook, engine, autoApprove, rate, concurrency,
        writePercent, dataDir, keepData, reports, temporalBinary, embeddedTemporal, temporalPort,
        settle, defaults.pollInterval(), defaults.statusInterval(), System.console() != null,
        rows, benchmark, repeat);
    List<String> problems = new ArrayList<>(o.problems(underway.environment()));
    if (keepUi && repeat > 1) {
      problems.add("--keep-ui keeps one run up: leave --repeat out to use it");
    }
    if (!problems.isEmpty()) {
      problems.forEach(p -> err.println("underway sandbox: " + p));
      err.println("Nothing was started.");
      err.flush();
      return ExitCodes.BAD_INPUT;
    }
    List<Sandbox.Outcome> outcomes = new ArrayList<>();
    int exit = ExitCodes.OK;
    for (int k = 1; k <= repeat; k++) {
      SandboxOptions run = repeat == 1 ? o : repetition(o, k);
      if (repeat > 1) {
        out.println();
        out.println("Run " + k + " of " + repeat + " (report in " + run.reportDir() + ")");
        out.flush();
      }
      Sandbox sandbox = new Sandbox(run, out);
      Thread hook = null;
      if (underway.installShutdownHook()) {
        hook = new Thread(sandbox::close, "underway-sandbox-shutdown");
        Runtime.getRuntime().addShutdownHook(hook);
      }
      try {
        BufferedReader answers = autoApprove ? null : new BufferedReader(
            new InputStreamReader(underway.stdin(), StandardCharsets.UTF_8));
        Sandbox.Outcome outcome = sandbox.run(answers);
        outcomes.add(outcome);
        int code = exitCode(outcome, err);
        exit = exit == ExitCodes.OK ? code : exit;
        if (benchmark && outcome.result().state() != RunState.COMPLETED) {
          err.println("underway sandbox: no benchmark: run " + k + " ended "
              + outcome.result().state());
          return exit;
        }
        if (benchmark && k == repeat) {
          out.print(sandbox.benchmark(outcomes, o.reportDir()));
        }
        if (keepUi) {
          err.flush();
          out.flush();
          sandbox.keepUp();
        }
      } catch (InterruptedException e) {
        err.println("underway sandbox: stopped before the run finished");
        return ExitCodes.FAILED;
      } finally {
        sandbox.close();
        if (hook != null) {
          try {
            Runtime.getRuntime().removeShutdownHook(hook);
          } catch (IllegalStateException e) {
            // the JVM is shutting down: the hook runs close(), which is idempotent
          }
        }
        err.flush();
        out.flush();
      }
    }
    return exit;
  }

  /** The options of repetition {@code k}: its own report folder, and data folder if given. */
  static SandboxOptions repetition(SandboxOptions o, int k) {
    return o.with(f -> {
      f.reportDir = o.reportDir().resolve("run-" + k);
      f.dataDir = o.dataDir() == null ? null : o.dataDir().resolve("run-" + k);
    });
  }

  /** OK when the run completed with no failed client operation; else says why. */
  private static int exitCode(Sandbox.Outcome outcome, PrintWriter err) {
    if (outcome.result().state() != RunState.COMPLETED) {
      err.println("underway sandbox: the run ended " + outcome.result().state());
      return ExitCodes.FAILED;
    }
    if (outcome.check() != null && !outcome.check().passed()) {
      err.println("underway sandbox: the end check failed (see above)");
      return ExitCodes.FAILED;
    }
    if (outcome.failedOperations() > 0) {
      err.println("underway sandbox: " + outcome.failedOperations()
          + " client operations failed during the evolution (see the report)");
      return ExitCodes.FAILED;
    }
    return ExitCodes.OK;
  }
}
