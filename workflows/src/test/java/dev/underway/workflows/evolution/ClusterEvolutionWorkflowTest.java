package dev.underway.workflows.evolution;

import static dev.underway.workflows.evolution.WorkflowTestSupport.awaitGate;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.underway.kernel.Failures;
import dev.underway.kernel.ApprovalPolicy;
import dev.underway.kernel.Decision;
import dev.underway.kernel.DecisionKind;
import dev.underway.kernel.DecisionRequest;
import dev.underway.kernel.DecisionSignal;
import dev.underway.workflows.evolution.contract.EvolutionFailures;
import dev.underway.workflows.evolution.model.EvolutionRequest;
import dev.underway.workflows.evolution.model.EvolutionResult;
import dev.underway.kernel.RunStatus;
import dev.underway.kernel.GateView;
import dev.underway.workflows.evolution.model.Phase;
import dev.underway.kernel.RunState;
import dev.underway.workflows.evolution.model.ClusterTarget;
import dev.underway.kernel.TimelineEntry;
import io.temporal.api.common.v1.WorkflowExecution;
import io.temporal.api.enums.v1.EventType;
import io.temporal.api.history.v1.HistoryEvent;
import io.temporal.client.WorkflowClient;
import io.temporal.client.WorkflowExecutionAlreadyStarted;
import io.temporal.client.WorkflowFailedException;
import io.temporal.client.WorkflowStub;
import io.temporal.client.WorkflowUpdateException;
import io.temporal.failure.ApplicationFailure;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Workflow logic in the time-skipping test environment. The activities are an {@link
 * InMemoryCluster} stand-in; the real ones are tested in the activities module.
 */
class ClusterEvolutionWorkflowTest {

  private WorkflowTestSupport t;

  private WorkflowTestSupport with(InMemoryCluster cluster) {
    t = new WorkflowTestSupport(cluster);
    return t;
  }

  @AfterEach
  void close() {
    if (t != null) {
      t.close();
    }
  }

  private static DecisionSignal by(String gate, String who) {
    return new DecisionSignal(gate, who, "checked dashboards");
  }

  /** The result, or the one a run that did not complete ends Failed with. */
  private static EvolutionResult result(ClusterEvolutionWorkflow wf) {
    return WorkflowTestSupport.outcome(wf);
  }

  @Test
  void happyPathTakesPhase0ToPhase2ThroughEveryGate() {
    InMemoryCluster cluster = InMemoryCluster.atPhase0().licensed(true);
    with(cluster);
    EvolutionRequest request = Requests.defaults();
    ClusterEvolutionWorkflow wf = t.start(request);

    GateView gate1 = awaitGate(wf, "phase-1");
    assertThat(gate1.text())
        .contains("nodes:               1 -> 2")
        .contains("replication factor:  1 -> 2")
        .contains("failures tolerated:  0 -> 0")
        .contains("RF 2 tolerates ZERO node failures")
        .contains("RANGE default").contains("RANGE liveness").contains("DATABASE system")
        .contains("--name decide --input '{\"gate\":\"phase-1\",\"decision\":\"approve\"")
        .contains("\"plan\":\"" + gate1.plan() + "\"");
    assertThat(gate1.plan()).matches("[0-9a-f]{8}");
    assertThat(cluster.mutatingCalls()).as("nothing changes before the gate is approved").isEmpty();
    wf.approve(by("phase-1", "bob"));

    GateView gate2 = awaitGate(wf, "phase-2");
    assertThat(gate2.text()).contains("2 -> 3").contains("failures tolerated:  0 -> 1")
        .contains("maxUnavailable 1");
    Decision viaUpdate = wf.decide(new DecisionRequest("phase-2", "approve", "carol", "go"));
    assertThat(viaUpdate.accepted()).isTrue();
    assertThat(viaUpdate.via()).isEqualTo("update");

    EvolutionResult result = result(wf);
    assertThat(result.state()).isEqualTo(RunState.COMPLETED);
    assertThat(result.phasesDone()).containsExactly("phase-0", "phase-1", "phase-2");
    assertThat(cluster.nodes()).isEqualTo(3);
    assertThat(cluster.zones()).isEqualTo(InMemoryCluster.zonesAt(3));
    assertThat(cluster.zones()).hasSize(InMemoryCluster.ZONES.size());
    assertThat(cluster.hasReaderUser()).isTrue();
    assertThat(cluster.hasReaderService()).isTrue();
    assertThat(cluster.budget()).isEqualTo(1);
    // Order matters: budget locked before scaling; RF raised only after nodes are live;
    // budget relaxed only after RF 3 is verified.
    assertThat(cluster.mutatingCalls()).containsExactly(
        "Platform.ScaleNodes(2)",
        "Database.SetReplicationFactor(2)",
        "Database.EnsureReadOnlyUser",
        "Platform.EnsureReaderService",
        "Platform.ScaleNodes(3)",
        "Database.SetReplicationFactor(3)",
        "Database.EnsureReadOnlyUser",
        "Platform.EnsureReaderService",
        "Platform.ApplyDisruptionBudget(1)");
    List<String> calls = cluster.calls();
    assertThat(calls.indexOf("Database.SetReplicationFactor(2)"))
        .isGreaterThan(calls.indexOf("Database.AwaitLiveNodes(2)"))
        .isGreaterThan(calls.indexOf("Platform.AwaitNodesReady(2)"));
    assertThat(calls.indexOf("Platform.ApplyDisruptionBudget(1)"))
        .isGreaterThan(calls.lastIndexOf("Database.AwaitReplicated"));
  }

