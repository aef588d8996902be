package dev.underway.workflows.evolution;

import dev.underway.kernel.SearchAttributes;
import static dev.underway.workflows.evolution.WorkflowTestSupport.awaitGate;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import dev.underway.kernel.Failures;
import dev.underway.kernel.Decision;
import dev.underway.kernel.DecisionRequest;
import dev.underway.kernel.DecisionSignal;
import dev.underway.workflows.evolution.model.EvolutionRequest;
import dev.underway.workflows.evolution.model.EvolutionResult;
import dev.underway.kernel.RunStatus;
import dev.underway.kernel.GateView;
import dev.underway.kernel.RunState;
import dev.underway.kernel.TimelineEntry;
import io.temporal.client.WorkflowFailedException;
import io.temporal.client.WorkflowOptions;
import io.temporal.client.WorkflowStub;
import io.temporal.client.WorkflowUpdateException;
import io.temporal.failure.ApplicationFailure;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * What makes a run safe to leave running against a production cluster: it holds on an unhealthy
 * cluster, acts only on the cluster the approved plan was computed from, refuses decisions that
 * are stale or for another plan, stops at once when aborted even mid-retry, and refuses bad input
 * that reaches it from the UI. Time-skipping environment; the cluster is the in-memory STAND-IN.
 */
class OperatorSafetyWorkflowTest {

  private WorkflowTestSupport t;

  @AfterEach
  void close() {
    if (t != null) {
      t.close();
    }
  }

  private ClusterEvolutionWorkflow start(InMemoryCluster cluster, EvolutionRequest request) {
    t = new WorkflowTestSupport(cluster);
    return t.start(request);
  }

  /** The result, or the one a run that did not complete ends Failed with. */
  private static EvolutionResult result(ClusterEvolutionWorkflow wf) {
    return WorkflowTestSupport.outcome(wf);
  }

  private String searchAttribute(ClusterEvolutionWorkflow wf) {
    return WorkflowStub.fromTyped(wf).describe().getTypedSearchAttributes()
        .get(SearchAttributes.STATE);
  }

  private static RunStatus awaitState(ClusterEvolutionWorkflow wf, RunState state) {
    return await().atMost(Duration.ofSeconds(20)).until(wf::status, s -> s.state() == state);
  }

  // ---- holding ---------------------------------------------------------------------------

  @Test
  void anUnhealthyClusterHoldsVisiblyWithoutAGateAndGoesOnOnceHealthy() {
    InMemoryCluster cluster = InMemoryCluster.atPhase0().licensed(true);
    cluster.unhealthy(1, 1);
    ClusterEvolutionWorkflow wf = start(cluster, Requests.defaults());

    RunStatus holding = awaitState(wf, RunState.HOLDING);
    assertThat(holding.openGate()).as("no gate opens on an unhealthy cluster").isNull();
    assertThat(holding.currentStep()).isEqualTo(Steps.HOLD);
    assertThat(holding.message()).contains("Holding at phase-0")
        .contains("only 0 of 1 pods are Ready").contains("only 0 of 1 nodes are live")
        .contains("abort");
    assertThat(searchAttribute(wf)).isEqualTo("HOLDING");

    t.env.sleep(Duration.ofMinutes(2)); // re-checks while still unhealthy: still holding
    assertThat(wf.status().state()).isEqualTo(RunState.HOLDING);
    cluster.unhealthy(0, 0);
    t.env.sleep(Duration.ofMinutes(5)); // at most one re-check interval later

    GateView gate = awaitGate(wf, "phase-1");
    assertThat(gate.text()).doesNotContain("pods are Ready now");
    assertThat(searchAttribute(wf)).isEqualTo("WAITING_FOR_APPROVAL");
    assertThat(wf.status().timeline()).anyMatch(e -> e.step().equals(Steps.HOLD)
        && e.state().equals(Steps.COMPLETED) && e.detail().startsWith("healthy again"));
    assertThat(cluster.mutatingCalls()).isEmpty();
  }

