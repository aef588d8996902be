package dev.underway.kernel;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.underway.kernel.RunKernelTest.Ask;
import dev.underway.kernel.RunKernelTest.WindowRunbook;
import io.temporal.api.sdk.v1.WorkflowMetadata;
import io.temporal.client.WorkflowClient;
import io.temporal.client.WorkflowOptions;
import io.temporal.client.WorkflowStub;
import io.temporal.testing.TestWorkflowEnvironment;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The run's page (the workflow's current details, as the Temporal UI reads them with its
 * {@code __temporal_workflow_metadata} query) changes in the workflow task that accepts a
 * decision: an approval that is not yet the last one needed shows at once, and the approval
 * that opens the gate turns the card into the run's next state with who approved.
 */
class RunPageTest {

  private TestWorkflowEnvironment env;

  @BeforeEach
  void start() {
    env = WindowRunbookEnvironment.started(new RunKernelTest.RecordingWindow());
  }

  @AfterEach
  void stop() {
    env.close();
  }

  @Test
  void theCardChangesWithEachAcceptedDecisionNotLater() {
    WindowRunbook started = env.getWorkflowClient().newWorkflowStub(WindowRunbook.class,
        WorkflowOptions.newBuilder().setTaskQueue("kernel").setWorkflowId("page").build());
    WorkflowClient.start(started::run, new Ask(new ApprovalPolicy(List.of("bob", "carol"),
        false, null, null, 2, null), false, false));
    WindowRunbook wf = env.getWorkflowClient().newWorkflowStub(WindowRunbook.class, "page");
    await().atMost(Duration.ofSeconds(20)).until(() -> wf.status().openGate() != null);
    assertThat(card()).contains("2 approvals needed, 0 so far");

    wf.decide(new DecisionRequest("go", "approve", "bob", "one"));
    assertThat(card()).as("the first of two approvals, shown when it is accepted")
        .contains("Waiting for approval at gate `go`")
        .contains("2 approvals needed, 1 so far (bob (Temporal identity: ");

    wf.decide(new DecisionRequest("go", "approve", "carol", "two"));
    String after = card();
    assertThat(after).doesNotContain("Waiting for approval")
        .containsPattern("\\*\\*(Running|Completed)\\*\\*");
  }

  private String card() {
    WorkflowMetadata m = WorkflowStub.fromTyped(env.getWorkflowClient().newWorkflowStub(
        WindowRunbook.class, "page")).query("__temporal_workflow_metadata",
        WorkflowMetadata.class);
    return m.getCurrentDetails();
  }
}
