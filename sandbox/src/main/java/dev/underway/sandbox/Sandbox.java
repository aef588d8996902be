package dev.underway.sandbox;

import dev.underway.sandbox.engine.Engine;
import dev.underway.sandbox.engine.LocalCluster;
import dev.underway.sandbox.engine.postgres.LocalPostgresCluster;
import dev.underway.kernel.DecisionRequest;
import dev.underway.kernel.DecisionHandlers;
import dev.underway.runbooks.Runbooks;
import dev.underway.worker.WorkerSettings;
import dev.underway.sandbox.load.Workload;
import dev.underway.kernel.RunStatus;
import dev.underway.kernel.GateView;
import dev.underway.kernel.RunState;
import dev.underway.workflows.evolution.model.ClusterTarget;
import dev.underway.sandbox.load.LoadEndpoints;
import dev.underway.sandbox.load.LoadGenerator;
import dev.underway.sandbox.load.LoadOptions;
import dev.underway.sandbox.report.LoadReport;
import dev.underway.sandbox.report.ReportWriter;
import dev.underway.local.Directories;
import dev.underway.local.Ports;
import dev.underway.temporal.TemporalDevServer;
import dev.underway.worker.EmbeddedTemporal;
import dev.underway.kernel.DecideCommands;
import io.temporal.client.WorkflowClient;
import io.temporal.client.WorkflowStub;
import io.temporal.serviceclient.OperatorServiceStubs;
import io.temporal.serviceclient.OperatorServiceStubsOptions;
import io.temporal.serviceclient.WorkflowServiceStubs;
import io.temporal.serviceclient.WorkflowServiceStubsOptions;
import io.temporal.worker.Worker;
import io.temporal.worker.WorkerFactory;
import io.temporal.worker.WorkflowImplementationOptions;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.PrintWriter;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Properties;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A runbook's scenario on this machine: Temporal (the real dev server with its Web UI when the
 * {@code temporal} binary is there, otherwise an in-process server), a local database cluster
 * of real server processes at Phase 0 readied by the runbook's {@link Scenario}, a load
 * generator (with the scenario's workload) running through the whole run, a worker, and the run
 * (a {@code ClusterEvolution} by default) whose gates are approved at the prompt, from the CLI
 * or UI, or automatically. At the end: the scenario's checks and a report per phase (JSON and
 * HTML).
 *
 * <p>Everything started is stopped by {@link #close()}, also on Ctrl-C (the command installs a
 * shutdown hook that calls it).
 */
public final class Sandbox implements AutoCloseable {

  private static final Logger log = LoggerFactory.getLogger(Sandbox.class);

  /** The sandbox's own task queue, so it never serves another worker's runs. */
  public static final String TASK_QUEUE = "underway-sandbox";

  /** The target as the workflow sees it; the local activities know which cluster it is. */
  public static final ClusterTarget TARGET =
      ClusterTarget.local("sandbox", LocalCluster.DEFAULT_DATABASE);

  /** The phase of the load before the run: Phase 0, the baseline every phase is compared with. */
  static final String BASELINE_PHASE = "phase-0";

  /**
   * The load after a completed run, at the shape the run left: a row of its own (like the
   * warm-up), so the last phase's figures describe its change, not the minutes after it.
   */
  static final String AFTER_PHASE = "after";

  /** Who the sandbox says approved when {@code --auto-approve} is on. */
  public static final String AUTO_APPROVER = "sandbox-auto-approve";

  private final SandboxOptions options;
  private final PrintWriter out;
  private final Deque<AutoCloseable> started = new ArrayDeque<>();
  private final AtomicReference<String> closedBy = new AtomicReference<>();
  /** Opened by {@link #close()}: every wait of the sandbox ends at once. */
  private final CountDownLatch closing = new CountDownLatch(1);

  private Temporal temporal;
  private String runId;
  private LocalCluster<?> database;
  private LoadGenerator load;
  private Path dataDir;
  private boolean deleteDataDir;
  /** The run's steps, marked in the load at the times the run recorded them. */
  private RunMarks marks;
  /** What the sandbox does for its runbook. */
  private Scenario scenario;

  public Sandbox(SandboxOptions options, PrintWriter out) {
    this.options = options;
    this.out = out;
  }

  /** What a finished sandbox run produced. */
  public record Outcome(RunEnd result, LoadReport report, Path reportJson,
      Path reportHtml, Duration evolutionWallTime, Scenario.Check check) {
    public long failedOperations() {
      return report.total().all().failed();
    }
  }