  @Test
  void anAbortEndsAHoldAtOnce() {
    InMemoryCluster cluster = InMemoryCluster.atPhase0();
    cluster.unhealthy(1, 0);
    ClusterEvolutionWorkflow wf = start(cluster, Requests.defaults());
    awaitState(wf, RunState.HOLDING);

    wf.abort(new DecisionSignal(null, "bob", "the node is being replaced"));
    EvolutionResult result = result(wf);
    assertThat(result.state()).isEqualTo(RunState.ABORTED);
    assertThat(result.stoppedAt()).isEqualTo("phase-0/hold");
    assertThat(searchAttribute(wf)).isEqualTo("ABORTED");
    assertThat(cluster.mutatingCalls()).isEmpty();
  }

  @Test
  void aClusterThatTurnsUnhealthyAfterTheApprovalHoldsBeforeAnyChange() {
    InMemoryCluster cluster = InMemoryCluster.atPhase0().licensed(true);
    ClusterEvolutionWorkflow wf = start(cluster, Requests.defaults());
    awaitGate(wf, "phase-1");
    cluster.unhealthy(0, 1);
    wf.approve(new DecisionSignal("phase-1", "bob", "go"));

    awaitState(wf, RunState.HOLDING);
    assertThat(cluster.mutatingCalls()).as("nothing is changed while holding").isEmpty();
    cluster.unhealthy(0, 0);
    t.env.sleep(Duration.ofMinutes(1));
    GateView next = awaitGate(wf, "phase-2");
    assertThat(next).isNotNull();
    assertThat(cluster.mutatingCalls()).startsWith("Platform.ScaleNodes(2)");
  }

  // ---- acting on what was approved --------------------------------------------------------

  @Test
  void aClusterChangedBehindTheGateReopensItWithTheNewPlanAndChangesNothingMeanwhile() {
    InMemoryCluster cluster = InMemoryCluster.atPhase0().licensed(true);
    ClusterEvolutionWorkflow wf = start(cluster, Requests.defaults());
    GateView first = awaitGate(wf, "phase-1");
    assertThat(first.text()).contains("nodes:               1 -> 2");

    cluster.scaledElsewhere(2); // someone scaled the StatefulSet while the gate was open
    wf.approve(new DecisionSignal("phase-1", "bob", "approved the 1 -> 2 plan"));

    GateView reopened = await().atMost(Duration.ofSeconds(20)).until(() -> wf.status().openGate(),
        g -> g != null && !g.openedAt().equals(first.openedAt()));
    assertThat(reopened.gate()).isEqualTo("phase-1");
    assertThat(reopened.text()).contains("nodes:               2 -> 2")
        .doesNotContain("scale StatefulSet");
    assertThat(reopened.plan()).isNotEqualTo(first.plan());
    TimelineEntry recheck = wf.status().timeline().stream()
        .filter(e -> e.step().equals(Steps.RECHECK)).findFirst().orElseThrow();
    assertThat(recheck.state()).isEqualTo(Steps.CHANGED);
    assertThat(recheck.detail()).contains("nodes 1 -> 2").contains("reopens");
    assertThat(cluster.mutatingCalls()).as("the approval of the old plan changed nothing")
        .isEmpty();

    // an approval naming the old plan is refused; the new one goes through
    assertThatThrownBy(() -> wf.decide(new DecisionRequest("phase-1", "approve", "bob", "old",
        first.plan(), null))).isInstanceOf(WorkflowUpdateException.class)
        .hasStackTraceContaining("now shows plan " + reopened.plan());
    wf.decide(new DecisionRequest("phase-1", "approve", "bob", "read the new plan",
        reopened.plan(), null));
    awaitGate(wf, "phase-2");
    assertThat(cluster.mutatingCalls()).doesNotContain("Platform.ScaleNodes(2)")
        .contains("Database.SetReplicationFactor(2)");
  }

