package dev.underway.sandbox;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import dev.underway.worker.Cli;
import dev.underway.worker.ExitCodes;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code underway sandbox} as a user types it: refusals before anything starts, the prompt. */
class SandboxCommandTest {

  private static Cli cli(Map<String, String> env) {
    return new Cli(o -> {
      throw new AssertionError("the sandbox starts its own Temporal; it must not connect");
    }, List::of, env, SandboxMain::commandLine);
  }

  /** A process told apart from a later one that reuses its pid. */
  private static String identity(ProcessHandle p) {
    return p.pid() + "@" + p.info().startInstant().map(Object::toString).orElse("?");
  }

  /** Processes under this JVM now (other tests' processes among them). */
  private static Set<String> descendants() {
    return ProcessHandle.current().descendants().map(SandboxCommandTest::identity)
        .collect(Collectors.toSet());
  }

  /**
   * The processes the command started that still run: under this JVM, alive, and not there
   * before it ran (another test's process that ends meanwhile changes nothing here).
   */
  private static List<String> startedAndRunning(Set<String> before) {
    return ProcessHandle.current().descendants()
        .filter(p -> p.isAlive() && !before.contains(identity(p)))
        .map(p -> p.pid() + " " + p.info().commandLine().orElse("?")).toList();
  }

  private static Cli.Result refused(Map<String, String> env, String... args) {
    Set<String> before = descendants();
    Cli.Result r = cli(env).run(args);
    assertThat(r.exitCode()).as(r.toString()).isEqualTo(ExitCodes.BAD_INPUT);
    assertThat(r.err()).contains("Nothing was started.").doesNotContain("\tat ");
    assertThat(startedAndRunning(before)).as("nothing left running").isEmpty();
    return r;
  }

  @Test
  void anEngineTheSandboxCannotRunIsRefused(@TempDir Path tmp) {
    Map<String, String> noCockroach = Map.of("PATH", tmp.toString());
    String reports = tmp.resolve("r").toString();
    assertThat(refused(noCockroach, "sandbox", "--engine", "mysql", "--report-dir", reports)
        .err()).contains("--engine 'mysql' is not one of [postgres, cockroach]");
    assertThat(refused(noCockroach, "sandbox", "--engine", "cockroach", "--report-dir", reports)
        .err()).contains("--engine cockroach needs the cockroach binary on PATH");
  }

  @Test
  void aRunbookTheSandboxCannotRunIsRefused(@TempDir Path tmp) {
    String reports = tmp.resolve("r").toString();
    assertThat(refused(Map.of(), "sandbox", "--runbook", "cluster-evolutoin", "--report-dir",
        reports).err()).contains("--runbook 'cluster-evolutoin' is not a runbook: the runbooks"
        + " are [cluster-evolution, drift-check, schema-change]");
    assertThat(refused(Map.of(), "sandbox", "--runbook", "drift-check", "--report-dir",
        reports).err()).contains("--runbook drift-check: the sandbox cannot run it yet (it has"
        + " a scenario for cluster-evolution, schema-change only)");
    assertThat(SandboxOptions.defaults(tmp).runbook()).isEqualTo("cluster-evolution");
    assertThat(SandboxOptions.defaults(tmp).problems(Map.of())).isEmpty();
  }

  @Test
  void theSchemaChangeScenarioTakesRowsOnPostgresOnly(@TempDir Path tmp) {
    String reports = tmp.resolve("r").toString();
    assertThat(refused(Map.of(), "sandbox", "--rows", "5000", "--report-dir", reports).err())
        .contains("--rows applies to --runbook schema-change only");
    assertThat(refused(Map.of(), "sandbox", "--runbook", "schema-change", "--rows", "10",
        "--report-dir", reports).err()).contains("--rows 10 must be from 1000 to 50000000");
    Path bin = tmp.resolve("bin");
    assertThat(SandboxOptions.defaults(tmp.resolve("r")).with(f -> {
      f.runbook = "schema-change";
      f.engine = "cockroach";
    }).problems(Map.of("PATH", bin.toString()))).contains(
        "--runbook schema-change runs on PostgreSQL only: leave --engine out");
    assertThat(SandboxOptions.defaults(tmp.resolve("r")).with(f -> {
      f.runbook = "schema-change";
      f.rows = 20_000;
    }).problems(Map.of())).isEmpty();
  }

  @Test
  void repeatIsFromOneToNineAndRepeatsAnUnattendedBenchmark(@TempDir Path tmp) {
    String reports = tmp.resolve("r").toString();
    for (String n : new String[] {"0", "10", "-1"}) {
      assertThat(refused(Map.of(), "sandbox", "--auto-approve", "--benchmark", "--repeat", n,
          "--report-dir", reports).err()).as(n).contains("--repeat " + n
          + " must be from 1 to 9 (how many times the benchmark runs; each figure is their"
          + " median)");
    }
    assertThat(refused(Map.of(), "sandbox", "--auto-approve", "--repeat", "3", "--report-dir",
        reports).err()).contains("--repeat 3 repeats the benchmark: add --benchmark");
    assertThat(refused(Map.of(), "sandbox", "--benchmark", "--repeat", "3", "--report-dir",
        reports).err()).contains("--repeat 3 runs unattended: add --auto-approve");
    assertThat(refused(Map.of(), "sandbox", "--auto-approve", "--benchmark", "--repeat", "2",
        "--keep-ui", "--report-dir", reports).err())
        .contains("--keep-ui keeps one run up: leave --repeat out to use it");
    assertThat(SandboxOptions.defaults(tmp).repeat()).as("default").isEqualTo(1);
    for (int n : new int[] {1, 3, 9}) {
      assertThat(SandboxOptions.defaults(tmp).with(o -> {
        o.repeat = n;
        o.benchmark = true;
        o.autoApprove = true;
      }).problems(Map.of())).as("--repeat %d", n).isEmpty();
    }
  }