  /**
   * Runs the whole evolution. Bad options are refused before anything starts (see {@link
   * SandboxOptions#check()}).
   *
   * @param answers the operator's answers at gates ({@code y}/{@code n} lines), or null when
   *     nobody is at a terminal
   */
  public Outcome run(BufferedReader answers) throws Exception {
    options.check();
    scenario = Scenarios.of(options);
    started.push(scenario);
    Instant began = Instant.now();
    startTemporal();
    startDatabase();
    startLoad();
    startWorker();
    warmUp();
    settle(BASELINE_PHASE, "baseline", options.settle());

    marks = new RunMarks(load, BASELINE_PHASE);
    DecisionHandlers run = startRun();
    Instant evolutionStart = Instant.now();
    RunEnd result = watch(run, answers);
    Duration wallTime = Duration.between(evolutionStart, Instant.now());

    if (result.state() == RunState.COMPLETED) {
      settle(AFTER_PHASE, "after", options.settle());
    }
    scenario.afterRun(load, result, out);
    load.stop();
    Scenario.Check check = scenario.check(result);
    LoadReport report = load.report();
    List<LoadReport.Gauge> gauges = scenario.gauges(Instant.parse(report.startedAt()));
    if (!gauges.isEmpty()) {
      report = report.withGauges(gauges);
    }
    ReportWriter.Written written = ReportWriter.write(report, options.reportDir());
    out.println();
    out.println(Summary.table(report, result, wallTime,
        Duration.between(began, Instant.now())));
    if (check != null) {
      out.print(check.text());
    }
    out.println("Report: " + written.html() + "  (JSON: " + written.json() + ")");
    out.flush();
    return new Outcome(result, report, written.json(), written.html(), wallTime, check);
  }

  /** Writes the scenario's benchmark of a finished run into {@code dir}; its text. */
  public String benchmark(Outcome outcome, Path dir) throws Exception {
    return benchmark(List.of(outcome), dir);
  }

  /**
   * Writes the scenario's benchmark of finished runs of the same options ({@code --repeat}: this
   * sandbox's and earlier sandboxes') into {@code dir}; its text.
   */
  public String benchmark(List<Outcome> runs, Path dir) throws Exception {
    return scenario.benchmark(runs, dir);
  }

  /**
   * After {@link #run}: keeps Temporal (and its Web UI), the worker and the database up, so the
   * finished run can be looked at and queried, until {@link #close()} (Ctrl-C).
   */
  public void keepUp() throws InterruptedException {
    if (temporal.uiUrl() != null) {
      out.println("Temporal and its Web UI stay up: the run is at " + runUrl(runId));
    } else {
      out.println("Temporal stays up at " + temporal.address() + " (embedded: no Web UI); the"
          + " run is " + runId);
    }
    out.println("Ctrl-C stops everything.");
    out.flush();
    closing.await();
  }

  // ---- start-up ------------------------------------------------------------------------------

  /**
   * The Temporal the sandbox runs on: where it is, its Web UI (null without one) and a client.
   */
  private record Temporal(String address, String uiUrl, WorkflowClient client) {}

  private void startTemporal() throws IOException {
    Optional<Path> binary = options.embeddedTemporal() ? Optional.empty()
        : TemporalDevServer.findBinary(options.temporalBinary(), System.getenv());
    String address;
    String uiUrl = null;
    if (binary.isPresent()) {
      TemporalDevServer server = TemporalDevServer.start(binary.get(),
          dataDir().resolve("temporal"), true, Duration.ofSeconds(90));
      started.push(server);
      address = server.address();
      uiUrl = server.uiUrl();
      out.println("Temporal: dev server (" + binary.get() + ") at " + address + ", Web UI "
          + uiUrl);
    } else {
      int port = options.temporalPort() != null ? options.temporalPort()
          : Ports.freeLoopbackPort();
      EmbeddedTemporal embedded = EmbeddedTemporal.start(port);
      started.push(embedded);
      address = "localhost:" + port;
      out.println("Temporal: embedded in-process server at " + address
          + " (no Web UI; " + (options.embeddedTemporal() ? "--embedded-temporal given"
          : "no temporal binary found: install it with `go install"
              + " github.com/temporalio/cli/cmd/temporal@v1.5.1` for the dev server and its UI")
          + ")");
    }
    WorkflowServiceStubs service = WorkflowServiceStubs.newServiceStubs(
        WorkflowServiceStubsOptions.newBuilder().setTarget(address).build());
    started.push(service::shutdownNow);
    if (binary.isEmpty()) {
      OperatorServiceStubs operator = OperatorServiceStubs.newServiceStubs(
          OperatorServiceStubsOptions.newBuilder().setChannel(service.getRawChannel())
              .validateAndBuildWithDefaults());
      EmbeddedTemporal.registerSearchAttributes(operator, "default");
    }
    temporal = new Temporal(address, uiUrl, WorkflowClient.newInstance(service));
  }