  @Test
  void aGateWhoseClusterIsUnchangedGoesOnAfterOneRecheck() {
    InMemoryCluster cluster = InMemoryCluster.atPhase0().licensed(true);
    ClusterEvolutionWorkflow wf = start(cluster, Requests.defaults());
    GateView gate = awaitGate(wf, "phase-1");
    wf.decide(new DecisionRequest("phase-1", "approve", "bob", "ok", gate.plan(),
        Instant.now().toString()));
    awaitGate(wf, "phase-2");
    assertThat(wf.status().timeline()).filteredOn(e -> e.step().equals(Steps.RECHECK))
        .singleElement().satisfies(e -> {
          assertThat(e.state()).isEqualTo(Steps.COMPLETED);
          assertThat(e.detail()).contains("as the approved plan saw it");
        });
  }

  // ---- decisions that arrive late ----------------------------------------------------------

  @Test
  void aStaleDecisionIsRefusedAndRecordedAsRefused() {
    InMemoryCluster cluster = InMemoryCluster.atPhase0().licensed(true);
    ClusterEvolutionWorkflow wf = start(cluster, Requests.defaults());
    GateView gate = awaitGate(wf, "phase-1");
    Instant opened = Instant.parse(gate.openedAt());

    String stale = opened.minus(Duration.ofMinutes(6)).toString();
    wf.approve(new DecisionSignal("phase-1", "bob", "sent an hour ago", gate.plan(),
        opened.minus(Duration.ofHours(1)).toString()));
    assertThatThrownBy(() -> wf.decide(new DecisionRequest("phase-1", "approve", "bob", "late",
        gate.plan(), stale))).isInstanceOf(WorkflowUpdateException.class)
        .hasStackTraceContaining("stale");
    assertThatThrownBy(() -> wf.decide(new DecisionRequest("phase-1", "approve", "bob", "early",
        gate.plan(), opened.minusSeconds(30).toString())))
        .hasStackTraceContaining("before gate phase-1 opened");
    assertThatThrownBy(() -> wf.decide(new DecisionRequest("phase-1", "approve", "bob", "x",
        gate.plan(), "yesterday"))).hasStackTraceContaining("not an ISO-8601 instant");

    // the signal's decision is recorded once its sender is looked up (an activity); the
    // refused updates above never waited for it
    await().until(() -> !wf.status().decisions().isEmpty());
    RunStatus s = wf.status();
    assertThat(s.openGate()).as("still waiting: nothing was accepted").isNotNull();
    assertThat(s.decisions()).singleElement().satisfies(d -> {
      assertThat(d.accepted()).isFalse();
      assertThat(d.via()).isEqualTo("signal");
      assertThat(d.note()).contains("stale").contains("PT5M");
    });
    assertThat(cluster.mutatingCalls()).isEmpty();

    // an abort is honoured however old: stopping is always safe
    wf.abort(new DecisionSignal(null, "bob", "old abort", null,
        opened.minus(Duration.ofDays(1)).toString()));
    assertThat(result(wf).state()).isEqualTo(RunState.ABORTED);
  }

  @Test
  void theDecisionValidityIsThePolicys() {
    InMemoryCluster cluster = InMemoryCluster.atPhase0().licensed(true);
    EvolutionRequest request = new EvolutionRequest(Requests.TARGET, null,
        new dev.underway.kernel.ApprovalPolicy(null, true, null, "PT1H", null), false, "alice");
    ClusterEvolutionWorkflow wf = start(cluster, request);
    GateView gate = awaitGate(wf, "phase-1");
    Instant opened = Instant.parse(gate.openedAt());
    // 10 minutes in transit: stale under the default 5 minutes, good under PT1H
    t.env.sleep(Duration.ofMinutes(10));
    Decision d = wf.decide(new DecisionRequest("phase-1", "approve", "bob", "ok", gate.plan(),
        opened.plusSeconds(1).toString()));
    assertThat(d.accepted()).isTrue();
    awaitGate(wf, "phase-2");
  }

  // ---- abort while a step is being retried -------------------------------------------------

