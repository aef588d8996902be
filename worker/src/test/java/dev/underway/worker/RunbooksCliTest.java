package dev.underway.worker;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.underway.kernel.RunState;
import dev.underway.kernel.RunStatus;
import dev.underway.runbooks.Runbook;
import dev.underway.runbooks.Runbooks;
import dev.underway.runbooks.TestRunbooks;
import dev.underway.workflows.schema.contract.SchemaChangeActivities;
import dev.underway.workflows.drift.DriftCheckWorkflow;
import dev.underway.workflows.evolution.InMemoryCluster;
import dev.underway.workflows.evolution.Requests;
import dev.underway.workflows.schema.InMemoryTable;
import io.temporal.client.WorkflowStub;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The command line treats every registered runbook alike: {@code runbooks} lists them, {@code
 * start} takes {@code --runbook} or recognises the request, {@code status} answers for any run.
 * In-memory test server; the cluster is the in-memory STAND-IN.
 */
class RunbooksCliTest {
  static final String TQ = CliTestEnvironment.TASK_QUEUE;

  CliTestEnvironment support;
  Cli cli;

  @AfterEach
  void close() {
    if (support != null) {
      support.close();
    }
  }

  private void startAt(InMemoryCluster cluster) {
    support = new CliTestEnvironment(cluster);
    cli = support.cli();
  }

  private static String example(String path) throws Exception {
    return Path.of(RunbooksCliTest.class.getResource("/runbooks/" + path).toURI()).toString();
  }

  @Test
  void runbooksListsEveryRunbookWithItsExamples() {
    startAt(InMemoryCluster.atPhase0());
    Cli.Result r = cli.run("runbooks");
    assertThat(r.exitCode()).as(r.toString()).isZero();
    assertThat(Runbooks.ALL).isNotEmpty();
    assertThat(Runbooks.names()).doesNotHaveDuplicates();
    StringBuilder expected = new StringBuilder();
    for (Runbook<?> runbook : Runbooks.ALL) {
      expected.append(RunbooksCommand.describe(runbook));
      assertThat(r.out()).contains(runbook.name() + "  (workflow type " + runbook.workflowType())
          .contains(runbook.activityInterfaces().get(0).getSimpleName());
      for (String example : runbook.examples()) {
        assertThat(r.out()).contains("underway start --runbook " + runbook.name()
            + " --input-file runbooks/" + example + "\n");
      }
    }
    assertThat(r.out()).isEqualTo(expected.toString());
  }

  @Test
  void aRunbookWithNoExampleOrSeveralIsListedAsItIs() {
    String none = RunbooksCommand.describe(TestRunbooks.reindex(List.of("index"), List.of()));
    assertThat(none).contains("  start:      underway start --runbook reindex-index"
        + " --input-file FILE (no example input").contains("activities: ReindexActivities")
        .contains("recognised: a request with index (or --runbook reindex-index)");
    String two = RunbooksCommand.describe(TestRunbooks.reindex(List.of("index"),
        List.of("reindex/one.json", "reindex/two.json")));
    assertThat(two).contains(
        "  start:      underway start --runbook reindex-index --input-file"
            + " runbooks/reindex/one.json\n"
            + "              underway start --runbook reindex-index --input-file"
            + " runbooks/reindex/two.json\n");
  }

  @Test
  void aDriftCheckRequestStartsADriftCheckAndItsStatusIsTheCommonOne() throws Exception {
    startAt(InMemoryCluster.atPhase1());
    Cli.Result started = cli.run("start", "--input-file", example("drift-check/phase-1.json"),
        "--task-queue", TQ);
    assertThat(started.exitCode()).as(started.toString()).isZero();
    assertThat(started.out()).contains("Started " + DriftCheckWorkflow.TYPE + " for ");
    String id = started.out().lines().filter(l -> l.contains("workflow id:"))
        .map(l -> l.substring(l.indexOf(':') + 1).strip()).findFirst().orElseThrow();
    assertThat(id).startsWith(DriftCheckWorkflow.RUNBOOK + "-");

    WorkflowStub stub = support.client.newUntypedWorkflowStub(id);
    await().atMost(Duration.ofSeconds(60)).until(() -> stub.query(
        DriftCheckWorkflow.QUERY_STATUS, RunStatus.class).state() == RunState.COMPLETED);
    Cli.Result status = cli.run("status", id);
    assertThat(status.exitCode()).as(status.toString()).isZero();
    assertThat(status.out()).contains("COMPLETED").contains("no drift")
        .contains("validate").contains("compare");
  }