  @Test
  void budgetIsLockedBeforeScalingWhenItIsMissing() {
    InMemoryCluster cluster = InMemoryCluster.atPhase0().withoutDisruptionBudget();
    with(cluster);
    EvolutionRequest request = new EvolutionRequest(Requests.TARGET,
        List.of(new Phase("phase-1", 2, 2, true)), null, false, "alice");
    ClusterEvolutionWorkflow wf = t.start(request);
    awaitGate(wf, "phase-1");
    wf.approve(by("phase-1", "bob"));
    assertThat(result(wf).state()).isEqualTo(RunState.COMPLETED);
    assertThat(cluster.mutatingCalls()).startsWith(
        "Platform.ApplyDisruptionBudget(0)", "Platform.ScaleNodes(2)");
    assertThat(cluster.budget()).isZero();
  }

  @Test
  void statusShowsPhaseStepGateDecisionsAndTimeline() {
    with(InMemoryCluster.atPhase0());
    EvolutionRequest request =
        Requests.withApprovers(List.of("bob", "carol", "alice"), false, null);
    ClusterEvolutionWorkflow wf = t.start(request);
    awaitGate(wf, "phase-1");

    wf.approve(by("phase-2", "bob"));       // not the open gate
    wf.approve(by("phase-1", "mallory"));   // not an approver
    wf.approve(by("phase-1", "alice"));     // the requester, self-approval off
    wf.approve(new DecisionSignal("phase-1", null, "who am I?"));
    await().until(() -> wf.status().decisions().size() == 4);

    RunStatus waiting = wf.status();
    assertThat(waiting.state()).isEqualTo(RunState.WAITING_FOR_APPROVAL);
    assertThat(waiting.currentPhase()).isEqualTo("phase-1");
    assertThat(waiting.currentStep()).isEqualTo(Steps.GATE);
    assertThat(waiting.openGate().gate()).isEqualTo("phase-1");
    assertThat(waiting.target()).isEqualTo("underway-demo/cockroachdb");
    assertThat(waiting.decisions()).extracting(Decision::accepted).containsOnly(false);
    assertThat(waiting.decisions()).extracting(Decision::note).containsExactly(
        "gate 'phase-2' is not open (open now: phase-1)",
        "mallory is not an approver of this run (approvers: [bob, carol, alice])",
        "alice requested this run and may not approve it (allowSelfApproval is false)",
        "say who decides: 'by' is missing");

    wf.approve(by("phase-1", "bob"));
    awaitGate(wf, "phase-2");
    wf.reject(new DecisionSignal("phase-2", "carol", "not this week"));
    EvolutionResult result = result(wf);
    assertThat(result.state()).isEqualTo(RunState.REJECTED);

    RunStatus end = wf.status();
    assertThat(end.state()).isEqualTo(RunState.REJECTED);
    assertThat(end.openGate()).isNull();
    List<Decision> accepted = end.decisions().stream().filter(Decision::accepted).toList();
    assertThat(accepted).extracting(Decision::gate, Decision::kind, Decision::by, Decision::comment)
        .containsExactly(
            org.assertj.core.groups.Tuple.tuple("phase-1", DecisionKind.APPROVE, "bob",
                "checked dashboards"),
            org.assertj.core.groups.Tuple.tuple("phase-2", DecisionKind.REJECT, "carol",
                "not this week"));
    assertThat(accepted).allSatisfy(d -> assertThat(d.at()).isNotBlank());
    assertThat(end.timeline()).extracting(TimelineEntry::phase, TimelineEntry::step)
        .contains(
            org.assertj.core.groups.Tuple.tuple("run", Steps.VALIDATE),
            org.assertj.core.groups.Tuple.tuple("phase-0", Steps.PLAN),
            org.assertj.core.groups.Tuple.tuple("phase-1", Steps.GATE),
            org.assertj.core.groups.Tuple.tuple("phase-1", Steps.SCALE),
            org.assertj.core.groups.Tuple.tuple("phase-1", Steps.AWAIT_REPLICATION),
            org.assertj.core.groups.Tuple.tuple("phase-1", Steps.VERIFY),
            org.assertj.core.groups.Tuple.tuple("phase-2", Steps.GATE));
    assertThat(end.timeline()).noneMatch(e -> Steps.STARTED.equals(e.state()));
    assertThat(end.timeline()).filteredOn(e -> e.step().equals(Steps.GATE))
        .extracting(TimelineEntry::state).containsExactly("approved", "rejected");
    assertThat(end.plans()).as("the status carries every phase's plan, as JSON objects")
        .extracting(p -> (Object) ((java.util.Map<?, ?>) p).get("phase"))
        .containsExactly("phase-0", "phase-1", "phase-2");
  }

