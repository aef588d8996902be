package dev.underway.workflows.evolution;

import static dev.underway.workflows.evolution.WorkflowTestSupport.awaitGate;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.underway.kernel.ApprovalPolicy;
import dev.underway.kernel.Decision;
import dev.underway.kernel.DecisionRequest;
import dev.underway.kernel.DecisionSenders;
import dev.underway.kernel.DecisionSignal;
import dev.underway.kernel.GateView;
import dev.underway.kernel.RunState;
import dev.underway.kernel.Sequence;
import dev.underway.workflows.evolution.model.EvolutionRequest;
import dev.underway.workflows.evolution.model.Phase;
import io.temporal.api.history.v1.HistoryEvent;
import io.temporal.client.WorkflowClient;
import io.temporal.client.WorkflowClientOptions;
import io.temporal.common.WorkflowExecutionHistory;
import io.temporal.testing.WorkflowReplayer;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;

/**
 * Runs recorded before decisions carried their senders replay through the code that looks them
 * up (no marker, no activity: the decision is recorded as it was), and a run recorded with it
 * replays too. The new fixture is recorded as {@link ReplayTest} records its own: {@code
 * -Dunderway.recordHistories=true} writes it when missing.
 */
class DecisionSendersReplayTest {

  /** Recorded before senders: an approval by update, then one by signal. */
  static final String BEFORE = "view-two-approvers";
  /** Recorded with senders: a refused approval without identity, then two with one. */
  static final String WITH = "senders-require-identity";

  @Test
  void aRunRecordedBeforeSendersReplaysWithoutLookingThemUp() throws Exception {
    WorkflowExecutionHistory old = history(BEFORE);
    assertThat(markers(old)).doesNotContain("\"" + Sequence.SENDERS + "\"");
    assertThat(old.getEvents()).as("decided by update and by signal")
        .anyMatch(HistoryEvent::hasWorkflowExecutionUpdateAcceptedEventAttributes)
        .anyMatch(HistoryEvent::hasWorkflowExecutionSignaledEventAttributes);
    WorkflowReplayer.replayWorkflowExecution(old, ClusterEvolutionWorkflowImpl.class);
  }

  @Test
  void aRunRecordedWithSendersReplays() throws Exception {
    WorkflowExecutionHistory h = history(WITH);
    assertThat(markers(h)).contains("\"" + Sequence.SENDERS + "\"");
    assertThat(h.toJson(false)).contains(DecisionSenders.UPDATE, DecisionSenders.SIGNAL);
    WorkflowReplayer.replayWorkflowExecution(h, ClusterEvolutionWorkflowImpl.class);
  }

  @Test
  @EnabledIfSystemProperty(named = "underway.recordHistories", matches = "true")
  void record() throws IOException {
    if (Files.exists(ReplayTest.FIXTURES.resolve(WITH + ".json"))) {
      return;
    }
    EvolutionRequest request = new EvolutionRequest(Requests.TARGET,
        List.of(Phase.DEFAULTS.get(1)), new ApprovalPolicy(List.of("bob", "carol"), false, null,
            null, 2, true, null), false, "alice");
    try (WorkflowTestSupport t = new WorkflowTestSupport(InMemoryCluster.atPhase0()
        .licensed(true))) {
      ClusterEvolutionWorkflow wf = t.start(request);
      GateView gate = awaitGate(wf, "phase-1");
      WorkflowClient anonymous = WorkflowClient.newInstance(t.env.getWorkflowServiceStubs(),
          WorkflowClientOptions.newBuilder().setNamespace(t.env.getNamespace()).setIdentity("")
              .build());
      anonymous.newWorkflowStub(ClusterEvolutionWorkflow.class, ReplayTest.WORKFLOW_ID)
          .approve(new DecisionSignal("phase-1", "carol", "no identity", gate.plan(),
              gate.openedAt()));
      await().until(() -> wf.status().decisions().size() == 1);
      wf.decide(new DecisionRequest("phase-1", "approve", "bob", "one", gate.plan(),
          gate.openedAt()));
      wf.approve(new DecisionSignal("phase-1", "carol", "two", gate.plan(), gate.openedAt()));
      assertThat(WorkflowTestSupport.outcome(wf).state()).isEqualTo(RunState.COMPLETED);
      assertThat(wf.status().decisions()).extracting(Decision::accepted)
          .containsExactly(false, true, true);
      Files.writeString(ReplayTest.FIXTURES.resolve(WITH + ".json"),
          t.client.fetchHistory(ReplayTest.WORKFLOW_ID).toJson(true));
    }
  }

  private static List<String> markers(WorkflowExecutionHistory h) {
    return h.getEvents().stream().filter(HistoryEvent::hasMarkerRecordedEventAttributes)
        .map(e -> e.getMarkerRecordedEventAttributes().getDetailsMap().get("changeId")
            .getPayloads(0).getData().toStringUtf8()).toList();
  }

  private static WorkflowExecutionHistory history(String name) throws IOException {
    try (InputStream in = DecisionSendersReplayTest.class
        .getResourceAsStream("/histories/" + name + ".json")) {
      if (in == null) {
        throw new IllegalStateException("missing fixture histories/" + name + ".json: record"
            + " it with -Dunderway.recordHistories=true");
      }
      return WorkflowExecutionHistory.fromJson(
          new String(in.readAllBytes(), StandardCharsets.UTF_8), ReplayTest.WORKFLOW_ID);
    }
  }
}
