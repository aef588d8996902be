package dev.underway.sandbox;

import dev.underway.runbooks.Runbook;
import dev.underway.sandbox.engine.Engine;
import dev.underway.runbooks.Runbooks;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Consumer;

/**
 * What the sandbox runs with. {@link #check()} refuses bad options, each with a sentence saying
 * what to change, before anything is started.
 *
 * @param runbook the runbook the sandbox runs (a name in {@link Runbooks}); one it has a scenario
 *     for ({@link #RUNBOOKS})
 * @param engine {@code postgres} (default) or {@code cockroach}
 * @param autoApprove approve every gate without asking
 * @param rate target operations per second of the load
 * @param concurrency load threads
 * @param writePercent share of writes in the load
 * @param dataDir where the database and Temporal keep their files; null: a temporary folder
 * @param keepData keep the data directory at the end
 * @param reportDir where report.json and report.html go
 * @param temporalBinary the {@code temporal} binary, when not on PATH
 * @param embeddedTemporal use the in-process Temporal even when the binary exists
 * @param temporalPort port of the embedded Temporal; null: a free one
 * @param settle how long the load runs before the evolution (baseline) and after it
 * @param pollInterval how often the local activities look again while waiting
 * @param statusInterval how often the sandbox reads the run's status
 * @param liveProgress rewrite one progress line in place (a terminal) instead of printing lines
 * @param rows the rows of the schema-change scenario's table; null: {@link #DEFAULT_ROWS}
 * @param benchmark also run what the scenario's benchmark needs (the schema change's: a raw
 *     batched {@code UPDATE} of the same rows and the backfill at several guard settings under
 *     the same load, after the run)
 * @param repeat how many times the whole scenario runs in one command, each a sandbox of its own
 *     (fresh Temporal, cluster and load), for a benchmark of medians ({@value #MIN_REPEAT} to
 *     {@value #MAX_REPEAT})
 */
