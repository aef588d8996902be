package dev.underway.worker;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.underway.sandbox.engine.postgres.LocalPostgresCluster;
import dev.underway.temporal.DevServerBinary;
import dev.underway.temporal.DevServerFixture;
import dev.underway.workflows.drift.DriftCheckWorkflow;
import dev.underway.workflows.drift.DriftCheckWorkflowImpl;
import dev.underway.workflows.drift.DriftReport;
import dev.underway.kernel.RunState;
import dev.underway.kernel.RunStatus;
import dev.underway.workflows.evolution.Requests;
import io.temporal.client.WorkflowClient;
import io.temporal.client.schedules.ScheduleClient;
import io.temporal.client.schedules.ScheduleHandle;
import io.temporal.worker.Worker;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Scheduled drift checks on the REAL Temporal dev server (the in-memory test server has no
 * schedules) against a REAL local PostgreSQL cluster at Phase 0. The schedule is created once
 * with {@code underway schedule create} and once with {@code temporal schedule create} run
 * exactly as runbooks/drift-check.md shows; each is triggered and its run's result read: no
 * drift; then a standby is added behind Underway's back and the next check reports it.
 */
class ScheduleDriftCheckTest {

  static final String TQ = "underway"; // the runbook's commands use the default task queue
  static final Path REPO = Path.of("..").toAbsolutePath().normalize();
  static final String INPUT = "runbooks/drift-check/sandbox-phase-0.json";
  static final String SCHEDULE_ID = "drift-check-local-sandbox";
  static final Duration WAIT = Duration.ofSeconds(60);

  @Test
  void scheduledCheckFindsNoDriftThenReportsAChangeMadeBehindUnderwaysBack(@TempDir Path tmp)
      throws Exception {
    DevServerBinary.requireOrSkip(); // before the cluster is made
    try (LocalPostgresCluster cluster = LocalPostgresCluster.create(
        LocalPostgresCluster.Options.in(tmp.resolve("db")));
        DevServerFixture temporal = DevServerFixture.start(tmp.resolve("temporal"), false)) {
      cluster.setDisruptionBudget(0); // Phase 0 as an evolution leaves it: RF 1, budget 0
      String address = temporal.server().address();
      WorkflowClient client = temporal.client();
      Worker worker = temporal.newWorker(TQ);
      worker.registerWorkflowImplementationTypes(DriftCheckWorkflowImpl.class);
      worker.registerActivitiesImplementations(cluster.activities(Duration.ofMillis(100))
          .toArray());
      temporal.startWorkers();
      ScheduleClient schedules = ScheduleCommand.schedules(client);
      Cli underway = new Cli(new GrpcTemporalConnector(), List::of, Map.of("USER", "test"));

      // 1. underway schedule create + trigger --wait: no drift
      Cli.Result created = underway.run("schedule", "create", "--input-file",
          REPO.resolve(INPUT).toString(), "--every", "1h", "--address", address);
      assertThat(created.exitCode()).as(created.toString()).isZero();
      assertThat(created.out()).contains("Created schedule " + SCHEDULE_ID,
          "DriftCheck of local/sandbox against phase-0 every PT1H");
      Cli.Result clean = underway.run("schedule", "trigger", SCHEDULE_ID, "--wait",
          "--address", address);
      assertThat(clean.exitCode()).as(clean.toString()).isZero();
      assertThat(clean.out()).contains("local/sandbox matches phase-0: no drift",
          "observed: 1 node(s) (1 ready, 1 live), num_replicas 1 on 1 zone(s)");

      Cli.Result again = underway.run("schedule", "create", "--input-file",
          REPO.resolve(INPUT).toString(), "--every", "1h", "--address", address);
      assertThat(again.exitCode()).as(again.toString()).isEqualTo(ExitCodes.FAILED);
      assertThat(again.err()).contains("schedule '" + SCHEDULE_ID + "' already exists");

      Cli.Result deleted = underway.run("schedule", "delete", SCHEDULE_ID, "--address",
          address);
      assertThat(deleted.exitCode()).as(deleted.toString()).isZero();
      Cli.Result gone = underway.run("schedule", "trigger", SCHEDULE_ID, "--address",
          address);
      assertThat(gone.exitCode()).as(gone.toString()).isEqualTo(ExitCodes.FAILED);
      assertThat(gone.err()).contains("no schedule '" + SCHEDULE_ID + "'");

      // 2. temporal schedule create, exactly as the runbook shows; temporal schedule trigger
      List<String> create = new ArrayList<>(runbookCommand("temporal schedule create"));
      create.addAll(List.of("--address", address));
      temporalCli(create, tmp);
      ScheduleHandle handle = schedules.getHandle(SCHEDULE_ID);
      DriftReport noDrift = triggerAndRead(client, handle, address, tmp);
      assertThat(noDrift.drifted()).as(noDrift.toString()).isFalse();
      assertThat(noDrift.drift()).isEmpty();
      assertThat(noDrift.declaredPhase().name()).isEqualTo("phase-0");
      assertThat(cluster.nodeCount()).as("the check changed nothing").isEqualTo(1);

      // 3. behind Underway's back: a standby added by hand
      cluster.addStandby();
      await().atMost(WAIT).until(() -> cluster.readyNodeCount() == 2);
      DriftReport drift = triggerAndRead(client, handle, address, tmp);
      assertThat(drift.drifted()).isTrue();
      assertThat(drift.drift()).contains("StatefulSet has 2 replicas, phase wants 1");
      assertThat(drift.summary()).startsWith("2 node(s) (2 ready");

      Cli.Result reported = underway.run("schedule", "trigger", SCHEDULE_ID, "--wait",
          "--address", address);
      assertThat(reported.exitCode()).as(reported.toString()).isEqualTo(ExitCodes.FAILED);
      assertThat(reported.out()).as(reported.toString()).contains("local/sandbox DRIFTED from phase-0",
          "- StatefulSet has 2 replicas, phase wants 1");
      assertThat(cluster.nodeCount()).as("the checks changed nothing").isEqualTo(2);
      handle.delete();
    }
  }

