package dev.underway.kernel;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.temporal.activity.ActivityInterface;
import io.temporal.activity.ActivityMethod;
import io.temporal.activity.ActivityOptions;
import io.temporal.api.enums.v1.IndexedValueType;
import io.temporal.client.WorkflowClient;
import io.temporal.client.WorkflowFailedException;
import io.temporal.client.WorkflowOptions;
import io.temporal.client.WorkflowStub;
import io.temporal.client.WorkflowUpdateException;
import io.temporal.common.RetryOptions;
import io.temporal.failure.ApplicationFailure;
import io.temporal.testing.TestWorkflowEnvironment;
import io.temporal.worker.Worker;
import io.temporal.workflow.Workflow;
import io.temporal.workflow.WorkflowInterface;
import io.temporal.workflow.WorkflowMethod;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The kernel on its own, through a tiny runbook made for this test: open something (registering
 * its undo first), a gate, then close it. N-of-M approvals, compensation on reject, abort and
 * failure, typed refusals.
 */
class RunKernelTest {

  @ActivityInterface
  public interface Window {
    @ActivityMethod(name = "Test.Open")
    String open();

    @ActivityMethod(name = "Test.Close")
    String close();

    @ActivityMethod(name = "Test.Fail")
    String fail();
  }

  /** Records what was opened and closed; "Fail" fails for good. */
  static final class RecordingWindow implements Window {
    final List<String> calls = new CopyOnWriteArrayList<>();

    @Override
    public String open() {
      calls.add("open");
      return "opened";
    }

    @Override
    public String close() {
      calls.add("close");
      return "closed";
    }

    @Override
    public String fail() {
      calls.add("fail");
      throw ApplicationFailure.newNonRetryableFailure("the step broke", "Broken");
    }
  }

  /**
   * What the test runbook is asked to do.
   *
   * @param confirm when not null, the gate is destructive and approvals must carry this
   */
  public record Ask(ApprovalPolicy approval, boolean failAfterGate, boolean refuse,
      String confirm) {
    public Ask(ApprovalPolicy approval, boolean failAfterGate, boolean refuse) {
      this(approval, failAfterGate, refuse, null);
    }
  }

  @WorkflowInterface
  public interface WindowRunbook extends GatedWorkflow {
    @WorkflowMethod(name = "TestWindow")
    String run(Ask ask);

    /** The runbook's own command that makes the open gate moot. */
    @io.temporal.workflow.SignalMethod(name = "interrupt")
    void interrupt(String why);
  }

  /** Opens a window (undo registered first), asks at a gate, then closes it or fails. */
  public static class WindowRunbookImpl extends GatedRunbook implements WindowRunbook {
    private final Window window = Workflow.newActivityStub(Window.class,
        ActivityOptions.newBuilder().setStartToCloseTimeout(Duration.ofSeconds(10))
            .setRetryOptions(RetryOptions.newBuilder().setMaximumAttempts(1).build()).build());
    private final Run run = run();

    public WindowRunbookImpl() {
      super(new Run("test-window", null));
    }

