package dev.underway.worker;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.underway.workflows.evolution.model.EvolutionResult;
import dev.underway.kernel.RunStatus;
import dev.underway.kernel.RunState;
import dev.underway.workflows.evolution.ClusterEvolutionWorkflow;
import dev.underway.workflows.evolution.InMemoryCluster;
import dev.underway.workflows.evolution.Requests;
import io.temporal.client.WorkflowStub;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The client commands against the SDK's in-memory test server, with a worker whose activities
 * are {@link InMemoryCluster}, an in-memory STAND-IN for Kubernetes and CockroachDB.
 */
class UnderwayCliTest {
  static final String TQ = CliTestEnvironment.TASK_QUEUE;
  static final String ID = "cluster-evolution-underway-demo-cockroachdb";

  CliTestEnvironment support;
  Cli cli;

  void startAt(InMemoryCluster cluster) {
    support = new CliTestEnvironment(cluster);
    cli = support.cli();
  }

  @AfterEach
  void close() {
    if (support != null) {
      support.close();
    }
  }

  static Path runbook(String name) throws URISyntaxException {
    return Path.of(UnderwayCliTest.class.getResource("/runbooks/cluster-evolution/" + name)
        .toURI());
  }

  Cli.Result start(String file) throws URISyntaxException {
    return cli.run("start", "--input-file", runbook(file).toString(), "--task-queue", TQ);
  }

  static RunStatus awaitGate(WorkflowStub stub, String gate) {
    return await().atMost(Duration.ofSeconds(60)).until(
        () -> stub.query(ClusterEvolutionWorkflow.QUERY_STATUS, RunStatus.class),
        s -> s.openGate() != null && s.openGate().gate().equals(gate));
  }

  @Test
  void startThenApproveByUpdateAndBySignalThenStatusShowsGateAndDecisions() throws Exception {
    startAt(InMemoryCluster.atPhase0());
    Cli.Result started = start("evolve.json");
    assertThat(started.exitCode()).as(started.toString()).isZero();
    assertThat(started.out()).contains("workflow id: " + ID).contains("run id:")
        .contains("Next: underway status " + ID);

    WorkflowStub stub = support.client.newUntypedWorkflowStub(ID);
    awaitGate(stub, "phase-1");
    Cli.Result status = cli.run("status", ID);
    assertThat(status.exitCode()).as(status.toString()).isZero();
    assertThat(status.out())
        .contains("WAITING_FOR_APPROVAL")
        .contains("underway-demo/cockroachdb")
        .contains("requested by: alice")
        .contains("Open gate: phase-1")
        .contains("Gate phase-1 for underway-demo/cockroachdb")
        .contains("temporal workflow update execute --workflow-id " + ID + " --name decide")
        .contains("underway approve " + ID + " --gate phase-1 --plan ")
        .containsPattern("Plan digest: [0-9a-f]{8}")
        .contains("From here (replace YOUR-NAME and the comment):\n    underway approve " + ID
            + " --gate phase-1 --plan ")
        .contains("    underway abort " + ID + " --by YOUR-NAME --comment 'why'\n");

    Cli.Result approved = cli.run("approve", ID, "--gate", "phase-1", "--by", "bob",
        "--comment", "dashboards green");
    assertThat(approved.exitCode()).as(approved.toString()).isZero();
    assertThat(approved.out()).contains("Approved gate phase-1 of " + ID + " as bob")
        .containsPattern("For its plan [0-9a-f]{8} \\(as the gate shows it now\\)");

    awaitGate(stub, "phase-2");
    // no --gate: the open gate is used, and named
    Cli.Result signalled = cli.run("approve", ID, "--by", "bob", "--signal", "--comment", "go");
    assertThat(signalled.exitCode()).as(signalled.toString()).isZero();
    assertThat(signalled.out()).contains("Deciding the open gate: phase-2")
        .contains("Sent signal approve for gate phase-2");

    EvolutionResult result = stub.getResult(EvolutionResult.class);
    assertThat(result.state()).isEqualTo(RunState.COMPLETED);
    assertThat(support.cluster.nodes()).isEqualTo(3);

    Cli.Result after = cli.run("status", ID);
    assertThat(after.exitCode()).as(after.toString()).isZero();
    assertThat(after.out())
        .contains("COMPLETED")
        .contains("No gate is open.")
        .containsPattern("bob \\(Temporal identity: \\S+\\) approve gate phase-1 via update:"
            + " accepted - \"dashboards green\"")
        .containsPattern("bob \\(Temporal identity: \\S+\\) approve gate phase-2 via signal:"
            + " accepted - \"go\"")
        .contains("Timeline:")
        .contains("phase-2");

    Cli.Result json = cli.run("status", ID, "--json");
    assertThat(json.exitCode()).isZero();
    RunStatus parsed = Requests.TEMPORAL_JSON.readValue(json.out(), RunStatus.class);
    assertThat(parsed.state()).isEqualTo(RunState.COMPLETED);
    assertThat(parsed.decisions()).hasSize(2);

    Cli.Result late = cli.run("approve", ID, "--gate", "phase-2", "--by", "bob");
    assertThat(late.exitCode()).as(late.toString()).isEqualTo(1);
    assertThat(late.err()).contains("run " + ID + " has already ended").contains("COMPLETED")
        .doesNotContain("\tat ");
  }

