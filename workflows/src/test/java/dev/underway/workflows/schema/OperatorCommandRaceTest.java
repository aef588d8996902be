package dev.underway.workflows.schema;

import static dev.underway.workflows.schema.SchemaTestSupport.approve;
import static dev.underway.workflows.schema.SchemaTestSupport.approveContract;
import static dev.underway.workflows.schema.SchemaTestSupport.awaitGate;
import static dev.underway.workflows.schema.SchemaTestSupport.outcome;
import static dev.underway.workflows.schema.SchemaTestSupport.toContractGate;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.underway.kernel.DecisionRequest;
import dev.underway.kernel.DecisionSignal;
import dev.underway.kernel.RunState;
import dev.underway.kernel.Timeline;
import dev.underway.kernel.TimelineEntry;
import dev.underway.workflows.schema.contract.BackfillControl;
import io.temporal.client.WorkflowStub;
import io.temporal.client.WorkflowUpdateException;
import io.temporal.client.WorkflowUpdateHandle;
import io.temporal.client.WorkflowUpdateStage;
import io.temporal.failure.ApplicationFailure;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.junit.jupiter.api.Test;

/**
 * An operator's command that runs an activity, sent just as the run moves on or ends, is either
 * applied (its activity ran and the timeline says so) or refused with a sentence: never accepted
 * and then lost. Each test holds the command's activity (a slow statement) until the run has
 * either ended or shows that it waits for the command.
 */
class OperatorCommandRaceTest extends AmountChangeRuns {


  @Test
  void aThrottleInFlightWhenAnAbortEndsTheRunIsAppliedBeforeTheRollback() throws Exception {
    InMemoryTable table = new InMemoryTable().holdBackfill();
    String before = table.catalogue();
    SchemaChangeWorkflow wf = start(table);
    awaitGate(wf, "expand");
    wf.decide(approve("expand", "bob"));
    await().until(table::backfillStarted);
    await().until(() -> "backfill".equals(wf.status().currentStep()));

    table.holdControl();
    WorkflowUpdateHandle<String> throttle = WorkflowStub.fromTyped(wf).startUpdate(
        SchemaChangeWorkflow.UPDATE_THROTTLE, WorkflowUpdateStage.ACCEPTED, String.class,
        new OperatorCommand("bob", "deploy"));
    await().until(() -> table.calls().contains("Control(true, null)"));
    wf.abort(new DecisionSignal(null, "bob", "replica trouble"));
    CompletableFuture<SchemaChangeResult> ended = endOf(wf);
    awaitEndedOrWaitingForTheCommand(wf, ended);
    table.releaseControl();

    String answer = answer(throttle);
    assertThat(answer).as("the throttle, accepted while the backfill ran, is applied")
        .contains("throttled by bob");
    assertThat(table.control()).isEqualTo(new BackfillControl(true, "bob: deploy", null));
    assertThat(outcome(wf).state()).isEqualTo(RunState.ABORTED);
    assertThat(wf.status().timeline()).filteredOn(e -> e.step().equals("throttle"))
        .extracting(TimelineEntry::detail).containsExactly("throttled by bob (bob: deploy)");
    assertThat(table.calls()).as("the rollback waited for the command")
        .containsSubsequence("Control(true, null)", "Backfill stopped", "Control released",
            "UndoExpand");
    assertThat(table.catalogue()).isEqualTo(before);
  }

  @Test
  void aRevertInFlightWhenTheContractIsApprovedWinsAndTheRunGoesBack() throws Exception {
    InMemoryTable table = new InMemoryTable();
    String before = table.catalogue();
    SchemaChangeWorkflow wf = start(table);
    toContractGate(wf);

    table.holdFlags();
    WorkflowUpdateHandle<String> revert = WorkflowStub.fromTyped(wf).startUpdate(
        SchemaChangeWorkflow.UPDATE_REVERT, WorkflowUpdateStage.ACCEPTED, String.class,
        new OperatorCommand("carol", "5xx on the new path"));
    await().until(() -> table.calls().contains("SetFlag(writes=both)"));
    wf.decide(approveContract("bob", CONFIRM));
    CompletableFuture<SchemaChangeResult> ended = endOf(wf);
    awaitEndedOrWaitingForTheCommand(wf, ended);
    table.releaseFlags();

    assertThat(table.calls()).as("nothing is dropped after reads were sent back to it")
        .doesNotContain("Contract");
    assertThat(answer(revert)).contains("reads back to the old shape by carol");
    awaitGate(wf, "switch-reads");
    assertThat(table.flags()).containsEntry(SchemaChangeWorkflowTest.READS, "old")
        .containsEntry(SchemaChangeWorkflowTest.WRITES, "both");
    assertThat(wf.status().timeline()).filteredOn(e -> e.step().equals("revert"))
        .singleElement().satisfies(e -> assertThat(e.detail()).contains("5xx on the new path"));
    wf.decide(new DecisionRequest("switch-reads", "reject", "bob", "not today"));
    assertThat(outcome(wf).state()).isEqualTo(RunState.REJECTED);
    assertThat(table.catalogue()).isEqualTo(before);
  }