    @Override
    public String run(Ask ask) {
      run.configure("test/window", ask.approval(), "alice", false, Sequence.VIEW);
      run.timeline().step(Timeline.RUN, Run.VALIDATE);
      if (ask.refuse()) {
        throw run.refuse("the window is not ours", FailureKind.INVALID_REQUEST);
      }
      run.timeline().done("ok");
      run.started("test/window");
      try {
        run.addCompensation("close the window", window::close);
        run.change("window", "open", () -> new dev.underway.kernel.ChangeResult("window",
            dev.underway.kernel.ChangeResult.Outcome.CREATED, window.open()));
        Decision d = run.gate("window", "go", "Close the window after the gate\n",
            new PlanCard("Gate go", List.of(new PlanCard.Row("window", "open", "closed")),
                List.of("close the window"), List.of("the room gets warm")), "0000abcd", null,
            ask.confirm());
        if (d == null && run.interruption() != null) {
          return run.end(RunState.ABORTED, "interrupted: " + run.interruption(), "interrupted");
        }
        if (d.kind() == DecisionKind.ABORT) {
          return run.end(RunState.ABORTED, run.aborted("closed again by its undo"), "aborted");
        }
        if (d.kind() == DecisionKind.REJECT) {
          return run.end(RunState.REJECTED, "rejected", "rejected");
        }
        if (ask.failAfterGate()) {
          run.change("window", "break", () -> {
            window.fail();
            return null;
          });
        }
        run.dropCompensation("close the window");
        run.change("window", "close", () -> new dev.underway.kernel.ChangeResult("window",
            dev.underway.kernel.ChangeResult.Outcome.UPDATED, window.close()));
        run.finish(RunState.COMPLETED, "done");
        return "done";
      } catch (ApplicationFailure | io.temporal.failure.ActivityFailure
          | io.temporal.failure.CanceledFailure e) {
        if (run.cancelledByTemporal(e)) {
          throw run.cancelled("closed again by its undo");
        }
        throw run.failed(e);
      }
    }

    @Override
    public void interrupt(String why) {
      // recorded while the gate is in progress: the gate's own entry is still the one it ends
      run.timeline().record("window", "note", Timeline.COMPLETED, "asked: " + why);
      run.interruptGate(why);
    }

    @Override
    public RunStatus status() {
      return run.status(List.of(), null);
    }
  }

  private TestWorkflowEnvironment env;
  private RecordingWindow window;

  @BeforeEach
  void start() {
    env = TestWorkflowEnvironment.newInstance();
    for (var key : SearchAttributes.ALL) {
      env.registerSearchAttribute(key.getName(), IndexedValueType.INDEXED_VALUE_TYPE_KEYWORD);
    }
    Worker worker = env.newWorker("kernel");
    worker.registerWorkflowImplementationTypes(WindowRunbookImpl.class);
    window = new RecordingWindow();
    worker.registerActivitiesImplementations(window);
    env.start();
  }

  @AfterEach
  void stop() {
    env.close();
  }

  private WindowRunbook begin(Ask ask) {
    WindowRunbook wf = env.getWorkflowClient().newWorkflowStub(WindowRunbook.class,
        WorkflowOptions.newBuilder().setTaskQueue("kernel").setWorkflowId("window").build());
    WorkflowClient.start(wf::run, ask);
    WindowRunbook running = env.getWorkflowClient().newWorkflowStub(WindowRunbook.class,
        "window");
    await().atMost(Duration.ofSeconds(20)).until(() -> running.status().openGate() != null
        || running.status().state().terminal());
    return running;
  }

  private static String result(WindowRunbook wf) {
    return WorkflowStub.fromTyped(wf).getResult(String.class);
  }

  private static ApprovalPolicy twoOf(String... approvers) {
    return new ApprovalPolicy(List.of(approvers), false, null, null, 2, null);
  }

  @Test
  void aGateWithTwoRequiredApprovalsOpensOnTheSecondDistinctApprover() {
    WindowRunbook wf = begin(new Ask(twoOf("bob", "carol", "dave"), false, false));
    Decision first = wf.decide(new DecisionRequest("go", "approve", "bob", "one"));
    assertThat(first.accepted()).isTrue();
    assertThat(first.note()).isEqualTo("approval 1 of 2: the gate waits for more");
    assertThat(wf.status().openGate()).as("one approval does not open it").isNotNull();

    assertThatThrownBy(() -> wf.decide(new DecisionRequest("go", "approve", "bob", "again")))
        .isInstanceOf(WorkflowUpdateException.class)
        .hasStackTraceContaining("bob already approved gate go (1 of 2 approvals)");
    wf.approve(new DecisionSignal("go", "alice", "mine")); // the requester: refused, recorded
    wf.decide(new DecisionRequest("go", "approve", "carol", "two"));

    assertThat(result(wf)).isEqualTo("done");
    RunStatus s = wf.status();
    assertThat(s.timeline()).filteredOn(e -> e.step().equals(Run.GATE)).singleElement()
        .satisfies(e -> assertThat(e.detail()).startsWith("approved by bob and carol"));
    assertThat(s.decisions()).extracting(Decision::by, Decision::accepted)
        .containsExactly(org.assertj.core.groups.Tuple.tuple("bob", true),
            org.assertj.core.groups.Tuple.tuple("alice", false),
            org.assertj.core.groups.Tuple.tuple("carol", true));
    assertThat(window.calls).containsExactly("open", "close");
  }

