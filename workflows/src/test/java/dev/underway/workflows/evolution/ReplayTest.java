package dev.underway.workflows.evolution;

import static dev.underway.workflows.evolution.WorkflowTestSupport.awaitGate;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.underway.model.DecisionRequest;
import dev.underway.model.DecisionSignal;
import dev.underway.model.EvolutionResult;
import dev.underway.model.RunState;
import io.temporal.client.WorkflowStub;
import io.temporal.common.WorkflowExecutionHistory;
import io.temporal.testing.WorkflowReplayer;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.function.Function;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Histories of complete runs, recorded once and committed, are replayed against the current
 * workflow code: a change that would break running workflows (non-determinism) fails the build.
 *
 * <p>To record them again after an intentional, versioned change: {@code ./mvnw -pl workflows
 * test -Dtest=ReplayTest -Dunderway.recordHistories=true}, then commit the files under {@code
 * workflows/src/test/resources/histories/}.
 */
class ReplayTest {

  static final Path FIXTURES = Path.of("src/test/resources/histories");

  /** The id the recorded runs had: the workflow checks that its id derives from the target. */
  static final String WORKFLOW_ID = ClusterEvolutionWorkflow.workflowId(Requests.TARGET);

  @ParameterizedTest
  @ValueSource(strings = {"completed", "rejected", "aborted-during-wait"})
  void recordedHistoryReplaysAgainstCurrentCode(String name) throws Exception {
    WorkflowExecutionHistory history = WorkflowExecutionHistory.fromJson(fixture(name), WORKFLOW_ID);
    assertThat(history.getEvents()).as("a real history").hasSizeGreaterThan(20);
    WorkflowReplayer.replayWorkflowExecution(history, ClusterEvolutionWorkflowImpl.class);
  }

  @Test
  void replayFailsForCodeThatMadeDifferentDecisions() throws Exception {
    WorkflowExecutionHistory history = WorkflowExecutionHistory.fromJson(fixture("completed"), WORKFLOW_ID);
    org.assertj.core.api.Assertions.assertThatThrownBy(() ->
            WorkflowReplayer.replayWorkflowExecution(history, SkipsVerification.class))
        .hasMessageContaining("NonDeterministicException")
        .hasMessageContaining("does not match command type COMMAND_TYPE_SCHEDULE_ACTIVITY_TASK");
  }

  /** The same workflow with one activity call fewer: must not replay. */
  public static class SkipsVerification extends ClusterEvolutionWorkflowImpl {
    @Override
    public EvolutionResult evolve(dev.underway.model.EvolutionRequest input) {
      io.temporal.workflow.Workflow.newActivityStub(
          dev.underway.activities.DatabaseActivities.class, OBSERVE).observe(input.target());
      return super.evolve(input);
    }
  }

  private static String fixture(String name) throws IOException {
    try (InputStream in = ReplayTest.class.getResourceAsStream("/histories/" + name + ".json")) {
      if (in == null) {
        throw new IllegalStateException("missing fixture histories/" + name + ".json: record it"
            + " with -Dunderway.recordHistories=true (see this class's javadoc)");
      }
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    }
  }

  @Test
  @EnabledIfSystemProperty(named = "underway.recordHistories", matches = "true")
  void recordHistories() throws IOException {
    record("completed", wf -> {
      awaitGate(wf, "phase-1");
      wf.approve(new DecisionSignal("phase-1", "bob", "dashboards green"));
      awaitGate(wf, "phase-2");
      wf.decide(new DecisionRequest("phase-2", "approve", "carol", "go"));
      return RunState.COMPLETED;
    }, InMemoryCluster.atPhase0());
    record("rejected", wf -> {
      awaitGate(wf, "phase-1");
      wf.approve(new DecisionSignal("phase-2", "mallory", "wrong gate"));
      wf.reject(new DecisionSignal("phase-1", "bob", "not today"));
      return RunState.REJECTED;
    }, InMemoryCluster.atPhase0());
    InMemoryCluster holding = InMemoryCluster.atPhase0();
    holding.holdReplication();
    record("aborted-during-wait", wf -> {
      awaitGate(wf, "phase-1");
      wf.approve(new DecisionSignal("phase-1", "bob", "go"));
      await().until(() -> Steps.AWAIT_REPLICATION.equals(wf.status().currentStep()));
      wf.abort(new DecisionSignal(null, "bob", "p99 too high"));
      return RunState.ABORTED;
    }, holding);
  }

  private static void record(String name, Function<ClusterEvolutionWorkflow, RunState> drive,
      InMemoryCluster cluster) throws IOException {
    try (WorkflowTestSupport t = new WorkflowTestSupport(cluster)) {
      var request = Requests.defaults();
      ClusterEvolutionWorkflow wf = t.start(request);
      RunState expected = drive.apply(wf);
      EvolutionResult result = WorkflowStub.fromTyped(wf).getResult(EvolutionResult.class);
      assertThat(result.state()).isEqualTo(expected);
      String json = t.client.fetchHistory(ClusterEvolutionWorkflow.workflowId(request.target()))
          .toJson(true);
      Files.createDirectories(FIXTURES);
      Files.writeString(FIXTURES.resolve(name + ".json"), json);
    }
  }
}