  private void startDatabase() throws Exception {
    Path dir = dataDir().resolve("cluster");
    database = LocalClusters.create(Engine.byId(options.engine()), dir);
    started.push(database);
    scenario.prepare(database, out);
    out.println("Database: " + database.engine().displayName() + " "
        + database.describeNodes() + " in " + dir);
  }

  private void startLoad() {
    LocalCluster<?> c = database;
    Properties properties = c.adminProperties();
    LoadEndpoints endpoints = LoadEndpoints.of(c::writerJdbcUrl, c::readerJdbcUrl, properties);
    LoadOptions loadOptions =
        LoadOptions.of(options.rate(), options.concurrency(), options.writePercent());
    Workload workload = scenario.workload();
    load = workload == null ? new LoadGenerator(endpoints, loadOptions)
        : new LoadGenerator(endpoints, loadOptions, workload);
    started.push(load);
    load.mark(LoadGenerator.WARMUP, LoadGenerator.WARMUP);
    load.start();
    scenario.loadStarted(load);
    out.println(scenario.describeLoad(options));
  }

  private void startWorker() {
    WorkerFactory factory = WorkerFactory.newInstance(temporal.client());
    Worker worker = factory.newWorker(TASK_QUEUE, WorkerSettings.options());
    List<Object> activities = scenario.activities(database, options.pollInterval());
    Runbooks.register(worker, WorkflowImplementationOptions.getDefaultInstance(),
        temporal.address(), activities);
    worker.registerActivitiesImplementations(activities.toArray());
    factory.start();
    started.push(() -> {
      factory.shutdown();
      factory.awaitTermination(20, TimeUnit.SECONDS);
    });
  }

  /** Starts the run of {@link SandboxOptions#runbook()} as its scenario does. */
  private DecisionHandlers startRun() {
    Scenario.Started s = scenario.start(temporal.client(), TASK_QUEUE,
        System.getProperty("user.name", "sandbox"));
    runId = s.runId();
    out.println("Run: " + s.workflowType() + " " + runId + (temporal.uiUrl() == null ? ""
        : "  " + runUrl(runId)));
    return s.run();
  }

  private String runUrl(String id) {
    return temporal.uiUrl() + "/namespaces/default/workflows/"
        + URLEncoder.encode(id, StandardCharsets.UTF_8);
  }

  // ---- watching the run ----------------------------------------------------------------------

  private RunEnd watch(DecisionHandlers run, BufferedReader answers)
      throws InterruptedException {
    String id = runId;
    GateAnswers prompt = answers == null || options.autoApprove() ? null
        : GateAnswers.start(answers);
    String announcedGate = null;
    Progress progress = new Progress(out, options.liveProgress());
    while (true) {
      RunStatus s = run.status();
      marks.update(s);
      GateView gate = s.openGate();
      // a gate reopens (same name, new plan) when the cluster moved after an approval
      if (gate != null && !(gate.gate() + "@" + gate.openedAt()).equals(announcedGate)) {
        announcedGate = gate.gate() + "@" + gate.openedAt();
        progress.interrupt();
        announce(id, gate);
        if (options.autoApprove()) {
          run.decide(decision(gate, "approve", AUTO_APPROVER, "--auto-approve", gate.confirm()));
          out.println("Approved " + gate.gate() + " (--auto-approve"
              + (gate.confirm() == null ? "" : ", confirmed " + gate.confirm()) + ")");
        }
      }
      if (gate != null && prompt != null) {
        Optional<String> answer = prompt.poll();
        if (answer.isPresent()) {
          decideFromPrompt(run, gate, answer.get());
        }
      }
      if (s.state().terminal()) {
        progress.interrupt();
        if (prompt != null) {
          prompt.close();
        }
        return scenario.end(WorkflowStub.fromTyped(run), s);
      }
      progress.maybePrint(load.snapshot().progressLine());
      if (closing.await(options.statusInterval().toMillis(), TimeUnit.MILLISECONDS)) {
        throw new InterruptedException("the sandbox is stopping");
      }
    }
  }

  private void announce(String id, GateView gate) {
    try {
      announceGate(id, gate);
    } finally {
      out.flush();
    }
  }

  private void announceGate(String id, GateView gate) {
    out.println();
    out.println(gate.text().stripTrailing());
    if (!options.autoApprove()) {
      if (gate.confirm() == null) {
        out.println("Or type y (approve) or n (reject) and Enter here.");
      } else {
        out.println("This gate is destructive: to approve, type " + gate.confirm()
            + " exactly and Enter here; n rejects.");
      }
      if (temporal.uiUrl() != null) {
        out.println(webUiHint(runUrl(id), gate));
      }
    }
  }