  @Test
  void oneRejectionEndsATwoApproverGateAndTheUndoRuns() {
    WindowRunbook wf = begin(new Ask(twoOf("bob", "carol"), false, false));
    wf.decide(new DecisionRequest("go", "approve", "bob", "one"));
    wf.decide(new DecisionRequest("go", "reject", "carol", "no"));
    assertThatThrownBy(() -> result(wf)).as("a run that does not complete ends Failed")
        .isInstanceOf(WorkflowFailedException.class).cause()
        .isInstanceOf(ApplicationFailure.class).hasMessageContaining("rejected")
        .satisfies(e -> assertThat(((ApplicationFailure) e).getType()).isEqualTo("Rejected"));
    assertThat(window.calls).as("the window was closed by its undo").containsExactly("open",
        "close");
    assertThat(wf.status().timeline()).anyMatch(e -> e.step().equals(Run.UNDO)
        && e.state().equals(Timeline.UNDONE) && e.detail().equals("close the window"));
  }

  @Test
  void anAbortRunsTheUndoInADetachedScope() {
    WindowRunbook wf = begin(new Ask(null, false, false));
    wf.abort(new DecisionSignal(null, "bob", "stop"));
    assertThatThrownBy(() -> result(wf)).cause()
        .hasMessageContaining("Aborted by bob (stop) at window/gate.")
        .satisfies(e -> assertThat(((ApplicationFailure) e).getType()).isEqualTo("Aborted"));
    assertThat(window.calls).containsExactly("open", "close");
    assertThat(wf.status().state()).isEqualTo(RunState.ABORTED);
  }

  @Test
  void aTemporalCancellationIsAnAbortThatEndsTheRunCanceledAfterItsUndo() {
    WindowRunbook wf = begin(new Ask(null, false, false));
    WorkflowStub.fromTyped(wf).cancel();
    assertThatThrownBy(() -> result(wf)).isInstanceOf(WorkflowFailedException.class)
        .cause().isInstanceOf(io.temporal.failure.CanceledFailure.class);
    assertThat(window.calls).as("the undo ran although the run was cancelled")
        .containsExactly("open", "close");
    RunStatus s = wf.status();
    assertThat(s.state()).isEqualTo(RunState.ABORTED);
    assertThat(s.timeline()).anyMatch(e -> e.step().equals(Run.ABORT)
        && e.detail().startsWith("Cancelled through Temporal"));
  }

  @Test
  void aFailureAfterTheOpeningRunsTheUndoAndSaysNothingElseWasRolledBack() {
    WindowRunbook wf = begin(new Ask(null, true, false));
    wf.approve(new DecisionSignal("go", "bob", "go"));
    assertThatThrownBy(() -> result(wf)).isInstanceOf(WorkflowFailedException.class)
        .rootCause().hasMessageContaining("window/break failed: the step broke")
        .hasMessageContaining("Undone: close the window. Nothing else was rolled back"
            + " automatically.");
    assertThat(window.calls).containsExactly("open", "fail", "close");
  }

  @Test
  void aRefusalSaysNothingChangedAndRunsNoUndo() {
    WindowRunbook wf = env.getWorkflowClient().newWorkflowStub(WindowRunbook.class,
        WorkflowOptions.newBuilder().setTaskQueue("kernel").setWorkflowId("window").build());
    assertThatThrownBy(() -> wf.run(new Ask(null, false, true)))
        .rootCause().hasMessage("message='" + FailureKind.REFUSED
            + ": the window is not ours', type='InvalidRequest', nonRetryable=true");
    assertThat(window.calls).isEmpty();
  }

