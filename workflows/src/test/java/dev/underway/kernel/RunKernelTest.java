package dev.underway.kernel;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.temporal.activity.ActivityInterface;
import io.temporal.activity.ActivityMethod;
import io.temporal.activity.ActivityOptions;
import io.temporal.client.WorkflowClient;
import io.temporal.client.WorkflowFailedException;
import io.temporal.client.WorkflowOptions;
import io.temporal.client.WorkflowStub;
import io.temporal.client.WorkflowUpdateException;
import io.temporal.client.WorkflowUpdateHandle;
import io.temporal.client.WorkflowUpdateStage;
import io.temporal.common.RetryOptions;
import io.temporal.failure.ApplicationFailure;
import io.temporal.testing.TestWorkflowEnvironment;
import io.temporal.workflow.Workflow;
import io.temporal.workflow.WorkflowInterface;
import io.temporal.workflow.WorkflowMethod;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The kernel on its own, through a tiny runbook on its protocol made for this test: open
 * something (registering its undo first), a gate, then close it. Each ending of the template
 * (completed, rejected, aborted, expired, interrupted, cancelled, failed, refused), each outcome
 * of a gate, N-of-M approvals, an abort that ends the body in a step, compensation newest first,
 * and a runbook's own refusal kind.
 */
public class RunKernelTest {

  @ActivityInterface
  public interface Window {
    @ActivityMethod(name = "Test.Open")
    String open();

    @ActivityMethod(name = "Test.Close")
    String close();

    @ActivityMethod(name = "Test.Unlock")
    String unlock();

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
    public String unlock() {
      calls.add("unlock");
      return "unlocked";
    }

    @Override
    public String fail() {
      calls.add("fail");
      throw ApplicationFailure.newNonRetryableFailure("the step broke", "Broken");
    }
  }

  /** The test runbook's own refusal: the kernel has never heard of it. */
  static final FailureType PAINTED_SHUT = FailureType.ofRefusal("PaintedShut");

  /**
   * What the test runbook is asked to do.
   *
   * @param confirm when not null, the gate is destructive and approvals must carry this
   * @param secondUndo registers a second undo (unlock the door) after the window is open
   * @param waitBeforeGate waits a day (a step an abort can stop) before the gate
   * @param paintedShut refuses in the body with the runbook's own refusal kind
   */
  public record Ask(ApprovalPolicy approval, boolean failAfterGate, boolean refuse,
      String confirm, boolean secondUndo, boolean waitBeforeGate, boolean paintedShut) {
    public Ask(ApprovalPolicy approval, boolean failAfterGate, boolean refuse) {
      this(approval, failAfterGate, refuse, null);
    }

    public Ask(ApprovalPolicy approval, boolean failAfterGate, boolean refuse, String confirm) {
      this(approval, failAfterGate, refuse, confirm, false, false, false);
    }
  }

  @WorkflowInterface
  public interface WindowRunbook extends DecisionHandlers {
    @WorkflowMethod(name = "TestWindow")
    String run(Ask ask);

    /** The runbook's own command that makes the open gate moot. */
    @io.temporal.workflow.SignalMethod(name = "interrupt")
    void interrupt(String why);

    /** An operator's update that takes a while (five minutes of workflow time). */
    @io.temporal.workflow.UpdateMethod(name = "note")
    String note(String text);
  }

  /**
   * On the kernel's protocol: opens a window (undo registered first), asks at a gate, then
   * closes it or fails. Its status's result is the kind of the gate's outcome.
   */
  public static class WindowRunbookImpl extends GatedRunProtocol<String> implements WindowRunbook {
    private final Window window = Workflow.newActivityStub(Window.class,
        ActivityOptions.newBuilder().setStartToCloseTimeout(Duration.ofSeconds(10))
            .setRetryOptions(RetryOptions.newBuilder().setMaximumAttempts(1).build()).build());
    private final Run run = run();
    private String outcome;

    public WindowRunbookImpl() {
      super("test-window", null, List.of(PAINTED_SHUT));
    }

    @Override
    public String run(Ask ask) {
      return execute(new RunSetup("test/window", ask.approval(), "alice", false, Sequence.VIEW),
          () -> ask.refuse() ? List.of("the window is not ours") : List.of(), () -> body(ask));
    }

