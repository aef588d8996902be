package dev.underway.worker;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.underway.kernel.RunState;
import dev.underway.kernel.RunStatus;
import dev.underway.runbooks.Runbooks;
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
    for (var runbook : Runbooks.ALL) {
      assertThat(r.out()).contains(runbook.name() + "  (workflow type " + runbook.workflowType())
          .contains("runbooks/" + runbook.examples().get(0));
    }
    assertThat(Runbooks.names()).containsExactly("cluster-evolution", "drift-check",
        "schema-change");
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
    assertThat(unknown.err()).contains("--runbook schema-changes: no such runbook (runbooks:"
        + " [cluster-evolution, drift-check, schema-change])");

    Cli.Result wrongShape = cli.run("start", "--runbook", "drift-check", "--input-file",
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
  void theWorkerServesEveryRunbookItsActivitiesCover() {
    List<Object> both = List.of(InMemoryCluster.atPhase0().activities());
    assertThat(Runbooks.ALL).filteredOn(r -> r.servedBy(both))
        .containsExactly(Runbooks.CLUSTER_EVOLUTION, Runbooks.DRIFT_CHECK);
    assertThat(Runbooks.ALL).noneMatch(r -> r.servedBy(List.of(both.get(0))));
    assertThat(Runbooks.ALL).filteredOn(r -> r.servedBy(List.of(new InMemoryTable())))
        .containsExactly(Runbooks.SCHEMA_CHANGE);
    assertThat(Runbooks.owning("schema-change-db-5432-shop-public.orders"))
        .contains(Runbooks.SCHEMA_CHANGE);
    assertThat(Runbooks.owning(Requests.TARGET.namespace())).isEmpty();
    assertThat(Runbooks.owning("cluster-evolution-underway-demo-cockroachdb"))
        .contains(Runbooks.CLUSTER_EVOLUTION);
  }
}