  @Test
  void aDestructiveGateRefusesApprovalsWithoutTheConfirmationTypedExactlyFromEachApprover() {
    WindowRunbook wf = begin(new Ask(twoOf("bob", "carol"), false, false, "window.glass"));
    assertThat(wf.status().openGate().confirm()).isEqualTo("window.glass");
    assertThat(wf.status().openGate().text()).contains("--confirm "
        + DecideCommands.CONFIRM_PLACEHOLDER).contains("\"confirm\":\""
        + DecideCommands.CONFIRM_PLACEHOLDER + "\"");
    assertThatThrownBy(() -> wf.decide(new DecisionRequest("go", "approve", "bob", "no name")))
        .isInstanceOf(WorkflowUpdateException.class)
        .hasStackTraceContaining("gate go is destructive: an approval must carry \"confirm\":"
            + " \"window.glass\", the name of what it drops, typed exactly (it has none)");
    assertThatThrownBy(() -> wf.decide(new DecisionRequest("go", "approve", "bob", "typo",
        null, null, "window.glas")))
        .isInstanceOf(WorkflowUpdateException.class)
        .hasStackTraceContaining("(it has \"window.glas\")");
    wf.approve(new DecisionSignal("go", "carol", "by signal, no name"));
    await().until(() -> wf.status().decisions().size() == 1);
    assertThat(wf.status().decisions().get(0).accepted()).isFalse();
    wf.decide(new DecisionRequest("go", "approve", "bob", "one", null, null, "window.glass"));
    assertThat(wf.status().openGate()).as("one of two approvals").isNotNull();
    wf.decide(new DecisionRequest("go", "approve", "carol", "two", null, null,
        " window.glass "));
    assertThat(result(wf)).isEqualTo("done");
    assertThat(window.calls).containsExactly("open", "close");
  }

  @Test
  void aDestructiveGateIsRejectedWithoutAConfirmation() {
    WindowRunbook wf = begin(new Ask(null, false, false, "window.glass"));
    assertThat(wf.decide(new DecisionRequest("go", "reject", "carol", "not today")).accepted())
        .isTrue();
    assertThatThrownBy(() -> result(wf)).cause().hasMessageContaining("rejected");
  }

  @Test
  void aGateInterruptedByTheRunbookReturnsWithoutADecisionAndSaysWhy() {
    WindowRunbook wf = begin(new Ask(null, false, false));
    wf.interrupt("the plan is moot");
    assertThatThrownBy(() -> result(wf)).cause().hasMessageContaining(
        "interrupted: the plan is moot");
    RunStatus s = wf.status();
    assertThat(s.timeline()).filteredOn(e -> e.step().equals(Run.GATE)).singleElement()
        .satisfies(e -> {
          assertThat(e.state()).isEqualTo(Timeline.INTERRUPTED);
          assertThat(e.detail()).isEqualTo("interrupted before a decision: the plan is moot");
        });
    assertThat(s.timeline()).filteredOn(e -> e.step().equals("note")).singleElement()
        .satisfies(e -> assertThat(e.state() + ": " + e.detail())
            .isEqualTo(Timeline.COMPLETED + ": asked: the plan is moot"));
    assertThat(window.calls).as("its undo ran").containsExactly("open", "close");
  }

  @Test
  void failureKindsSayWhichAreRefusals() {
    assertThat(FailureKind.of("ScaleDownRefused").refusal()).isTrue();
    assertThat(FailureKind.of("VerificationFailed").refusal()).isFalse();
    assertThat(FailureKind.of("SomethingNew")).isEqualTo(FailureKind.STEP_FAILED);
    assertThat(FailureKind.INVALID_REQUEST.refuse("x").getOriginalMessage())
        .isEqualTo(FailureKind.REFUSED + ": x");
  }
}