  @Test
  void rejectAtGateEndsCleanlyWithoutChangingAnything() {
    InMemoryCluster cluster = InMemoryCluster.atPhase0();
    with(cluster);
    EvolutionRequest request = Requests.defaults();
    ClusterEvolutionWorkflow wf = t.start(request);
    awaitGate(wf, "phase-1");
    wf.reject(new DecisionSignal("phase-1", "bob", "no licence yet"));

    EvolutionResult result = result(wf);
    assertThat(result.state()).isEqualTo(RunState.REJECTED);
    assertThat(result.stoppedAt()).isEqualTo("phase-1/gate");
    assertThat(result.message()).contains("rejected by bob (no licence yet)")
        .contains("Nothing was rolled back automatically");
    assertThat(result.phasesDone()).containsExactly("phase-0");
    assertThat(cluster.mutatingCalls()).isEmpty();
    assertThat(cluster.nodes()).isEqualTo(1);
  }

  @Test
  void abortAtGateEndsCleanly() {
    InMemoryCluster cluster = InMemoryCluster.atPhase0();
    with(cluster);
    ClusterEvolutionWorkflow wf = t.start(Requests.defaults());
    awaitGate(wf, "phase-1");
    wf.abort(new DecisionSignal(null, "bob", "incident elsewhere"));

    EvolutionResult result = result(wf);
    assertThat(result.state()).isEqualTo(RunState.ABORTED);
    assertThat(result.stoppedAt()).isEqualTo("phase-1/gate");
    assertThat(result.message()).contains("Aborted by bob (incident elsewhere)")
        .contains("nothing was rolled back automatically");
    assertThat(cluster.mutatingCalls()).isEmpty();
  }