  @Test
  void anExplicitRunbookWinsAndAnUnknownOneIsNamed() throws Exception {
    startAt(InMemoryCluster.atPhase0());
    Cli.Result unknown = cli.run("start", "--runbook", "schema-changes", "--input-file",
        example("cluster-evolution/evolve.json"), "--task-queue", TQ);
    assertThat(unknown.exitCode()).isEqualTo(2);
    assertThat(unknown.err()).contains("--runbook schema-changes: no such runbook (runbooks: "
        + Runbooks.names() + ")");

    Cli.Result wrongShape = cli.run("start", "--runbook", Runbooks.DRIFT_CHECK.name(),
        "--input-file",
        example("cluster-evolution/evolve.json"), "--task-queue", TQ);
    assertThat(wrongShape.exitCode()).as(wrongShape.toString()).isEqualTo(2);
    assertThat(wrongShape.err()).contains("unknown field");

    Cli.Result noDryRun = cli.run("plan", "--input-file", example("drift-check/phase-1.json"),
        "--task-queue", TQ);
    assertThat(noDryRun.exitCode()).isEqualTo(2);
    assertThat(noDryRun.err()).contains("runbook drift-check has no dry run");
    assertThat(support.cluster.calls()).isEmpty();
  }

  @Test
  void aRequestNoRunbookTakesIsRefusedNamingTheRunbooksAndTheOption() {
    startAt(InMemoryCluster.atPhase0());
    Cli.Result both = cli.run("start", "--input", "{\"declared\": {}, \"change\": {}}",
        "--task-queue", TQ);
    assertThat(both.exitCode()).as(both.toString()).isEqualTo(2);
    assertThat(both.err()).contains("cannot tell which runbook --input is for: no runbook takes"
        + " this request (its fields: change, declared; ")
        .contains("Name it with --runbook NAME (runbooks: " + Runbooks.names() + ")");
    for (Runbook<?> r : Runbooks.ALL) {
      assertThat(both.err()).contains(r.name() + " takes a request with");
    }
    Cli.Result typo = cli.run("start", "--input", "{\"targt\": {}}", "--task-queue", TQ);
    assertThat(typo.exitCode()).as(typo.toString()).isEqualTo(2);
    assertThat(typo.err()).contains("unknown field 'targt'").contains("read as a "
        + Runbooks.CLUSTER_EVOLUTION.name() + " request, the runbook it comes nearest to");
    assertThat(cli.connects.get()).isZero();
  }

  @Test
  void theWorkerServesEveryRunbookItsActivitiesCover() {
    List<Object> both = List.of(InMemoryCluster.atPhase0().activities());
    assertThat(Runbooks.ALL).filteredOn(r -> r.servedBy(both))
        .containsExactly(Runbooks.CLUSTER_EVOLUTION, Runbooks.DRIFT_CHECK);
    assertThat(Runbooks.SCHEMA_CHANGE.missingActivities(both))
        .containsExactly(SchemaChangeActivities.class);
    assertThat(Runbooks.ALL).noneMatch(r -> r.servedBy(List.of(both.get(0))));
    assertThat(Runbooks.ALL).filteredOn(r -> r.servedBy(List.of(new InMemoryTable())))
        .containsExactly(Runbooks.SCHEMA_CHANGE);
    assertThat(Runbooks.owning(Requests.TARGET.namespace())).isEmpty();
  }

  @Test
  void everyExamplesRunIsOwnedByItsRunbook() throws Exception {
    for (Runbook<?> runbook : Runbooks.ALL) {
      for (String example : runbook.examples()) {
        String id = workflowId(runbook, Requests.runbookFile(example));
        assertThat(Runbooks.owning(id)).as(example + " runs as " + id).contains(runbook);
      }
    }
  }

  private static <R> String workflowId(Runbook<R> runbook, String json) throws Exception {
    return runbook.workflowId(MAPPER.readValue(json, runbook.requestType()));
  }

  static final com.fasterxml.jackson.databind.ObjectMapper MAPPER =
      io.temporal.common.converter.JacksonJsonPayloadConverter.newDefaultObjectMapper();
}