  /** How to approve {@code gate} in the Web UI: a destructive gate's input with its confirm. */
  static String webUiHint(String runUrl, GateView gate) {
    return "Or in the Web UI: " + runUrl + " -> Send an Update -> decide, with "
        + DecideCommands.json(gate.gate(), "approve", gate.plan(), gate.confirm());
  }

  private void decideFromPrompt(DecisionHandlers run, GateView gate, String answer) {
    String a = answer.trim().toLowerCase(Locale.ROOT);
    String who = System.getProperty("user.name", "sandbox");
    if (gate.confirm() != null && answer.trim().equals(gate.confirm())) {
      run.decide(decision(gate, "approve", who, "approved at the prompt", gate.confirm()));
      out.println("Approved " + gate.gate() + " (confirmed " + gate.confirm() + ")");
    } else if (gate.confirm() != null && (a.equals("y") || a.equals("yes"))) {
      out.println("Gate " + gate.gate() + " is destructive: type " + gate.confirm()
          + " exactly to approve it, or n to reject");
    } else if (a.equals("y") || a.equals("yes")) {
      run.decide(decision(gate, "approve", who, "approved at the prompt", null));
      out.println("Approved " + gate.gate());
    } else if (a.equals("n") || a.equals("no")) {
      run.decide(decision(gate, "reject", who, "rejected at the prompt", null));
      out.println("Rejected " + gate.gate());
    } else if (!a.isEmpty()) {
      out.println(gate.confirm() == null ? "Answer y or n (gate " + gate.gate() + " is open)"
          : "Type " + gate.confirm() + " or n (gate " + gate.gate() + " is open)");
    }
  }

  /** A decision for the plan the gate shows, issued now; {@code confirm} typed when needed. */
  private static DecisionRequest decision(GateView gate, String kind, String who,
      String comment, String confirm) {
    return new DecisionRequest(gate.gate(), kind, who, comment, gate.plan(),
        Instant.now().toString(), confirm);
  }

  /**
   * The load's first seconds (connections opening, code warming up) are kept out of the
   * baseline: otherwise they inflate it and flatter every later phase.
   */
  private void warmUp() throws InterruptedException {
    Duration d = options.settle().compareTo(WARMUP) < 0 ? options.settle() : WARMUP;
    if (closing.await(d.toMillis(), TimeUnit.MILLISECONDS)) {
      throw new InterruptedException("the sandbox is stopping");
    }
  }

  private static final Duration WARMUP = Duration.ofSeconds(3);

  /** Lets the load run for {@code d} with the given step label, for a baseline or a tail. */
  private void settle(String phase, String step, Duration d) throws InterruptedException {
    if (d.isZero()) {
      return;
    }
    load.mark(phase, step);
    out.println("Load " + step + " for " + d.toSeconds() + " s ...");
    if (closing.await(d.toMillis(), TimeUnit.MILLISECONDS)) {
      throw new InterruptedException("the sandbox is stopping");
    }
  }

  // ---- directories and shutdown --------------------------------------------------------------

  private Path dataDir() throws IOException {
    if (dataDir == null) {
      if (options.dataDir() != null) {
        dataDir = options.dataDir();
        Files.createDirectories(dataDir);
      } else {
        dataDir = Files.createTempDirectory("underway-sandbox-");
      }
      deleteDataDir = !options.keepData();
    }
    return dataDir;
  }

  /** Data directory in use (null before start). */
  public Path dataDirectory() {
    return dataDir;
  }

  /** The PostgreSQL cluster, for inspection; null with another engine. */
  public LocalPostgresCluster cluster() {
    return database instanceof LocalPostgresCluster c ? c : null;
  }

  /** The run's workflow id (null before it started). */
  public String runId() {
    return runId;
  }

  public WorkflowClient client() {
    return temporal == null ? null : temporal.client();
  }

  /** Stops everything started, in reverse order; safe to call twice and from a shutdown hook. */
  @Override
  public void close() {
    if (!closedBy.compareAndSet(null, Thread.currentThread().getName())) {
      return;
    }
    closing.countDown();
    while (!started.isEmpty()) {
      AutoCloseable c = started.pop();
      try {
        c.close();
      } catch (Exception e) {
        log.warn("While stopping {}: {}", c, e.toString());
      }
    }
    if (dataDir != null) {
      if (deleteDataDir) {
        try {
          Directories.deleteRecursively(dataDir);
          out.println("Stopped everything; removed " + dataDir);
        } catch (IOException e) {
          out.println("Stopped everything; could not remove " + dataDir + ": " + e.getMessage());
        }
      } else {
        out.println("Stopped everything; data kept in " + dataDir);
      }
      out.flush();
    }
  }
}