  /** {@code temporal schedule trigger} (the CLI), then the new run's result and status. */
  private static DriftReport triggerAndRead(WorkflowClient client, ScheduleHandle handle,
      String address, Path tmp) throws Exception {
    Set<String> before = new HashSet<>(ScheduleCommand.startedWorkflowIds(handle));
    ScheduleCommand.awaitNextSecond(handle); // ids end in whole seconds: see there
    temporalCli(List.of("temporal", "schedule", "trigger", "--schedule-id", handle.getId(),
        "--address", address), tmp);
    String workflowId = await().atMost(WAIT).until(
        () -> ScheduleCommand.startedWorkflowIds(handle).stream()
            .filter(id -> !before.contains(id)).findFirst().orElse(null), id -> id != null);
    assertThat(workflowId).startsWith(SCHEDULE_ID + "-");
    DriftReport report = client.newUntypedWorkflowStub(workflowId)
        .getResult(WAIT.toSeconds(), TimeUnit.SECONDS, DriftReport.class);
    RunStatus status = client.newWorkflowStub(DriftCheckWorkflow.class, workflowId).status();
    assertThat(status.state()).isEqualTo(RunState.COMPLETED);
    assertThat(Requests.TEMPORAL_JSON.convertValue(status.result(), DriftReport.class))
        .isEqualTo(report);
    return report;
  }

  /** The runbook's shell block that starts with {@code prefix}, as arguments. */
  static List<String> runbookCommand(String prefix) throws Exception {
    String runbook = Files.readString(REPO.resolve("runbooks/drift-check.md"));
    Matcher m = Pattern.compile("```sh\\n(.*?)```", Pattern.DOTALL).matcher(runbook);
    while (m.find()) {
      String command = m.group(1).replace("\\\n", " ").trim();
      if (command.startsWith(prefix)) {
        return List.of(command.split("\\s+"));
      }
    }
    throw new AssertionError("runbooks/drift-check.md has no ```sh block starting with "
        + prefix);
  }

  /** Runs the {@code temporal} CLI in the repository's root, as an operator would. */
  private static void temporalCli(List<String> command, Path tmp) throws Exception {
    List<String> args = new ArrayList<>(command);
    args.set(0, DevServerBinary.requireOrSkip().toString());
    Path log = Files.createTempFile(tmp, "temporal-cli", ".log");
    Process p = new ProcessBuilder(args).directory(REPO.toFile()).redirectErrorStream(true)
        .redirectOutput(log.toFile()).start();
    try {
      assertThat(p.waitFor(60, TimeUnit.SECONDS)).as("%s finished", args).isTrue();
      assertThat(p.exitValue()).as("%s: %s", args,
          Files.readString(log, StandardCharsets.UTF_8)).isZero();
    } finally {
      p.destroyForcibly();
    }
  }
}