    private Ending body(Ask ask) {
      if (ask.paintedShut()) {
        throw PAINTED_SHUT.refuse("the window is painted shut");
      }
      run.addCompensation("close the window", window::close);
      run.changeStep("window", "open", () -> new ChangeResult("window",
          ChangeResult.Outcome.CREATED, window.open()));
      if (ask.secondUndo()) {
        run.addCompensation("unlock the door", window::unlock);
      }
      if (ask.waitBeforeGate()) {
        run.awaitStep("window", "cool", () -> {
          Workflow.sleep(Duration.ofDays(1));
          return "cooled";
        });
      }
      Duration expiry = ask.approval() == null || ask.approval().gateExpiry() == null ? null
          : Duration.parse(ask.approval().gateExpiry());
      GateOutcome o = run.gate(new Gate("window", "go", "Close the window after the gate\n",
          new PlanCard("Gate go", List.of(new PlanCard.Row("window", "open", "closed")),
              List.of("close the window"), List.of("the room gets warm")), "0000abcd", expiry,
          ask.confirm()));
      outcome = o.getClass().getSimpleName();
      if (o instanceof GateOutcome.Interrupted i) {
        throw new Ending(RunState.ABORTED, "window/gate", "interrupted: " + i.why()).stop();
      }
      if (o instanceof GateOutcome.Rejected) {
        throw Ending.rejected("window/gate", "rejected").stop();
      }
      if (o instanceof GateOutcome.Expired e) {
        throw Ending.expired("window/gate", "no decision within " + e.after()).stop();
      }
      if (o instanceof GateOutcome.Aborted) {
        throw Ending.aborted().stop();
      }
      outcome += " by " + ((GateOutcome.Approved) o).decisions().size();
      if (ask.failAfterGate()) {
        run.changeStep("window", "break", () -> {
          window.fail();
          return null;
        });
      }
      run.dropCompensation("close the window");
      run.changeStep("window", "close", () -> new ChangeResult("window",
          ChangeResult.Outcome.UPDATED, window.close()));
      return Ending.completed("done");
    }

    @Override
    protected String result(Ending ending) {
      return ending.completed() ? "done" : ending.state().name().toLowerCase();
    }

    @Override
    protected String afterAbort() {
      return "closed again by its undo";
    }

    @Override
    protected String afterCancel() {
      return "closed again by its undo";
    }

    @Override
    public void interrupt(String why) {
      // recorded while the gate is in progress: the gate's own entry is still the one it ends
      run.timeline().record("window", "note", Timeline.COMPLETED, "asked: " + why);
      run.interruptGate(why);
    }

    @Override
    public String note(String text) {
      Workflow.sleep(Duration.ofMinutes(5));
      run.timeline().record("window", "note", Timeline.COMPLETED, text);
      return "noted: " + text;
    }

    @Override
    public RunStatus status() {
      return run.status(List.of(), outcome);
    }
  }

  private TestWorkflowEnvironment env;
  private RecordingWindow window;

  @BeforeEach
  void start() {
    window = new RecordingWindow();
    env = WindowRunbookEnvironment.started(window);
  }

  @AfterEach
  void stop() {
    env.close();
  }

  private WindowRunbook start(Ask ask) {
    WindowRunbook wf = env.getWorkflowClient().newWorkflowStub(WindowRunbook.class,
        WorkflowOptions.newBuilder().setTaskQueue("kernel").setWorkflowId("window").build());
    WorkflowClient.start(wf::run, ask);
    return env.getWorkflowClient().newWorkflowStub(WindowRunbook.class, "window");
  }

  private WindowRunbook begin(Ask ask) {
    WindowRunbook running = start(ask);
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
    assertThat(s.result()).as("the gate's outcome: approved, with both decisions")
        .isEqualTo("Approved by 2");
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
    assertThat(wf.status().result()).isEqualTo("Rejected");
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
    assertThat(wf.status().result()).isEqualTo("Aborted");
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
    assertThat(s.state()).isEqualTo(RunState.CANCELED);
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
    assertThat(wf.status().openGate().text()).contains("--confirm 'window.glass'")
        .contains("\"confirm\":\"window.glass\"");
    assertThatThrownBy(() -> wf.decide(new DecisionRequest("go", "approve", "bob", "no name")))
        .isInstanceOf(WorkflowUpdateException.class)
        .hasStackTraceContaining("gate go is destructive: an approval must carry \"confirm\":"
            + " \"window.glass\", the name of what it drops, typed exactly (it has none)");
    assertThatThrownBy(() -> wf.decide(new DecisionRequest("go", "approve", "bob", "typo",
        null, null, "window.glas")))
        .isInstanceOf(WorkflowUpdateException.class)
        .hasStackTraceContaining("typed exactly: it has \"window.glas\" (it stops before \"s\")");
    wf.approve(new DecisionSignal("go", "carol", "by signal, no name"));
    await().until(() -> wf.status().decisions().size() == 1);
    assertThat(wf.status().decisions().get(0).accepted()).isFalse();
    wf.decide(new DecisionRequest("go", "approve", "bob", "one", null, null, "window.glass"));
    assertThat(wf.status().openGate()).as("one of two approvals").isNotNull();
    assertThatThrownBy(() -> wf.decide(new DecisionRequest("go", "approve", "carol", "two",
        null, null, " window.glass "))).as("typed exactly: spaces around the name are not it")
        .isInstanceOf(WorkflowUpdateException.class)
        .hasStackTraceContaining("typed exactly: it has \" window.glass \" (a space before the"
            + " name, a space after it)");
    wf.decide(new DecisionRequest("go", "approve", "carol", "two", null, null,
        "window.glass"));
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
    assertThat(s.result()).isEqualTo("Interrupted");
  }

