package dev.underway.kernel;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.underway.kernel.RunKernelTest.Ask;
import dev.underway.kernel.RunKernelTest.RecordingWindow;
import dev.underway.kernel.RunKernelTest.WindowRunbook;
import dev.underway.kernel.RunKernelTest.WindowRunbookImpl;
import io.temporal.client.WorkflowClient;
import io.temporal.client.WorkflowClientOptions;
import io.temporal.client.WorkflowOptions;
import io.temporal.client.WorkflowStub;
import io.temporal.client.WorkflowUpdateException;
import io.temporal.testing.TestWorkflowEnvironment;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Who decided: each decision is recorded with the identity the sender's Temporal client declared
 * (read from the run's history), next to the {@code by} the person typed; a run whose policy
 * says {@code requireIdentity} refuses an approval that came with none, and says why.
 */
class DecisionSenderTest {

  private TestWorkflowEnvironment env;

  @BeforeEach
  void start() {
    env = WindowRunbookEnvironment.started(new RunKernelTest.RecordingWindow());
  }

  @AfterEach
  void stop() {
    env.close();
  }

  /** A client of the test server that declares {@code identity} ("" declares none). */
  private WorkflowClient as(String identity) {
    return WorkflowClient.newInstance(env.getWorkflowServiceStubs(),
        WorkflowClientOptions.newBuilder().setNamespace(env.getNamespace())
            .setIdentity(identity).build());
  }

  private WindowRunbook begin(ApprovalPolicy policy) {
    WindowRunbook wf = env.getWorkflowClient().newWorkflowStub(WindowRunbook.class,
        WorkflowOptions.newBuilder().setTaskQueue("kernel").setWorkflowId("window").build());
    WorkflowClient.start(wf::run, new Ask(policy, false, false));
    WindowRunbook running = env.getWorkflowClient().newWorkflowStub(WindowRunbook.class,
        "window");
    await().atMost(Duration.ofSeconds(20)).until(() -> running.status().openGate() != null);
    return running;
  }

  private WindowRunbook stub(String identity) {
    return as(identity).newWorkflowStub(WindowRunbook.class, "window");
  }

  @Test
  void eachDecisionIsRecordedWithTheIdentityItsClientDeclaredNextToBy() {
    WindowRunbook wf = begin(new ApprovalPolicy(List.of("bob", "carol"), true, null, null, 2,
        null));
    Decision bob = stub("bob@laptop").decide(new DecisionRequest("go", "approve", "bob", "one"));
    assertThat(bob.sender()).isEqualTo(new Sender("bob@laptop", null, null));
    stub("ops-script").approve(new DecisionSignal("go", "mallory", "not an approver"));
    stub("").approve(new DecisionSignal("go", "carol", "two"));

    assertThat(WorkflowStub.fromTyped(wf).getResult(String.class)).isEqualTo("done");
    assertThat(wf.status().decisions()).extracting(Decision::who).containsExactly(
        "bob (Temporal identity: bob@laptop)",
        "mallory (Temporal identity: ops-script)",
        "carol (no Temporal identity)");
    assertThat(wf.status().decisions()).extracting(Decision::accepted)
        .containsExactly(true, false, true);
  }

  @Test
  void aRunThatRequiresAnIdentityRefusesAnApprovalWithoutOneAndSaysWhy() {
    WindowRunbook wf = begin(new ApprovalPolicy(null, true, null, null, null, true, null));

    assertThatThrownBy(() -> stub("").decide(new DecisionRequest("go", "approve", "bob", "ok")))
        .isInstanceOf(WorkflowUpdateException.class)
        .hasStackTraceContaining("this run requires approvals to come with a Temporal identity"
            + " (approval.requireIdentity) and it came with none");
    stub("").approve(new DecisionSignal("go", "carol", "by signal"));
    assertThat(wf.status().openGate()).as("neither opened the gate").isNotNull();

    Decision dave = stub("dave@laptop").decide(new DecisionRequest("go", "approve", "dave", "ok"));
    assertThat(dave.accepted()).isTrue();
    assertThat(WorkflowStub.fromTyped(wf).getResult(String.class)).isEqualTo("done");
    List<Decision> all = wf.status().decisions();
    assertThat(all).extracting(Decision::by, Decision::accepted).containsExactly(
        org.assertj.core.groups.Tuple.tuple("bob", false),
        org.assertj.core.groups.Tuple.tuple("carol", false),
        org.assertj.core.groups.Tuple.tuple("dave", true));
    assertThat(all.get(1).note()).startsWith("this run requires approvals to come with a"
        + " Temporal identity (approval.requireIdentity) and it came with none: approve with");
  }
}