public record SandboxOptions(
    String runbook,
    String engine,
    boolean autoApprove,
    double rate,
    int concurrency,
    int writePercent,
    Path dataDir,
    boolean keepData,
    Path reportDir,
    Path temporalBinary,
    boolean embeddedTemporal,
    Integer temporalPort,
    Duration settle,
    Duration pollInterval,
    Duration statusInterval,
    boolean liveProgress,
    Integer rows,
    boolean benchmark,
    int repeat) {

  /** The schema-change scenario's table size when {@code --rows} is not given. */
  public static final int DEFAULT_ROWS = 300_000;

  /** {@code --repeat}'s bounds. */
  public static final int MIN_REPEAT = 1;
  public static final int MAX_REPEAT = 9;

  public static final List<String> ENGINES = Arrays.stream(Engine.values()).map(Engine::id)
      .toList();

  /** The runbooks the sandbox has a scenario for; the first is the default. */
  public static final List<String> RUNBOOKS = List.of(Runbooks.CLUSTER_EVOLUTION.name(),
      Runbooks.SCHEMA_CHANGE.name());

  /** Defaults for everything; the report goes to {@code reportDir}. */
  public static SandboxOptions defaults(Path reportDir) {
    return new SandboxOptions(RUNBOOKS.get(0), "postgres", false, 200, 8, 50, null, false,
        reportDir, null, false, null, Duration.ofSeconds(10), Duration.ofMillis(500),
        Duration.ofMillis(250), false, null, false, 1);
  }

  /**
   * These options with what {@code change} sets on a copy of their fields, e.g. {@code
   * defaults(dir).with(o -> o.autoApprove = true)}.
   */
  public SandboxOptions with(Consumer<Fields> change) {
    Fields f = new Fields(this);
    change.accept(f);
    return new SandboxOptions(f.runbook, f.engine, f.autoApprove, f.rate, f.concurrency,
        f.writePercent, f.dataDir, f.keepData, f.reportDir, f.temporalBinary, f.embeddedTemporal,
        f.temporalPort, f.settle, f.pollInterval, f.statusInterval, f.liveProgress, f.rows,
        f.benchmark, f.repeat);
  }

  /** The fields, to change some of them ({@link #with}): records have no copy-with. */
  public static final class Fields {
    public String runbook;
    public String engine;
    public boolean autoApprove;
    public double rate;
    public int concurrency;
    public int writePercent;
    public Path dataDir;
    public boolean keepData;
    public Path reportDir;
    public Path temporalBinary;
    public boolean embeddedTemporal;
    public Integer temporalPort;
    public Duration settle;
    public Duration pollInterval;
    public Duration statusInterval;
    public boolean liveProgress;
    public Integer rows;
    public boolean benchmark;
    public int repeat;

    private Fields(SandboxOptions o) {
      runbook = o.runbook;
      engine = o.engine;
      autoApprove = o.autoApprove;
      rate = o.rate;
      concurrency = o.concurrency;
      writePercent = o.writePercent;
      dataDir = o.dataDir;
      keepData = o.keepData;
      reportDir = o.reportDir;
      temporalBinary = o.temporalBinary;
      embeddedTemporal = o.embeddedTemporal;
      temporalPort = o.temporalPort;
      settle = o.settle;
      pollInterval = o.pollInterval;
      statusInterval = o.statusInterval;
      liveProgress = o.liveProgress;
      rows = o.rows;
      benchmark = o.benchmark;
      repeat = o.repeat;
    }
  }

  /** Every problem with these options; empty when they are fine. Starts nothing. */
  public List<String> problems(Map<String, String> env) {
    List<String> problems = new ArrayList<>();
    runbookProblem().ifPresent(problems::add);
    String e = engine == null ? "" : engine;
    if (!ENGINES.contains(e)) {
      problems.add("--engine '" + engine + "' is not one of " + ENGINES);
    } else if (e.equals("cockroach")) {
      Optional<Path> cockroach = onPath("cockroach", env);
      if (cockroach.isEmpty()) {
        problems.add("--engine cockroach needs the cockroach binary on PATH, and there is none:"
            + " install CockroachDB, or leave --engine out to use PostgreSQL");
      }
    }
    if (rows != null && !Runbooks.SCHEMA_CHANGE.name().equals(runbook)) {
      problems.add("--rows applies to --runbook " + Runbooks.SCHEMA_CHANGE.name() + " only");
    } else if (rows != null && (rows < 1_000 || rows > 50_000_000)) {
      problems.add("--rows " + rows + " must be from 1000 to 50000000");
    }
    if (Runbooks.SCHEMA_CHANGE.name().equals(runbook) && !"postgres".equals(e)) {
      problems.add("--runbook " + runbook + " runs on PostgreSQL only: leave --engine out");
    }
    if (!(rate > 0) || rate > 20_000) {
      problems.add("--rate " + rate + " must be above 0 and at most 20000 operations per second");
    }
    if (concurrency < 1 || concurrency > 64) {
      problems.add("--concurrency " + concurrency + " must be from 1 to 64");
    }
    if (writePercent < 0 || writePercent > 100) {
      problems.add("--write-percent " + writePercent + " must be from 0 to 100");
    }
    if (temporalBinary != null && !Files.isExecutable(temporalBinary)) {
      problems.add("--temporal-binary " + temporalBinary + " is not an executable file");
    }
    if (temporalPort != null) {
      if (temporalPort < 1 || temporalPort > 65535) {
        problems.add("--temporal-port " + temporalPort + " is not a TCP port (1-65535)");
      } else if (!portFree(temporalPort)) {
        problems.add("--temporal-port " + temporalPort + " is in use on this machine: choose"
            + " another, or leave it out for a free one");
      }
    }
    writable("--data-dir", dataDir, problems);
    if (dataDir != null && Files.isDirectory(dataDir)) {
      try (var entries = Files.list(dataDir)) {
        if (entries.findAny().isPresent()) {
          problems.add("--data-dir " + dataDir + " is not empty: give a new or empty directory"
              + " (the sandbox removes its data directory at the end unless --keep-data)");
        }
      } catch (IOException ex) {
        problems.add("--data-dir " + dataDir + " cannot be read: " + ex.getMessage());
      }
    }
    if (reportDir == null) {
      problems.add("--report-dir is missing");
    } else {
      writable("--report-dir", reportDir, problems);
    }
    repeatProblem().ifPresent(problems::add);
    if (settle == null || settle.isNegative()) {
      problems.add("--settle must be zero or positive");
    }
    return problems;
  }

  /** Why {@code --repeat} does not fit: out of bounds, or without a benchmark to repeat. */
  private Optional<String> repeatProblem() {
    if (repeat < MIN_REPEAT || repeat > MAX_REPEAT) {
      return Optional.of("--repeat " + repeat + " must be from " + MIN_REPEAT + " to "
          + MAX_REPEAT + " (how many times the benchmark runs; each figure is their median)");
    }
    if (repeat > 1 && !benchmark) {
      return Optional.of("--repeat " + repeat + " repeats the benchmark: add --benchmark");
    }
    if (repeat > 1 && !autoApprove) {
      return Optional.of("--repeat " + repeat + " runs unattended: add --auto-approve");
    }
    return Optional.empty();
  }

  /** Why the sandbox cannot run {@link #runbook}: not a runbook, or one it has no scenario for. */
  private Optional<String> runbookProblem() {
    Optional<Runbook<?>> named = Runbooks.named(runbook);
    if (named.isEmpty()) {
      return Optional.of("--runbook '" + runbook + "' is not a runbook: the runbooks are "
          + Runbooks.names() + " (see underway runbooks)");
    }
    if (!RUNBOOKS.contains(runbook)) {
      return Optional.of("--runbook " + runbook + ": the sandbox cannot run it yet (it has a"
          + " scenario for " + String.join(", ", RUNBOOKS) + " only)");
    }
    return Optional.empty();
  }

  /** Throws {@link IllegalArgumentException} listing every problem. */
  public void check() {
    List<String> problems = problems(System.getenv());
    if (!problems.isEmpty()) {
      throw new IllegalArgumentException(String.join("\n", problems));
    }
  }

  private static void writable(String option, Path dir, List<String> problems) {
    if (dir == null) {
      return;
    }
    Path existing = dir.toAbsolutePath();
    while (existing != null && !Files.exists(existing)) {
      existing = existing.getParent();
    }
    if (existing == null || !Files.isDirectory(existing)) {
      problems.add(option + " " + dir + " cannot be created: "
          + (existing == null ? "no existing parent" : existing + " is not a directory"));
      return;
    }
    try {
      Path probe = Files.createTempFile(existing, ".underway-probe", "");
      Files.delete(probe);
    } catch (IOException | SecurityException ex) {
      problems.add(option + " " + dir + " is not writable (" + existing + ": "
          + ex.getClass().getSimpleName() + ")");
    }
  }

  static boolean portFree(int port) {
    try (ServerSocket s = new ServerSocket(port, 1, InetAddress.getLoopbackAddress())) {
      return true;
    } catch (IOException e) {
      return false;
    }
  }

  static Optional<Path> onPath(String name, Map<String, String> env) {
    for (String dir : env.getOrDefault("PATH", "").split(java.io.File.pathSeparator)) {
      if (!dir.isBlank() && Files.isExecutable(Path.of(dir, name))) {
        return Optional.of(Path.of(dir, name));
      }
    }
    return Optional.empty();
  }
}