  @Test
  void aGateLeftUndecidedExpiresNeverApprovedAndTheRunEndsExpiredAfterItsUndo() {
    WindowRunbook wf = begin(new Ask(new ApprovalPolicy(null, null, "PT2H", null, null, null),
        false, false));
    assertThatThrownBy(() -> result(wf)).as("time skips to the expiry")
        .isInstanceOf(WorkflowFailedException.class).cause()
        .isInstanceOfSatisfying(ApplicationFailure.class, e -> {
          assertThat(e.getType()).isEqualTo("Expired");
          assertThat(e.getOriginalMessage()).isEqualTo("no decision within PT2H Undone: close"
              + " the window. Nothing else was rolled back automatically.");
        });
    RunStatus s = wf.status();
    assertThat(s.result()).isEqualTo("Expired");
    assertThat(s.state()).isEqualTo(RunState.EXPIRED);
    assertThat(s.timeline()).filteredOn(e -> e.step().equals(Run.GATE)).singleElement()
        .satisfies(e -> assertThat(e.state()).isEqualTo(Timeline.EXPIRED));
    assertThat(window.calls).containsExactly("open", "close");
  }

  @Test
  void anAbortDuringAStepEndsTheBodyThereWithTheRunbooksWords() {
    WindowRunbook wf = start(new Ask(null, false, false, null, false, true, false));
    await().atMost(Duration.ofSeconds(20)).until(() -> wf.status().timeline().stream()
        .anyMatch(e -> e.step().equals("cool")));
    wf.abort(new DecisionSignal(null, "bob", "too hot"));
    assertThatThrownBy(() -> result(wf)).cause()
        .isInstanceOfSatisfying(ApplicationFailure.class, e -> {
          assertThat(e.getType()).isEqualTo("Aborted");
          assertThat(e.getOriginalMessage()).startsWith("Aborted by bob (too hot) at"
              + " window/cool. closed again by its undo Undone: close the window.");
        });
    RunStatus s = wf.status();
    assertThat(s.openGate()).isNull();
    assertThat(s.timeline()).as("the body ended in the step: no gate opened")
        .noneMatch(e -> e.step().equals(Run.GATE));
    assertThat(s.result()).as("no gate outcome").isNull();
    assertThat(window.calls).containsExactly("open", "close");
  }

  @Test
  void twoUndosRunNewestFirst() {
    WindowRunbook wf = begin(new Ask(null, false, false, null, true, false, false));
    wf.reject(new DecisionSignal("go", "bob", "no"));
    assertThatThrownBy(() -> result(wf)).cause().hasMessageContaining(
        "Undone: unlock the door; close the window. Nothing else was rolled back");
    assertThat(window.calls).containsExactly("open", "unlock", "close");
    assertThat(wf.status().timeline()).filteredOn(e -> e.step().equals(Run.UNDO))
        .extracting(TimelineEntry::detail).containsExactly("unlock the door", "close the window");
  }

  @Test
  void aRunbooksOwnRefusalKindIsARefusalTheKernelNeverListed() {
    WindowRunbook wf = start(new Ask(null, false, false, null, false, false, true));
    assertThatThrownBy(() -> result(wf)).cause()
        .isInstanceOfSatisfying(ApplicationFailure.class, e -> {
          assertThat(e.getType()).isEqualTo("PaintedShut");
          assertThat(e.getOriginalMessage()).as("no position, nothing rolled back: a refusal")
              .isEqualTo(FailureType.REFUSED + ": the window is painted shut");
        });
    assertThat(FailureKind.of("PaintedShut")).isEqualTo(FailureKind.STEP_FAILED);
    assertThat(window.calls).isEmpty();
  }

  @Test
  void theRunCompletesOnlyOnceAnUpdateStillRunningHasFinished() throws Exception {
    WindowRunbook wf = begin(new Ask(null, false, false));
    WorkflowUpdateHandle<String> note = WorkflowStub.fromTyped(wf).startUpdate("note",
        WorkflowUpdateStage.ACCEPTED, String.class, "sent as the gate was approved");
    wf.approve(new DecisionSignal("go", "bob", "go"));
    assertThat(result(wf)).isEqualTo("done");
    assertThat(note.getResultAsync().get(20, TimeUnit.SECONDS)).as("not lost: it finished")
        .isEqualTo("noted: sent as the gate was approved");
    assertThat(wf.status().timeline()).filteredOn(e -> e.step().equals("note"))
        .extracting(TimelineEntry::detail).containsExactly("sent as the gate was approved");
  }

  @Test
  void theKernelsFailureKindsAreGenericAndSayWhichAreRefusals() {
    assertThat(FailureKind.of("InvalidRequest").refusal()).isTrue();
    assertThat(FailureKind.of("VerificationFailed").refusal()).isFalse();
    assertThat(FailureKind.of("ScaleDownRefused")).as("the evolution's, not the kernel's")
        .isEqualTo(FailureKind.STEP_FAILED);
    assertThat(FailureKind.of("SomethingNew")).isEqualTo(FailureKind.STEP_FAILED);
    assertThat(FailureKind.INVALID_REQUEST.refuse("x").getOriginalMessage())
        .isEqualTo(FailureKind.REFUSED + ": x");
  }
}