  @Test
  void anAbortStopsAChangeThatIsBeingRetried() {
    InMemoryCluster cluster = InMemoryCluster.atPhase0().licensed(true);
    cluster.scaleUnreachable(true);
    ClusterEvolutionWorkflow wf = start(cluster, Requests.defaults());
    awaitGate(wf, "phase-1");
    wf.approve(new DecisionSignal("phase-1", "bob", "go"));
    await().atMost(Duration.ofSeconds(20))
        .until(() -> cluster.calls().contains("Platform.ScaleNodes(2)"));

    wf.abort(new DecisionSignal(null, "bob", "the API is down; try tomorrow"));
    EvolutionResult result = result(wf);
    assertThat(result.state()).as("aborted, not failed after every retry")
        .isEqualTo(RunState.ABORTED);
    assertThat(result.stoppedAt()).isEqualTo("phase-1/scale");
    assertThat(cluster.calls().stream().filter(c -> c.equals("Platform.ScaleNodes(2)")).count())
        .as("the retries stopped with the abort").isLessThan(10);
    assertThat(wf.status().timeline()).anyMatch(e -> e.step().equals(Steps.SCALE)
        && e.state().equals(Steps.ABORTED));
  }

  // ---- input from the UI -------------------------------------------------------------------

  @Test
  void aFractionalNumberFromTheUiIsRefusedBeforeAnyActivity() throws Exception {
    InMemoryCluster cluster = InMemoryCluster.atPhase0();
    t = new WorkflowTestSupport(cluster);
    // the JSON as the UI's input box sends it, not re-encoded from a record
    JsonNode fromUi = Requests.TEMPORAL_JSON.readTree("""
        {"target": {"namespace": "underway-demo", "statefulSet": "cockroachdb",
                    "publicService": "cockroachdb-public", "database": "app"},
         "phases": [{"name": "phase-1", "nodes": 2, "replicationFactor": 2.5,
                     "readerPath": true}]}""");
    String id = ClusterEvolutionWorkflow.workflowId(Requests.TARGET);
    t.client.newUntypedWorkflowStub(ClusterEvolutionWorkflow.TYPE, WorkflowOptions.newBuilder()
        .setTaskQueue(WorkflowTestSupport.TASK_QUEUE).setWorkflowId(id).build()).start(fromUi);
    ClusterEvolutionWorkflow wf = t.client.newWorkflowStub(ClusterEvolutionWorkflow.class, id);
    assertThatThrownBy(() -> result(wf)).isInstanceOf(WorkflowFailedException.class)
        .rootCause().isInstanceOf(ApplicationFailure.class)
        .hasMessageContaining("phases[0].replicationFactor is 2.5: it must be a whole number")
        .satisfies(e -> assertThat(((ApplicationFailure) e).getType())
            .isEqualTo(Failures.INVALID_REQUEST));
    assertThat(cluster.calls()).as("no activity ran").isEmpty();
    assertThat(searchAttribute(wf)).isEqualTo("REFUSED");
  }

  @Test
  void theNewRequestRulesRunInTheWorkflow() {
    InMemoryCluster cluster = InMemoryCluster.atPhase0();
    EvolutionRequest request = new EvolutionRequest(Requests.TARGET, null,
        new dev.underway.kernel.ApprovalPolicy(List.of(), true, "P45D", null), false, "alice");
    ClusterEvolutionWorkflow wf = start(cluster, request);
    assertThatThrownBy(() -> result(wf)).rootCause()
        .hasMessageContaining("approval.approvers is an empty list")
        .hasMessageContaining("approval.gateExpiry P45D is longer than the maximum of 30 days");
    assertThat(cluster.calls()).isEmpty();
  }

  @Test
  void searchAttributeFollowsTheRunToItsEnd() {
    InMemoryCluster cluster = InMemoryCluster.atPhase0().licensed(true);
    ClusterEvolutionWorkflow wf = start(cluster, Requests.defaults());
    awaitGate(wf, "phase-1");
    assertThat(searchAttribute(wf)).isEqualTo("WAITING_FOR_APPROVAL");
    wf.reject(new DecisionSignal("phase-1", "bob", "not today"));
    assertThat(result(wf).state()).isEqualTo(RunState.REJECTED);
    assertThat(searchAttribute(wf)).isEqualTo("REJECTED");
  }
}