  @Test
  void abortCancelsAWaitInProgressAndStopsBeforeTheNextChange() {
    InMemoryCluster cluster = InMemoryCluster.atPhase0();
    cluster.holdReplication();
    with(cluster);
    ClusterEvolutionWorkflow wf = t.start(Requests.defaults());
    awaitGate(wf, "phase-1");
    wf.approve(by("phase-1", "bob"));
    await().atMost(Duration.ofSeconds(20))
        .until(() -> Steps.AWAIT_REPLICATION.equals(wf.status().currentStep()));

    wf.abort(new DecisionSignal(null, "bob", "p99 too high"));
    EvolutionResult result = result(wf);
    assertThat(result.state()).isEqualTo(RunState.ABORTED);
    assertThat(result.stoppedAt()).isEqualTo("phase-1/await-replication");
    assertThat(cluster.mutatingCalls()).as("no change after the abort")
        .containsExactly("Platform.ScaleNodes(2)", "Database.SetReplicationFactor(2)");
  }

  @Test
  void gateExpiryEndsTheRunAsExpiredNeverApproved() {
    InMemoryCluster cluster = InMemoryCluster.atPhase0();
    with(cluster);
    ClusterEvolutionWorkflow wf = t.start(Requests.withApprovers(List.of(), true, "PT72H"));
    GateView gate = awaitGate(wf, "phase-1");
    assertThat(gate.expiresAt()).isNotNull();

    EvolutionResult result = result(wf); // blocking on the result lets time skip past expiry
    assertThat(result.state()).isEqualTo(RunState.EXPIRED);
    assertThat(result.message()).contains("expired after PT72H");
    assertThat(result.decisions()).noneMatch(d -> d.kind() == DecisionKind.APPROVE);
    assertThat(wf.status().timeline()).anyMatch(e -> "expired".equals(e.state()));
    assertThat(cluster.mutatingCalls()).isEmpty();
  }

  @Test
  void targetAlreadyAtAPhaseIsSkippedWithoutAGate() {
    InMemoryCluster cluster = InMemoryCluster.atPhase1();
    with(cluster);
    EvolutionRequest request = new EvolutionRequest(Requests.TARGET,
        List.of(new Phase("phase-1", 2, 2, true), new Phase("phase-2", 3, 3, true)),
        null, false, "alice");
    ClusterEvolutionWorkflow wf = t.start(request);
    awaitGate(wf, "phase-2");
    RunStatus s = wf.status();
    assertThat(s.timeline()).anyMatch(e -> e.phase().equals("phase-1")
        && e.state().equals(Steps.SKIPPED) && e.detail().startsWith("already there"));
    assertThat(s.timeline()).noneMatch(e -> e.phase().equals("phase-1")
        && e.step().equals(Steps.GATE));
    assertThat(cluster.mutatingCalls()).isEmpty();
    wf.approve(by("phase-2", "bob"));
    assertThat(result(wf).phasesDone()).containsExactly("phase-1", "phase-2");
  }

  @Test
  void dryRunReturnsEveryPlanAndChangesNothing() {
    InMemoryCluster cluster = InMemoryCluster.atPhase0();
    with(cluster);
    EvolutionRequest request = Requests.example("plan.json");
    assertThat(request.isDryRun()).isTrue();
    EvolutionResult result = t.stub("plan-" + Requests.TARGET.statefulSet()).evolve(request);

    assertThat(result.state()).isEqualTo(RunState.DRY_RUN_COMPLETED);
    assertThat(result.plans()).extracting(p -> p.phase())
        .containsExactly("phase-0", "phase-1", "phase-2");
    assertThat(result.plans().get(0).alreadyThere()).isTrue();
    assertThat(result.plans().get(1).scaleTo()).isEqualTo(2);
    assertThat(result.plans().get(2).scaleTo()).as("planned from the projected phase-1 shape")
        .isEqualTo(3);
    assertThat(result.plans().get(2).nodesBefore()).isEqualTo(2);
    assertThat(result.plans().get(2).createReaderUser()).isFalse();
    assertThat(cluster.mutatingCalls()).isEmpty();
    assertThat(cluster.calls()).containsExactly("Platform.Observe", "Database.Observe");
  }

