package dev.underway.temporal;

import dev.underway.kernel.TestSenders;
import static dev.underway.temporal.TemporalCli.pick;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import dev.underway.workflows.evolution.ClusterEvolutionWorkflowImpl;
import dev.underway.workflows.evolution.InMemoryCluster;
import io.temporal.api.history.v1.HistoryEvent;
import io.temporal.client.WorkflowClient;
import io.temporal.worker.Worker;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The operator's runbook ({@code runbooks/cluster-evolution.md}) run for real: its {@code
 * temporal workflow ...} command lines, taken from its {@code ```bash} blocks and run verbatim
 * by the real {@code temporal} CLI (only {@code --address} appended) in the repository root,
 * against the real Temporal dev server. If a line in the runbook is wrong, this fails.
 *
 * <p>The worker is in-process with an IN-MEMORY STAND-IN cluster ({@link InMemoryCluster}): what
 * is proven here is the operator's path through Temporal (start, query, list, signal, update,
 * describe), not the cluster changes (the sandbox and crash tests use real PostgreSQL).
 */
class RunbookCliTest {

  static final String ID = "cluster-evolution-underway-demo-cockroachdb";
  static final String TASK_QUEUE = "underway"; // the runbook's

  @Test
  void theRunbooksTemporalCommandsTakeARunFromStartToCompletion(@TempDir Path tmp)
      throws Exception {
    List<String> commands = TemporalCli.workflowCommands(
        TemporalCli.runbook("cluster-evolution.md"));
    String dryRun = pick(commands, "workflow execute", "plan.json");
    String start = pick(commands, "workflow start", "--input-file runbooks/cluster-evolution/evolve.json");
    String list = pick(commands, "workflow list",
        "--query 'ExecutionStatus = \"Running\" AND UnderwayState = \"WAITING_FOR_APPROVAL\"'");
    String status = pick(commands, "workflow query", "--name status");
    String approvePhase1BySignal = pick(commands, "workflow signal", "--name approve",
        "\"gate\":\"phase-1\"", "\"by\":\"bob\"");
    String decidePhase1 = pick(commands, "workflow update execute", "--name decide",
        "\"gate\":\"phase-1\"", "\"decision\":\"approve\"");
    String decidePhase2 = pick(commands, "workflow update execute", "--name decide",
        "\"gate\":\"phase-2\"", "\"decision\":\"approve\"");
    String describe = pick(commands, "workflow describe");

    InMemoryCluster cluster = InMemoryCluster.atPhase0();
    try (DevServerFixture temporal = DevServerFixture.start(tmp.resolve("temporal"), false)) {
      WorkflowClient client = temporal.client();
      Worker worker = temporal.newWorker(TASK_QUEUE);
      worker.registerWorkflowImplementationTypes(ClusterEvolutionWorkflowImpl.class);
      worker.registerActivitiesImplementations(cluster.activities());
      TestSenders.register(worker);
      temporal.startWorkers();
      TemporalCli cli = new TemporalCli(temporal.binary(), TemporalCli.repositoryRoot(),
          temporal.server().address(), tmp);

      // §2: the dry run plans every phase and changes nothing.
      TemporalCli.Result planned = cli.run(dryRun);
      assertThat(planned.exitCode()).as(planned.toString()).isZero();
      assertThat(planned.stdout()).as(planned.toString()).contains("DRY_RUN_COMPLETED");
      assertThat(cluster.mutatingCalls()).isEmpty();

      // §3: start; a second start while it runs is refused by Temporal.
      TemporalCli.Result started = cli.run(start);
      assertThat(started.exitCode()).as(started.toString()).isZero();
      assertThat(started.stdout()).contains(ID);
      TemporalCli.Result again = cli.run(start);
      assertThat(again.exitCode()).as(again.toString()).isNotZero();
      java.util.regex.Matcher runId = java.util.regex.Pattern.compile("RunId\\s+(\\S+)")
          .matcher(started.stdout());
      assertThat(runId.find()).as(started.toString()).isTrue();
      assertThat(again.output()).as(again.toString()).contains(
          "Workflow execution is already running", "RunId: " + runId.group(1));

      // §4: the gate opens; the run is listed as waiting; the status shows the gate.
      JsonNode atGate1 = awaitStatus(cli, status, s -> "phase-1".equals(
          s.path("openGate").path("gate").asText()));
      assertThat(atGate1.path("state").asText()).isEqualTo("WAITING_FOR_APPROVAL");
      assertThat(atGate1.path("openGate").path("text").asText())
          .contains("RF 2 tolerates ZERO node failures");
      await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(500))
          .untilAsserted(() -> {
            TemporalCli.Result listed = cli.run(list);
            assertThat(listed.exitCode()).as(listed.toString()).isZero();
            assertThat(listed.stdout()).as(listed.toString()).contains(ID);
          });

      // A decision for a gate that is not open is refused to the operator, at once, and
      // leaves no trace in the run's history (the validator refused it before it was
      // accepted: the server recorded nothing).
      List<HistoryEvent> beforeRefusal = client.fetchHistory(ID).getEvents();
      TemporalCli.Result early = cli.run(decidePhase2);
      assertThat(early.exitCode()).as(early.toString()).isEqualTo(1);
      assertThat(early.output()).as(early.toString())
          .contains("gate 'phase-2' is not open (open now: phase-1)");
      assertThat(client.fetchHistory(ID).getEvents()).as("the history after a refused update")
          .isEqualTo(beforeRefusal);
      assertThat(cluster.mutatingCalls()).as("nothing changes before an approval").isEmpty();

      // Approve phase-1 with the runbook's signal (bob: alice may not approve her own run).
      TemporalCli.Result signalled = cli.run(approvePhase1BySignal);
      assertThat(signalled.exitCode()).as(signalled.toString()).isZero();

      awaitStatus(cli, status, s -> "phase-2".equals(s.path("openGate").path("gate").asText()));
      assertThat(cluster.nodes()).isEqualTo(2);
      // The phase-1 line, once phase-1 is decided: refused, with the runbook's example text.
      TemporalCli.Result late = cli.run(decidePhase1);
      assertThat(late.exitCode()).as(late.toString()).isEqualTo(1);
      assertThat(late.output()).as(late.toString())
          .contains("unable to update workflow: gate 'phase-1' is not open (open now: phase-2)");

      TemporalCli.Result decided = cli.run(decidePhase2);
      assertThat(decided.exitCode()).as(decided.toString()).isZero();

      // §5: the run completes; the status keeps every decision; describe says Completed.
      JsonNode done = awaitStatus(cli, status, s -> !s.path("state").asText()
          .matches("RUNNING|WAITING_FOR_APPROVAL"));
      assertThat(done.path("state").asText()).as(done.toPrettyString()).isEqualTo("COMPLETED");
      assertThat(done.path("openGate").isNull()).isTrue();
      List<String> accepted = new java.util.ArrayList<>();
      done.path("decisions").forEach(d -> {
        if (d.path("accepted").asBoolean()) {
          accepted.add(d.path("gate").asText() + " " + d.path("kind").asText() + " by "
              + d.path("by").asText() + " via " + d.path("via").asText());
        }
      });
      assertThat(accepted).containsExactly("phase-1 approve by bob via signal",
          "phase-2 approve by bob via update");
      TemporalCli.Result described = cli.run(describe);
      assertThat(described.exitCode()).as(described.toString()).isZero();
      assertThat(described.stdout()).as(described.toString()).containsPattern("Results:\\s+RunTime.*\\s+Status\\s+COMPLETED\\s");
      await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(500))
          .untilAsserted(() -> {
            TemporalCli.Result listed = cli.run(list);
            assertThat(listed.exitCode()).as(listed.toString()).isZero();
            assertThat(listed.stdout()).as("no longer waiting at a gate: " + listed)
                .doesNotContain(ID);
          });

      assertThat(cluster.nodes()).isEqualTo(3);
      assertThat(cluster.zones()).isEqualTo(InMemoryCluster.zonesAt(3));
      assertThat(cluster.hasReaderUser()).isTrue();
      assertThat(cluster.budget()).isEqualTo(1);
    }
  }

  private static JsonNode awaitStatus(TemporalCli cli, String status,
      java.util.function.Predicate<JsonNode> condition) {
    JsonNode[] last = new JsonNode[1];
    await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(300))
        .until(() -> {
          last[0] = cli.run(status).queryResult();
          return condition.test(last[0]);
        });
    return last[0];
  }
}