  @Test
  void aThrottleQueuedBehindAnotherIsRefusedOnceTheBackfillHasFinished() throws Exception {
    InMemoryTable table = new InMemoryTable().holdBackfill();
    SchemaChangeWorkflow wf = start(table);
    awaitGate(wf, "expand");
    wf.decide(approve("expand", "bob"));
    await().until(() -> "backfill".equals(wf.status().currentStep()));

    table.holdControl();
    WorkflowStub stub = WorkflowStub.fromTyped(wf);
    WorkflowUpdateHandle<String> first = stub.startUpdate(SchemaChangeWorkflow.UPDATE_THROTTLE,
        WorkflowUpdateStage.ACCEPTED, String.class, new OperatorCommand("bob", "deploy"));
    await().until(() -> table.calls().contains("Control(true, null)"));
    WorkflowUpdateHandle<String> second = stub.startUpdate(SchemaChangeWorkflow.UPDATE_SET_BATCH,
        WorkflowUpdateStage.ACCEPTED, String.class, new OperatorCommand("carol", null, 100));
    table.releaseBackfill();
    await().until(() -> wf.status().timeline().stream()
        .anyMatch(e -> e.step().equals("backfill") && e.state().equals(Timeline.COMPLETED)));
    table.releaseControl();

    assertThat(answer(first)).contains("throttled by bob");
    assertThat(answer(second)).as("it waited for the first, then found no backfill")
        .startsWith("refused: ").contains("the backfill is not running");
    assertThat(table.calls()).filteredOn(c -> c.startsWith("Control(")).containsExactly(
        "Control(true, null)");
    awaitGate(wf, "switch-reads");
    wf.abort(new DecisionSignal(null, "bob", "done"));
    assertThat(outcome(wf).state()).isEqualTo(RunState.ABORTED);
  }

  @Test
  void aRevertSentWhileOldWritesAreBeingStoppedWaitsForTheStepThenReverts() throws Exception {
    InMemoryTable table = new InMemoryTable();
    SchemaChangeWorkflow wf = start(table);
    for (String gate : new String[] {"expand", "switch-reads"}) {
      awaitGate(wf, gate);
      wf.decide(approve(gate, "bob"));
    }
    awaitGate(wf, "stop-old-writes");
    table.holdFlags();
    wf.decide(approve("stop-old-writes", "bob"));
    await().until(() -> table.calls().contains("SetFlag(writes=new)"));
    WorkflowUpdateHandle<String> revert = WorkflowStub.fromTyped(wf).startUpdate(
        SchemaChangeWorkflow.UPDATE_REVERT, WorkflowUpdateStage.ACCEPTED, String.class,
        new OperatorCommand("carol", "p99"));
    table.releaseFlags();

    assertThat(answer(revert)).contains("reads back to the old shape by carol");
    awaitGate(wf, "switch-reads");
    assertThat(table.mutatingCalls()).as("the step finished, then the revert ran")
        .endsWith("SetFlag(writes=new)", "SetFlag(writes=both)", "SetFlag(reads=old)");
    assertThat(table.flags()).containsEntry(SchemaChangeWorkflowTest.READS, "old")
        .containsEntry(SchemaChangeWorkflowTest.WRITES, "both");
    wf.abort(new DecisionSignal(null, "bob", "done"));
    assertThat(outcome(wf).state()).isEqualTo(RunState.ABORTED);
    assertThat(markers(SchemaHistories.WORKFLOW_ID)).as("it waited: the version is recorded")
        .contains(CommandLock.SERIALISED);
  }

  @Test
  void aRunWhereNothingWaitsRecordsNoMarkerOfTheLock() {
    InMemoryTable table = new InMemoryTable();
    SchemaChangeWorkflow wf = start(table);
    toContractGate(wf);
    wf.decide(approveContract("bob", CONFIRM));
    assertThat(outcome(wf).state()).isEqualTo(RunState.COMPLETED);
    assertThat(markers(SchemaHistories.WORKFLOW_ID)).doesNotContain(CommandLock.SERIALISED)
        .contains(SchemaChangeWorkflowImpl.EVIDENCE);
  }

  /** The change ids of the version markers in a run's history. */
  private List<String> markers(String workflowId) {
    return t.client.fetchHistory(workflowId).getEvents().stream()
        .filter(e -> e.hasMarkerRecordedEventAttributes())
        .map(e -> e.getMarkerRecordedEventAttributes().getDetailsMap().toString())
        .map(d -> d.contains(CommandLock.SERIALISED) ? CommandLock.SERIALISED
            : d.contains(SchemaChangeWorkflowImpl.EVIDENCE) ? SchemaChangeWorkflowImpl.EVIDENCE
            : d)
        .toList();
  }

  private static CompletableFuture<SchemaChangeResult> endOf(SchemaChangeWorkflow wf) {
    return WorkflowStub.fromTyped(wf).getResultAsync(SchemaChangeResult.class);
  }

  /**
   * Waits until the run has ended, or shows on its timeline that it waits for the operator's
   * command to finish (it could not end or move on before that). An aborted backfill stops at
   * its next heartbeat, which the test environment sends up to 24 s after the last one.
   */
  private static void awaitEndedOrWaitingForTheCommand(SchemaChangeWorkflow wf,
      CompletableFuture<SchemaChangeResult> ended) {
    await().atMost(Duration.ofSeconds(90)).until(() -> ended.isDone()
        || wf.status().timeline().stream().anyMatch(e -> e.step().equals(CommandLock.STEP)
            && e.state().equals(Timeline.STARTED)));
  }

  /** What became of an accepted update: its answer or {@code refused: <sentence>}. */
  private static String answer(WorkflowUpdateHandle<String> update) throws Exception {
    try {
      return update.getResultAsync().get(30, TimeUnit.SECONDS);
    } catch (ExecutionException e) {
      if (e.getCause() instanceof WorkflowUpdateException u
          && u.getCause() instanceof ApplicationFailure f
          && CommandLock.REFUSED.equals(f.getType())) {
        return "refused: " + f.getOriginalMessage();
      }
      throw new AssertionError("the update was accepted, then lost: " + e.getCause(), e);
    } catch (TimeoutException e) {
      throw new AssertionError("the update was accepted and never answered", e);
    }
  }
}