  /**
   * Phase 2 is the phase with a step after its verification (the disruption budget relaxed to
   * maxUnavailable 1 once RF 3 is verified): a failed verification must stop the phase right
   * there, so the budget stays locked, and say what the cluster shows instead.
   */
  @Test
  void verificationFailureStopsThePhaseAndSaysWhy() {
    InMemoryCluster cluster = InMemoryCluster.atPhase1();
    cluster.breakZoneChanges();
    with(cluster);
    EvolutionRequest request = new EvolutionRequest(Requests.TARGET,
        List.of(Phase.DEFAULTS.get(1), Phase.DEFAULTS.get(2)), null, false, "alice");
    ClusterEvolutionWorkflow wf = t.start(request);
    awaitGate(wf, "phase-2");
    wf.approve(by("phase-2", "bob"));
    assertThatThrownBy(() -> result(wf))
        .isInstanceOf(WorkflowFailedException.class)
        .rootCause()
        .isInstanceOfSatisfying(ApplicationFailure.class, f -> {
          assertThat(f.getType()).isEqualTo(Failures.VERIFICATION_FAILED);
          assertThat(f.getOriginalMessage()).contains("phase-2/verify")
              .contains("RANGE default has num_replicas 2, phase wants 3")
              .contains("Nothing was rolled back automatically");
        });

    RunStatus end = wf.status();
    assertThat(end.state()).isEqualTo(RunState.FAILED);
    assertThat(end.timeline().get(end.timeline().size() - 1))
        .as("the verification is the last step of the run, and it failed")
        .extracting(TimelineEntry::phase, TimelineEntry::step, TimelineEntry::state)
        .containsExactly("phase-2", Steps.VERIFY, Steps.FAILED);
    assertThat(cluster.mutatingCalls()).as("the phase's changes up to its verification, no more")
        .containsExactly("Platform.ScaleNodes(3)", "Database.SetReplicationFactor(3)",
            "Database.EnsureReadOnlyUser", "Platform.EnsureReaderService");
    assertThat(cluster.budget()).as("not relaxed: RF 3 was never verified").isZero();
    List<String> calls = cluster.calls();
    assertThat(calls.subList(calls.size() - 2, calls.size()))
        .as("nothing ran after the verification's observation")
        .containsExactly("Platform.Observe", "Database.Observe");
  }

  @Test
  void secondStartForTheSameTargetIsRefused() {
    with(InMemoryCluster.atPhase0());
    EvolutionRequest request = Requests.defaults();
    t.start(request);
    ClusterEvolutionWorkflow second = t.stub(request);
    assertThatThrownBy(() -> WorkflowClient.start(second::evolve, request))
        .isInstanceOf(WorkflowExecutionAlreadyStarted.class);
  }

  @Test
  void updateValidatorRejectsWithClearMessages() {
    InMemoryCluster cluster = InMemoryCluster.atPhase0();
    with(cluster);
    EvolutionRequest request = Requests.withApprovers(List.of("bob", "alice"), false, null);
    ClusterEvolutionWorkflow wf = t.start(request);

    // before any gate opens the run observes; wait until the gate is open for the real checks
    awaitGate(wf, "phase-1");
    List<HistoryEvent> before = history(request);
    assertUpdateRejected(wf, new DecisionRequest("phase-2", "approve", "bob", null),
        "gate 'phase-2' is not open (open now: phase-1)");
    assertUpdateRejected(wf, new DecisionRequest("phase-1", "approve", "mallory", null),
        "mallory is not an approver of this run");
    assertUpdateRejected(wf, new DecisionRequest("phase-1", "approve", "alice", null),
        "alice requested this run and may not approve it");
    assertUpdateRejected(wf, new DecisionRequest("phase-1", "maybe", "bob", null),
        "decision 'maybe' is not one of approve, reject, abort");
    assertUpdateRejected(wf, new DecisionRequest(null, "approve", "bob", null),
        "name the gate you decide (open now: phase-1)");
    assertUpdateRejected(wf, new DecisionRequest("phase-1", "approve", " ", null),
        "say who decides");
    // rejected updates leave no trace in history or audit, and change nothing. This test server
    // runs each validator in a workflow task that it records (empty: no command, no update
    // event); the real server drops those tasks, and RunbookCliTest checks there that a refused
    // update leaves the history exactly as it was.
    List<HistoryEvent> after = history(request);
    assertThat(after.subList(0, before.size())).isEqualTo(before);
    assertThat(after.subList(before.size(), after.size())).extracting(HistoryEvent::getEventType)
        .as("only workflow-task bookkeeping after six rejected updates")
        .containsOnly(EventType.EVENT_TYPE_WORKFLOW_TASK_SCHEDULED,
            EventType.EVENT_TYPE_WORKFLOW_TASK_STARTED,
            EventType.EVENT_TYPE_WORKFLOW_TASK_COMPLETED);
    assertThat(wf.status().decisions()).isEmpty();
    assertThat(wf.status().openGate().gate()).isEqualTo("phase-1");
    // alice may still reject her own run
    Decision d = wf.decide(new DecisionRequest("phase-1", "reject", "alice", "changed my mind"));
    assertThat(d.accepted()).isTrue();
    assertThat(result(wf).state()).isEqualTo(RunState.REJECTED);
    assertThat(history(request)).as("an accepted update is in the history: the check above sees")
        .extracting(HistoryEvent::getEventType)
        .containsOnlyOnce(EventType.EVENT_TYPE_WORKFLOW_EXECUTION_UPDATE_ACCEPTED);
    // the server itself refuses updates to a closed run; the CLI turns this into words
    assertThatThrownBy(() -> wf.decide(new DecisionRequest("phase-1", "approve", "bob", null)))
        .isInstanceOf(io.temporal.client.WorkflowNotFoundException.class);
  }