  @Test
  void eachRepetitionHasItsOwnReportAndDataFolders(@TempDir Path tmp) {
    SandboxOptions o = SandboxOptions.defaults(tmp.resolve("r")).with(f -> {
      f.dataDir = tmp.resolve("d");
      f.repeat = 3;
    });
    SandboxOptions second = SandboxCommand.repetition(o, 2);
    assertThat(second.reportDir()).isEqualTo(tmp.resolve("r").resolve("run-2"));
    assertThat(second.dataDir()).isEqualTo(tmp.resolve("d").resolve("run-2"));
    assertThat(SandboxCommand.repetition(SandboxOptions.defaults(tmp.resolve("r")), 1)
        .dataDir()).as("a temporary folder per run when none is given").isNull();
  }

  @Test
  void cockroachEngineIsAcceptedWhenTheBinaryIsOnPath(@TempDir Path tmp) throws IOException {
    Path bin = Files.createDirectories(tmp.resolve("bin"));
    Path cockroach = Files.writeString(bin.resolve("cockroach"), "#!/bin/sh\nexit 0\n");
    cockroach.toFile().setExecutable(true);
    SandboxOptions o = SandboxOptions.defaults(tmp.resolve("r")).with(f -> f.engine = "cockroach");
    assertThat(o.problems(Map.of("PATH", bin.toString()))).isEmpty();
    assertThat(o.with(f -> f.engine = "Cockroach").problems(Map.of("PATH", bin.toString())))
        .as("engine names are exact").containsExactly(
            "--engine 'Cockroach' is not one of [postgres, cockroach]");
  }

  @Test
  void aPortInUseIsRefused(@TempDir Path tmp) throws IOException {
    try (ServerSocket taken = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      Cli.Result r = refused(Map.of(), "sandbox", "--temporal-port",
          Integer.toString(taken.getLocalPort()), "--report-dir", tmp.resolve("r").toString());
      assertThat(r.err()).contains("--temporal-port " + taken.getLocalPort()
          + " is in use on this machine");
    }
  }

  @Test
  void anUnwritableDataDirectoryIsRefused(@TempDir Path tmp) throws IOException {
    Path file = Files.writeString(tmp.resolve("a-file"), "not a directory");
    Cli.Result r = refused(Map.of(), "sandbox", "--data-dir", file.resolve("data").toString(),
        "--report-dir", tmp.resolve("r").toString());
    assertThat(r.err()).contains("--data-dir " + file.resolve("data") + " cannot be created: "
        + file + " is not a directory");
    Cli.Result proc = refused(Map.of(), "sandbox", "--data-dir", "/proc/underway",
        "--report-dir", tmp.resolve("r").toString());
    assertThat(proc.err()).contains("--data-dir /proc/underway is not writable");
  }

  @Test
  void aNonEmptyDataDirectoryIsRefusedSoNothingOfTheUsersIsRemoved(@TempDir Path tmp)
      throws IOException {
    Path dir = Files.createDirectories(tmp.resolve("mine"));
    Path precious = Files.writeString(dir.resolve("precious.txt"), "keep me");
    Cli.Result r = refused(Map.of(), "sandbox", "--data-dir", dir.toString(),
        "--report-dir", tmp.resolve("r").toString());
    assertThat(r.err()).contains("--data-dir " + dir + " is not empty");
    assertThat(precious).hasContent("keep me");
  }

  @Test
  void everyProblemIsListedAtOnce(@TempDir Path tmp) {
    Cli.Result r = refused(Map.of(), "sandbox", "--engine", "oracle", "--rate", "0",
        "--concurrency", "0", "--report-dir", tmp.resolve("r").toString());
    assertThat(r.err()).contains("--engine 'oracle'").contains("--rate 0.0 must be above 0")
        .contains("--concurrency 0 must be from 1 to 64");
  }

  @Test
  void gatesAreApprovedAtThePrompt(@TempDir Path tmp) throws IOException {
    Cli.Result r = cli(System.getenv()).stdin("y\ny\n").run("sandbox", "--embedded-temporal",
        "--rate", "40", "--concurrency", "2", "--settle", "PT1S",
        "--report-dir", tmp.resolve("r").toString(), "--data-dir", tmp.resolve("d").toString());
    assertThat(r.exitCode()).as(r.toString()).isZero();
    assertThat(r.out()).contains("Or type y (approve) or n (reject) and Enter here.")
        .contains("underway approve cluster-evolution-local-sandbox --gate phase-1 --plan ")
        .contains("Approved phase-1").contains("Approved phase-2")
        .contains("Run ended COMPLETED")
        .contains("Stopped everything; removed " + tmp.resolve("d"));
    assertThat(tmp.resolve("r").resolve("report.html")).exists();
    assertThat(tmp.resolve("d")).doesNotExist();
  }
}