  @Test
  void refusedUpdatePrintsTheValidatorsMessageAndExits1() throws Exception {
    startAt(InMemoryCluster.atPhase0());
    assertThat(start("evolve.json").exitCode()).isZero();
    WorkflowStub stub = support.client.newUntypedWorkflowStub(ID);
    awaitGate(stub, "phase-1");

    Cli.Result notApprover = cli.run("approve", ID, "--gate", "phase-1", "--by", "mallory");
    assertThat(notApprover.exitCode()).as(notApprover.toString()).isEqualTo(1);
    assertThat(notApprover.err())
        .contains("refused: mallory is not an approver of this run (approvers: [alice, bob])")
        .doesNotContain("\tat ");

    Cli.Result self = cli.run("approve", ID, "--gate", "phase-1", "--by", "alice");
    assertThat(self.exitCode()).isEqualTo(1);
    assertThat(self.err()).contains("alice requested this run and may not approve it");

    Cli.Result wrongGate = cli.run("approve", ID, "--gate", "phase-2", "--by", "bob");
    assertThat(wrongGate.exitCode()).isEqualTo(1);
    assertThat(wrongGate.err()).contains("gate 'phase-2' is not open (open now: phase-1)");

    // --by defaults to $USER (carol), who is not an approver either
    Cli.Result byUser = cli.run("reject", ID, "--gate", "phase-1");
    assertThat(byUser.err()).contains("carol is not an approver");

    Cli.Result rejected = cli.run("reject", ID, "--gate", "phase-1", "--by", "bob",
        "--comment", "not today");
    assertThat(rejected.exitCode()).as(rejected.toString()).isZero();
    assertThat(Outcomes.of(stub, EvolutionResult.class).state())
        .isEqualTo(RunState.REJECTED);
    assertThat(support.cluster.mutatingCalls()).isEmpty();
  }

  @Test
  void secondStartForTheSameTargetNamesTheRunningWorkflow() throws Exception {
    startAt(InMemoryCluster.atPhase0());
    Cli.Result first = start("evolve.json");
    assertThat(first.exitCode()).isZero();
    Cli.Result second = start("custom-phases.json");
    assertThat(second.exitCode()).as(second.toString()).isEqualTo(1);
    assertThat(second.err())
        .contains("a run for underway-demo/cockroachdb is already running: " + ID + " (run ")
        .contains("underway status " + ID);
  }

  @Test
  void startWaitPrintsTheFirstGateAndRequestedByDefaultsToUser() {
    startAt(InMemoryCluster.atPhase0());
    String json = "{\"target\": {\"namespace\": \"underway-demo\", \"statefulSet\":"
        + " \"cockroachdb\", \"publicService\": \"cockroachdb-public\", \"database\": \"app\"}}";
    Cli.Result r = cli.run("start", "--input", json, "--task-queue", TQ, "--wait");
    assertThat(r.exitCode()).as(r.toString()).isZero();
    assertThat(r.out()).contains("requested by carol").contains("Gate phase-1 is open:")
        .contains("failures tolerated:").contains("underway approve " + ID + " --gate phase-1");
  }