  private List<HistoryEvent> history(EvolutionRequest request) {
    return t.client.fetchHistory(ClusterEvolutionWorkflow.workflowId(request.target()))
        .getEvents();
  }

  private static void assertUpdateRejected(
      ClusterEvolutionWorkflow wf, DecisionRequest r, String message) {
    assertThatThrownBy(() -> wf.decide(r))
        .isInstanceOf(WorkflowUpdateException.class)
        .rootCause().hasMessageContaining(message);
  }

  // ---- refusals before any change ------------------------------------------------------

  private void assertRefused(EvolutionRequest request, String type, String... fragments) {
    InMemoryCluster cluster = t.cluster;
    String id = request.target() != null && request.target().namespace() != null
        && request.target().statefulSet() != null
        ? ClusterEvolutionWorkflow.workflowId(request.target()) : "refusal-test";
    WorkflowStub stub = t.client.newUntypedWorkflowStub(ClusterEvolutionWorkflow.TYPE,
        io.temporal.client.WorkflowOptions.newBuilder()
            .setTaskQueue(WorkflowTestSupport.TASK_QUEUE).setWorkflowId(id).build());
    WorkflowExecution run = stub.start(request);
    assertThatThrownBy(() -> stub.getResult(EvolutionResult.class))
        .isInstanceOf(WorkflowFailedException.class)
        .rootCause()
        .isInstanceOfSatisfying(ApplicationFailure.class, f -> {
          assertThat(f.getType()).isEqualTo(type);
          assertThat(f.isNonRetryable()).isTrue();
          assertThat(f.getOriginalMessage()).startsWith("Refused before any change")
              .contains(fragments);
        });
    assertThat(cluster.mutatingCalls()).isEmpty();
    assertThat(run.getWorkflowId()).isEqualTo(id);
  }

  private static EvolutionRequest withPhases(Phase... phases) {
    return new EvolutionRequest(Requests.TARGET, List.of(phases), null, false, "alice");
  }

  @Test
  void refusesPhasesThatShrinkNodes() {
    with(InMemoryCluster.atPhase0());
    assertRefused(withPhases(new Phase("a", 3, 1, false), new Phase("b", 2, 1, false)),
        Failures.INVALID_REQUEST, "phase 'b' shrinks nodes from 3 to 2");
    assertThat(t.cluster.calls()).as("no activity ran").isEmpty();
  }

  @Test
  void refusesPhasesThatLowerReplication() {
    with(InMemoryCluster.atPhase0());
    assertRefused(withPhases(new Phase("a", 3, 3, false), new Phase("b", 3, 2, false)),
        Failures.INVALID_REQUEST, "lowers the replication factor from 3 to 2");
    assertThat(t.cluster.calls()).isEmpty();
  }

  @Test
  void refusesReplicationAboveNodesOrBelowOne() {
    with(InMemoryCluster.atPhase0());
    assertRefused(withPhases(new Phase("a", 2, 3, false)), Failures.INVALID_REQUEST,
        "replicationFactor 3 is larger than its 2 node(s)");
    assertRefused(withPhases(new Phase("b", 1, 0, false)), Failures.INVALID_REQUEST,
        "replicationFactor is 0, must be at least 1");
    assertThat(t.cluster.calls()).isEmpty();
  }

  @Test
  void refusesATargetLargerThanTheFirstPhase() {
    with(new InMemoryCluster(3, 3));
    assertRefused(Requests.defaults(), EvolutionFailures.SCALE_DOWN_REFUSED.type(),
        "has 3 nodes but phase-0 wants 1", "never does");
    assertThat(t.cluster.calls()).as("only observation ran")
        .containsOnly("Platform.Observe", "Database.Observe");
  }

  @Test
  void refusesMissingAndMalformedTargetFields() {
    with(InMemoryCluster.atPhase0());
    ClusterTarget bad = new ClusterTarget("Underway_Demo", "cockroachdb", null, null, null, "app",
        null, null, 70000, "sometimes", null, null);
    assertRefused(new EvolutionRequest(bad, null, null, false, "alice"),
        Failures.INVALID_REQUEST,
        "target.namespace 'Underway_Demo' is not a Kubernetes namespace",
        "target.publicService is missing",
        "target.sqlPort 70000 is not a TCP port",
        "target.sslMode 'sometimes' is not one of");
    assertRefused(new EvolutionRequest(null, null, null, false, "alice"),
        Failures.INVALID_REQUEST, "target is missing");
    assertThat(t.cluster.calls()).isEmpty();
  }

  @Test
  void refusesUnknownJsonFieldsSentAsTheUiWould() throws Exception {
    with(InMemoryCluster.atPhase0());
    Map<?, ?> json = Requests.TEMPORAL_JSON.readValue("""
        {"target": {"namespace": "underway-demo", "statefulSet": "cockroachdb",
                    "publicService": "cockroachdb-public", "database": "app",
                    "namepsace": "typo"},
         "phases": [{"name": "phase-1", "nodes": 2, "replicationFactor": 2, "readers": true}],
         "aproval": {}}
        """, Map.class);
    String id = ClusterEvolutionWorkflow.workflowId(Requests.TARGET);
    WorkflowStub stub = t.client.newUntypedWorkflowStub(ClusterEvolutionWorkflow.TYPE,
        io.temporal.client.WorkflowOptions.newBuilder()
            .setTaskQueue(WorkflowTestSupport.TASK_QUEUE).setWorkflowId(id).build());
    stub.start(json); // raw JSON, as the UI's input box sends it
    assertThatThrownBy(() -> stub.getResult(EvolutionResult.class))
        .rootCause()
        .hasMessageContaining("request has unknown field(s) [aproval]")
        .hasMessageContaining("target has unknown field(s) [namepsace]")
        .hasMessageContaining("phases[0] has unknown field(s) [readers]");
    assertThat(t.cluster.calls()).isEmpty();
  }

  @Test
  void refusesAWorkflowIdThatDoesNotDeriveFromTheTarget() {
    with(InMemoryCluster.atPhase0());
    EvolutionRequest request = Requests.defaults();
    ClusterEvolutionWorkflow wf = t.stub("my-own-id");
    assertThatThrownBy(() -> wf.evolve(request))
        .isInstanceOf(WorkflowFailedException.class)
        .rootCause()
        .hasMessageContaining("must use 'cluster-evolution-underway-demo-cockroachdb'");
    assertThat(t.cluster.calls()).isEmpty();
  }

  @Test
  void exampleInputsFromTheRunbookAreValid() {
    for (String name : List.of("evolve.json", "plan.json", "custom-phases.json")) {
      EvolutionRequest r = Requests.example(name);
      assertThat(RequestValidation.problems(r)).as(name).isEmpty();
    }
    ApprovalPolicy policy = Requests.example("evolve.json").approvalOrDefault();
    assertThat(policy.selfApprovalAllowed()).isFalse();
  }
}