  @Test
  void statusShowsTheStepInFlightWithItsHeartbeatProgress() throws Exception {
    InMemoryCluster cluster = InMemoryCluster.atPhase0();
    cluster.holdReplication();
    startAt(cluster);
    assertThat(start("evolve.json").exitCode()).isZero();
    WorkflowStub stub = support.client.newUntypedWorkflowStub(ID);
    awaitGate(stub, "phase-1");
    assertThat(cli.run("approve", ID, "--gate", "phase-1", "--by", "bob").exitCode()).isZero();
    await().atMost(Duration.ofSeconds(60)).until(() -> "await-replication".equals(
        stub.query(ClusterEvolutionWorkflow.QUERY_STATUS, RunStatus.class).currentStep()));

    Cli.Result status = await().atMost(Duration.ofSeconds(60))
        .until(() -> cli.run("status", ID), r -> r.out().contains("progress:"));
    assertThat(status.out()).contains("In flight:")
        .contains("Database.AwaitReplicated  attempt 1")
        .contains("\"underReplicatedRanges\":7");
    cluster.finishReplication();
  }

  @Test
  void abortEndsTheRun() throws Exception {
    startAt(InMemoryCluster.atPhase0());
    assertThat(start("evolve.json").exitCode()).isZero();
    WorkflowStub stub = support.client.newUntypedWorkflowStub(ID);
    awaitGate(stub, "phase-1");
    Cli.Result r = cli.run("abort", ID, "--by", "bob", "--comment", "wrong cluster");
    assertThat(r.exitCode()).as(r.toString()).isZero();
    assertThat(r.out()).contains("Aborted");
    assertThat(Outcomes.of(stub, EvolutionResult.class).state())
        .isEqualTo(RunState.ABORTED);
  }

  @Test
  void planPrintsEveryPhaseAndChangesNothing() throws Exception {
    startAt(InMemoryCluster.atPhase0());
    Cli.Result r = cli.run("plan", "--input-file", runbook("plan.json").toString(),
        "--task-queue", TQ);
    assertThat(r.exitCode()).as(r.toString()).isZero();
    assertThat(r.out())
        .contains("Plan for underway-demo/cockroachdb (dry run " + ID + "-plan-")
        .contains("Phase phase-0: already there")
        .contains("Phase phase-1: ")
        .contains("Phase phase-2: ")
        .contains("nodes:               1 -> 2")
        .contains("replication factor:  2 -> 3")
        .contains("  1. ")
        .contains("  ! ")
        .contains("nothing was changed");
    assertThat(support.cluster.mutatingCalls()).isEmpty();
    assertThat(support.cluster.nodes()).isEqualTo(1);
    // the target's own workflow id stays free for the real run
    assertThatThrownBy(() -> support.client.newUntypedWorkflowStub(ID).describe())
        .satisfies(e -> assertThat(Runs.isNotFound(e)).isTrue());
  }

  @Test
  void planRefusalPrintsTheRefusalAndExits1() {
    startAt(InMemoryCluster.atPhase1());
    String json = "{\"target\": {\"namespace\": \"underway-demo\", \"statefulSet\":"
        + " \"cockroachdb\", \"publicService\": \"cockroachdb-public\", \"database\": \"app\"},"
        + " \"phases\": [{\"name\": \"small\", \"nodes\": 1, \"replicationFactor\": 1}]}";
    Cli.Result r = cli.run("plan", "--input", json, "--task-queue", TQ);
    assertThat(r.exitCode()).as(r.toString()).isEqualTo(1);
    assertThat(r.err()).contains("Refused before any change").doesNotContain("\tat ");
    assertThat(support.cluster.mutatingCalls()).isEmpty();
  }

  @Test
  void statusOfAnUnknownRunExits1() {
    startAt(InMemoryCluster.atPhase0());
    Cli.Result r = cli.run("status", "no-such-run");
    assertThat(r.exitCode()).as(r.toString()).isEqualTo(1);
    assertThat(r.err()).contains("no run with workflow id 'no-such-run'")
        .doesNotContain("\tat ");
    Cli.Result a = cli.run("approve", "no-such-run", "--gate", "phase-1", "--by", "bob");
    assertThat(a.exitCode()).as(a.toString()).isEqualTo(1);
    assertThat(a.err()).contains("no run with workflow id 'no-such-run'");
  }

  // ---- bad input: exit 2, nothing started, Temporal not even contacted ------------------------

  void assertRefusedBeforeTemporal(Cli.Result r, String... expected) {
    assertThat(r.exitCode()).as(r.toString()).isEqualTo(2);
    assertThat(r.err()).contains(expected).doesNotContain("\tat ");
    assertThat(r.out()).isEmpty();
    assertThat(cli.connects.get()).isZero();
    assertThatThrownBy(() -> support.client.newUntypedWorkflowStub(ID).describe())
        .satisfies(e -> assertThat(Runs.isNotFound(e)).isTrue());
  }

  @Test
  void unknownFieldIsNamedWithItsLine(@TempDir Path dir) throws Exception {
    startAt(InMemoryCluster.atPhase0());
    Path f = dir.resolve("typo.json");
    Files.writeString(f, Requests.runbookFile("cluster-evolution/evolve.json")
        .replace("\"statefulSet\"", "\"statefulSett\""));
    assertRefusedBeforeTemporal(cli.run("start", "--input-file", f.toString(), "--task-queue", TQ),
        "unknown field 'target.statefulSett'", "line 4", "typo.json");
  }

  @Test
  void unknownTopLevelFieldInInlineJson() {
    startAt(InMemoryCluster.atPhase0());
    assertRefusedBeforeTemporal(cli.run("plan", "--input", "{\"dryrun\": true}"),
        "unknown field 'dryrun'", "line 1");
  }

  @Test
  void missingTargetFieldIsNamed(@TempDir Path dir) throws Exception {
    startAt(InMemoryCluster.atPhase0());
    Path f = dir.resolve("missing.json");
    Files.writeString(f, Requests.runbookFile("cluster-evolution/evolve.json")
        .replace("\"publicService\": \"cockroachdb-public\",", ""));
    assertRefusedBeforeTemporal(cli.run("start", "--input-file", f.toString()),
        "nothing was started", "target.publicService is missing");
  }

  @Test
  void malformedJsonShowsWhere(@TempDir Path dir) throws Exception {
    startAt(InMemoryCluster.atPhase0());
    Path f = dir.resolve("broken.json");
    Files.writeString(f, "{\n  \"target\": {\n    \"namespace\": \"a\",,\n  }\n}\n");
    assertRefusedBeforeTemporal(cli.run("start", "--input-file", f.toString()),
        "malformed JSON", "line 3");
  }

  @Test
  void wrongTypeIsNamed() {
    startAt(InMemoryCluster.atPhase0());
    assertRefusedBeforeTemporal(cli.run("start", "--input",
            "{\"target\": {}, \"phases\": [{\"name\": \"p\", \"nodes\": \"two\"}]}"),
        "phases[0].nodes is \"two\": it must be a whole number");
  }

  @Test
  void aFractionIsRefusedByTheCliNotTruncated() {
    startAt(InMemoryCluster.atPhase0());
    assertRefusedBeforeTemporal(cli.run("start", "--input", "{\"target\": {\"namespace\":"
            + " \"underway-demo\", \"statefulSet\": \"cockroachdb\", \"publicService\":"
            + " \"cockroachdb-public\", \"database\": \"app\"}, \"phases\": [{\"name\":"
            + " \"phase-1\", \"nodes\": 2, \"replicationFactor\": 2.5}]}"),
        "phases[0].replicationFactor is 2.5: it must be a whole number (it is never rounded)");
  }

  @Test
  void missingFileAndMissingInput(@TempDir Path dir) {
    startAt(InMemoryCluster.atPhase0());
    assertRefusedBeforeTemporal(
        cli.run("start", "--input-file", dir.resolve("nope.json").toString()),
        "input file", "nope.json does not exist");
    assertRefusedBeforeTemporal(cli.run("start"), "exactly one of --input-file FILE or --input");
    assertRefusedBeforeTemporal(cli.run("start", "--bogus"), "Unknown option: '--bogus'");
  }

  @Test
  void inputFromStandardInput() throws Exception {
    startAt(InMemoryCluster.atPhase0());
    cli.stdin(Requests.runbookFile("cluster-evolution/evolve.json"));
    Cli.Result r = cli.run("start", "--input-file", "-", "--task-queue", TQ);
    assertThat(r.exitCode()).as(r.toString()).isZero();
    assertThat(r.out()).contains("workflow id: " + ID);
  }
}
