package dev.underway.workflows.schema;

import static dev.underway.workflows.schema.SchemaTestSupport.awaitGate;
import static dev.underway.workflows.schema.SchemaTestSupport.example;
import static dev.underway.workflows.schema.SchemaTestSupport.approve;
import static dev.underway.workflows.schema.SchemaTestSupport.approveContract;
import static dev.underway.workflows.schema.SchemaTestSupport.outcome;
import static dev.underway.workflows.schema.SchemaTestSupport.toContractGate;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.underway.kernel.Failures;
import dev.underway.workflows.schema.contract.BackfillControl;
import dev.underway.workflows.schema.contract.ChangeObjects;
import dev.underway.workflows.schema.contract.OldColumn;
import dev.underway.workflows.schema.contract.SchemaFailures;
import dev.underway.workflows.schema.contract.TableChange;
import dev.underway.kernel.ApprovalPolicy;
import dev.underway.kernel.DecisionRequest;
import dev.underway.kernel.DecisionSignal;
import dev.underway.kernel.FailureKind;
import dev.underway.kernel.FailureType;
import dev.underway.kernel.GateView;
import dev.underway.kernel.RunState;
import dev.underway.kernel.RunStatus;
import dev.underway.kernel.Timeline;
import dev.underway.kernel.TimelineEntry;
import io.temporal.client.WorkflowFailedException;
import io.temporal.client.WorkflowStub;
import io.temporal.client.WorkflowUpdateException;
import io.temporal.failure.ApplicationFailure;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The SchemaChange workflow in the time-skipping environment, every step, gate, rollback,
 * refusal and operator command, against the {@link InMemoryTable} stand-in (the PostgreSQL
 * activities are tested against PostgreSQL in the activities module).
 */
class SchemaChangeWorkflowTest {

  /** orders.amount integer to amount_cents bigint; approver bob; reversible. */
  static final SchemaChangeRequest AMOUNT = example("bigint-amount");
  static final String CONFIRM = "public.orders.amount";
  static final String READS = "schema-change/public.orders/amount_cents/reads";
  static final String WRITES = "schema-change/public.orders/amount_cents/writes";

  private SchemaTestSupport t;

  private SchemaChangeWorkflow start(InMemoryTable table, SchemaChangeRequest request) {
    t = new SchemaTestSupport(table);
    return t.start(request);
  }

  @AfterEach
  void close() {
    if (t != null) {
      t.close();
    }
  }

  /** Approves expand and waits for the switch-reads gate. */
  private static void throughVerify(SchemaChangeWorkflow wf) {
    awaitGate(wf, "expand");
    wf.decide(approve("expand", "bob"));
    awaitGate(wf, "switch-reads");
  }

  @Test
  void happyPathGoesThroughEveryStepAndGateInOrder() {
    InMemoryTable table = new InMemoryTable();
    String before = table.catalogue();
    SchemaChangeWorkflow wf = start(table, AMOUNT);

    GateView expand = awaitGate(wf, "expand");
    assertThat(expand.plan()).matches("[0-9a-f]{8}");
    assertThat(expand.confirm()).isNull();
    assertThat(expand.text()).contains("ADD COLUMN amount_cents bigint")
        .contains("ADD COLUMN schema_version integer")
        .contains("sync trigger underway_sync_orders")
        .contains("backfill 1000 row(s)").contains("standby1 (streaming): replay lag 12 ms");
    assertThat(table.mutatingCalls()).as("nothing changes before the expand gate").isEmpty();
    wf.decide(approve("expand", "bob"));

    GateView switchReads = awaitGate(wf, "switch-reads");
    assertThat(switchReads.text()).as("the gate carries the backfill's and verify's numbers")
        .contains("backfilled: 1000 row(s) in 0 batch(es), 250 rows/s, 1 attempt(s)")
        .contains("verified: 1000 row(s) checked, 0 mismatch(es)")
        .contains("replica lag now: standby1 12 ms")
        .contains("rows per version: {2=1000}");
    assertThat(table.flags()).containsEntry(READS, "old").containsEntry(WRITES, "both");
    wf.decide(approve("switch-reads", "bob"));

    awaitGate(wf, "stop-old-writes");
    assertThat(table.flags()).containsEntry(READS, "new").containsEntry(WRITES, "both");
    wf.decide(approve("stop-old-writes", "bob"));

    GateView contract = awaitGate(wf, "contract");
    assertThat(table.flags()).containsEntry(WRITES, "new");
    assertThat(contract.confirm()).isEqualTo(CONFIRM);
    assertThat(contract.text()).contains("DROP public.orders.amount")
        .contains("DROP trigger underway_sync_orders")
        .contains("--confirm '" + CONFIRM + "'");
    assertThat(table.hasColumn("amount")).isTrue();
    wf.decide(approveContract("bob", CONFIRM));

    SchemaChangeResult r = outcome(wf);
    assertThat(r.state()).isEqualTo(RunState.COMPLETED);
    assertThat(r.reads()).isEqualTo("new");
    assertThat(r.backfill().rowsUpdated()).isEqualTo(1000);
    assertThat(table.hasColumn("amount")).isFalse();
    assertThat(table.hasColumn("amount_cents")).isTrue();
    assertThat(table.heldBy()).as("the table is released").isNull();
    assertThat(table.catalogue()).isNotEqualTo(before);
    assertThat(table.mutatingCalls()).containsExactly("Expand",
        "Backfill([id], batch 2000, lag 1500 ms, target 500 ms)", "SetFlag(reads=new)",
        "SetFlag(writes=new)", "Contract");
    assertThat(table.calls()).containsSubsequence("Observe", "Expand",
        "Backfill([id], batch 2000, lag 1500 ms, target 500 ms)", "Verify",
        "Observe", "SetFlag(reads=new)", "SetFlag(writes=new)", "Contract");
    RunStatus s = wf.status();
    assertThat(s.timeline().stream().map(e -> e.phase() + "/" + e.step()).toList())
        .containsSubsequence("plan/observe", "plan/plan", "expand/gate", "expand/expand",
            "backfill/backfill", "verify/verify", "switch-reads/gate", "switch-reads/switch-reads",
            "stop-old-writes/gate", "stop-old-writes/stop-old-writes", "contract/gate",
            "contract/contract");
    assertThat(s.plans()).hasSize(1);
  }

  @Test
  void rejectingTheExpandGateChangesNothing() {
    InMemoryTable table = new InMemoryTable();
    SchemaChangeWorkflow wf = start(table, AMOUNT);
    awaitGate(wf, "expand");
    wf.decide(new DecisionRequest("expand", "reject", "bob", "not today"));
    SchemaChangeResult r = outcome(wf);
    assertThat(r.state()).isEqualTo(RunState.REJECTED);
    assertThat(r.message()).contains("Gate expand rejected by bob").doesNotContain("Undone");
    assertThat(table.mutatingCalls()).isEmpty();
  }

  @Test
  void rejectingSwitchReadsRollsBackAndTheTableIsAsItWas() {
    InMemoryTable table = new InMemoryTable();
    String before = table.catalogue();
    SchemaChangeWorkflow wf = start(table, AMOUNT);
    throughVerify(wf);
    assertThat(table.catalogue()).isNotEqualTo(before);
    wf.decide(new DecisionRequest("switch-reads", "reject", "bob", "lag"));
    SchemaChangeResult r = outcome(wf);
    assertThat(r.state()).isEqualTo(RunState.REJECTED);
    assertThat(r.message()).contains("Undone: " + SchemaChangeWorkflowImpl.UNDO_EXPAND);
    assertThat(table.catalogue()).isEqualTo(before);
    assertThat(table.flags()).isEmpty();
    assertThat(table.heldBy()).isNull();
    assertThat(table.mutatingCalls()).as("writers drained to the old shape before the drop")
        .endsWith("SetFlag(writes=old)", "UndoExpand");
    assertThat(table.calls()).as("the new-shape writers' evidence was read before the drop")
        .containsSubsequence("SetFlag(writes=old)", "Writers", "UndoExpand");
    assertThat(wf.status().timeline()).filteredOn(e -> e.step().equals("undo"))
        .extracting(TimelineEntry::state).containsExactly(Timeline.UNDONE);
  }

  @Test
  void abortAtStopOldWritesPutsReadsBackThenRemovesTheNewShape() {
    InMemoryTable table = new InMemoryTable();
    String before = table.catalogue();
    SchemaChangeWorkflow wf = start(table, AMOUNT);
    throughVerify(wf);
    wf.decide(approve("switch-reads", "bob"));
    awaitGate(wf, "stop-old-writes");
    wf.abort(new DecisionSignal(null, "bob", "errors in the new path"));
    SchemaChangeResult r = outcome(wf);
    assertThat(r.state()).isEqualTo(RunState.ABORTED);
    assertThat(r.message()).contains("Undone: " + SchemaChangeWorkflowImpl.UNDO_READS + "; "
        + SchemaChangeWorkflowImpl.UNDO_EXPAND);
    assertThat(table.mutatingCalls()).endsWith("SetFlag(reads=old)", "SetFlag(writes=old)",
        "UndoExpand");
    assertThat(table.catalogue()).isEqualTo(before);
  }

  @Test
  void rejectingTheContractUndoesEveryStepInReverse() {
    InMemoryTable table = new InMemoryTable();
    String before = table.catalogue();
    SchemaChangeWorkflow wf = start(table, AMOUNT);
    toContractGate(wf);
    wf.decide(new DecisionRequest("contract", "reject", "bob", "keep the old column"));
    assertThat(outcome(wf).state()).isEqualTo(RunState.REJECTED);
    assertThat(table.mutatingCalls()).endsWith("SetFlag(writes=both)", "SetFlag(reads=old)",
        "SetFlag(writes=old)", "UndoExpand");
    assertThat(table.catalogue()).isEqualTo(before);
    assertThat(table.hasColumn("amount")).isTrue();
  }

  @Test
  void aGateThatExpiresRollsBack() {
    InMemoryTable table = new InMemoryTable();
    String before = table.catalogue();
    SchemaChangeRequest expiring = new SchemaChangeRequest(AMOUNT.target(), AMOUNT.change(),
        null, null, null, null, null, null,
        new ApprovalPolicy(List.of("bob"), true, "PT1H", null), null, "alice", null);
    SchemaChangeWorkflow wf = start(table, expiring);
    throughVerify(wf);
    SchemaChangeResult r = outcome(wf); // the client waits: time skips to the expiry
    assertThat(r.state()).isEqualTo(RunState.EXPIRED);
    assertThat(r.stoppedAt()).isEqualTo("switch-reads/gate");
    assertThat(r.message()).contains("Gate switch-reads expired after PT1H")
        .contains("Undone: " + SchemaChangeWorkflowImpl.UNDO_EXPAND);
    assertThat(table.catalogue()).isEqualTo(before);
  }

  @Test
  void aTemporalCancellationIsAnAbortThatRollsBack() {
    InMemoryTable table = new InMemoryTable();
    String before = table.catalogue();
    SchemaChangeWorkflow wf = start(table, AMOUNT);
    throughVerify(wf);
    wf.decide(approve("switch-reads", "bob"));
    awaitGate(wf, "stop-old-writes");
    WorkflowStub.fromTyped(wf).cancel();
    assertThatThrownBy(() -> WorkflowStub.fromTyped(wf).getResult(SchemaChangeResult.class))
        .isInstanceOf(WorkflowFailedException.class)
        .hasCauseInstanceOf(io.temporal.failure.CanceledFailure.class);
    assertThat(table.mutatingCalls()).endsWith("SetFlag(reads=old)", "SetFlag(writes=old)",
        "UndoExpand");
    assertThat(table.catalogue()).isEqualTo(before);
    assertThat(wf.status().state()).isEqualTo(RunState.CANCELED);
    assertThat(wf.status().message()).contains("taken as an abort")
        .contains("Undone: " + SchemaChangeWorkflowImpl.UNDO_READS);
  }

  @Test
  void theContractGateRefusesAWrongOrMissingConfirmation() {
    InMemoryTable table = new InMemoryTable();
    SchemaChangeWorkflow wf = start(table, AMOUNT);
    toContractGate(wf);
    assertThatThrownBy(() -> wf.decide(approve("contract", "bob")))
        .isInstanceOf(WorkflowUpdateException.class)
        .hasStackTraceContaining("gate contract is destructive: an approval must carry"
            + " \"confirm\": \"" + CONFIRM + "\"").hasStackTraceContaining("(it has none)");
    assertThatThrownBy(() -> wf.decide(approveContract("bob", "orders.amount")))
        .isInstanceOf(WorkflowUpdateException.class)
        .hasStackTraceContaining("typed exactly: it has \"orders.amount\" (from character 1 on"
            + " it has \"orders.amount\" where the name has \"public.orders.amount\")");
    wf.approve(new DecisionSignal("contract", "bob", "by signal, no name"));
    await().until(() -> wf.status().decisions().stream()
        .anyMatch(d -> !d.accepted() && "contract".equals(d.gate())));
    assertThat(wf.status().openGate().gate()).isEqualTo("contract");
    assertThat(table.calls()).doesNotContain("Contract");
    wf.decide(approveContract("bob", CONFIRM));
    assertThat(outcome(wf).state()).isEqualTo(RunState.COMPLETED);
    assertThat(table.calls()).contains("Contract");
  }

  @Test
  void twoOfTwoApproversMustEachTypeTheConfirmation() {
    InMemoryTable table = new InMemoryTable();
    SchemaChangeRequest split = example("split-name");
    SchemaChangeWorkflow wf = start(table, split);
    for (String gate : List.of("expand", "switch-reads", "stop-old-writes")) {
      awaitGate(wf, gate);
      wf.decide(approve(gate, "bob"));
      assertThat(wf.status().openGate()).as("one of two").isNotNull();
      wf.decide(approve(gate, "carol"));
      if (gate.equals("switch-reads")) {
        await().until(() -> "soak".equals(wf.status().currentStep()));
        t.env.sleep(Duration.ofMinutes(31)); // the soak
      }
    }
    GateView contract = awaitGate(wf, "contract");
    assertThat(contract.confirm()).isEqualTo("public.customers.name");
    wf.decide(approveContract("bob", "public.customers.name"));
    assertThatThrownBy(() -> wf.decide(approveContract("carol", "customers.name")))
        .isInstanceOf(WorkflowUpdateException.class);
    assertThat(wf.status().openGate()).isNotNull();
    wf.decide(approveContract("carol", "public.customers.name"));
    assertThat(outcome(wf).state()).isEqualTo(RunState.COMPLETED);
    assertThat(table.hasColumn("name")).isFalse();
    assertThat(wf.status().timeline()).filteredOn(e -> e.step().equals("soak"))
        .singleElement().satisfies(e -> assertThat(e.detail()).contains("PT30M"));
  }

  @Test
  void revertAtStopOldWritesSendsReadsBackAndReopensSwitchReads() {
    InMemoryTable table = new InMemoryTable();
    SchemaChangeWorkflow wf = start(table, AMOUNT);
    throughVerify(wf);
    assertThatThrownBy(() -> wf.revert(new OperatorCommand("bob", "early")))
        .as("reads are still old").isInstanceOf(WorkflowUpdateException.class)
        .hasStackTraceContaining("reads are on the old shape: nothing to revert");
    wf.decide(approve("switch-reads", "bob"));
    awaitGate(wf, "stop-old-writes");
    String answer = wf.revert(new OperatorCommand("bob", "5xx on the new path"));
    assertThat(answer).contains("reads back to the old shape by bob");
    assertThat(table.flags()).containsEntry(READS, "old");
    awaitGate(wf, "switch-reads");
    RunStatus s = wf.status();
    assertThat(s.timeline()).filteredOn(e -> e.step().equals("revert")).singleElement()
        .satisfies(e -> assertThat(e.detail()).contains("5xx on the new path"));
    assertThat(s.timeline()).filteredOn(e -> e.phase().equals("stop-old-writes")
        && e.step().equals("gate")).singleElement()
        .satisfies(e -> assertThat(e.state()).isEqualTo(Timeline.INTERRUPTED));
    wf.decide(approve("switch-reads", "bob"));
    awaitGate(wf, "stop-old-writes");
    wf.decide(approve("stop-old-writes", "bob"));
    awaitGate(wf, "contract");
    wf.decide(approveContract("bob", CONFIRM));
    assertThat(outcome(wf).state()).isEqualTo(RunState.COMPLETED);
    assertThat(table.mutatingCalls()).containsSubsequence("SetFlag(reads=new)",
        "SetFlag(reads=old)", "SetFlag(reads=new)", "SetFlag(writes=new)", "Contract");
  }

  @Test
  void revertAtTheContractGateTurnsOldWritesBackOnFirst() {
    InMemoryTable table = new InMemoryTable();
    SchemaChangeWorkflow wf = start(table, AMOUNT);
    toContractGate(wf);
    wf.revert(new OperatorCommand("carol", null));
    assertThat(table.flags()).containsEntry(READS, "old").containsEntry(WRITES, "both");
    assertThat(table.mutatingCalls()).endsWith("SetFlag(writes=both)", "SetFlag(reads=old)");
    awaitGate(wf, "switch-reads");
    wf.decide(new DecisionRequest("switch-reads", "reject", "bob", "give up"));
    assertThat(outcome(wf).state()).isEqualTo(RunState.REJECTED);
    assertThat(table.heldBy()).isNull();
  }

  @Test
  void revertIsRefusedOnceOldWritesStoppedWithoutADown() {
    InMemoryTable table = new InMemoryTable();
    TableChange c = AMOUNT.change();
    SchemaChangeRequest noDown = new SchemaChangeRequest(AMOUNT.target(),
        new TableChange(c.schema(), c.table(), c.uniqueKey(), c.kind(), c.add(),
            List.of(new OldColumn("amount", null)), null, null, null),
        null, null, null, null, null, null, AMOUNT.approval(), null, "alice", null);
    SchemaChangeWorkflow wf = start(table, noDown);
    toContractGate(wf);
    assertThatThrownBy(() -> wf.revert(new OperatorCommand("bob", "oops")))
        .isInstanceOf(WorkflowUpdateException.class)
        .hasStackTraceContaining("no down for every replaced column");
    assertThat(table.flags()).containsEntry(READS, "new");
    wf.decide(approveContract("bob", CONFIRM));
    assertThat(outcome(wf).state()).isEqualTo(RunState.COMPLETED);
    assertThatThrownBy(() -> wf.revert(new OperatorCommand("bob", "late")))
        .as("after the run").isInstanceOf(RuntimeException.class);
  }

  @Test
  void revertDuringTheSoakEndsItAndReopensSwitchReads() {
    InMemoryTable table = new InMemoryTable();
    SchemaChangeRequest soaking = new SchemaChangeRequest(AMOUNT.target(), AMOUNT.change(),
        null, null, null, null, null, "PT1H", AMOUNT.approval(), null, "alice", null);
    SchemaChangeWorkflow wf = start(table, soaking);
    throughVerify(wf);
    wf.decide(approve("switch-reads", "bob"));
    await().until(() -> "soak".equals(wf.status().currentStep()));
    wf.revert(new OperatorCommand("bob", "p99"));
    awaitGate(wf, "switch-reads");
    assertThat(wf.status().timeline()).filteredOn(e -> e.step().equals("soak")).singleElement()
        .satisfies(e -> assertThat(e.detail()).isEqualTo("ended by the revert"));
    wf.abort(new DecisionSignal(null, "bob", "enough"));
    assertThat(outcome(wf).state()).isEqualTo(RunState.ABORTED);
    assertThat(table.heldBy()).isNull();
  }

  @Test
  void throttleUnthrottleAndSetBatchReachTheRunningBackfill() {
    InMemoryTable table = new InMemoryTable().holdBackfill();
    SchemaChangeWorkflow wf = start(table, AMOUNT);
    awaitGate(wf, "expand");
    assertThatThrownBy(() -> wf.throttle(new OperatorCommand("bob", "deploy")))
        .as("no backfill yet").isInstanceOf(WorkflowUpdateException.class)
        .hasStackTraceContaining("the backfill is not running");
    wf.decide(approve("expand", "bob"));
    await().until(table::backfillStarted);
    await().until(() -> "backfill".equals(wf.status().currentStep()));

    assertThat(wf.throttle(new OperatorCommand("bob", "deploy"))).contains("throttled by bob");
    assertThat(table.control()).isEqualTo(new BackfillControl(true, "bob: deploy", null));
    assertThatThrownBy(() -> wf.setBatch(new OperatorCommand("bob", null, 60_000)))
        .isInstanceOf(WorkflowUpdateException.class)
        .hasStackTraceContaining("set-batch needs batchSize from 1 to 50000");
    wf.setBatch(new OperatorCommand("bob", null, 200));
    assertThat(table.control()).isEqualTo(new BackfillControl(true, "bob: deploy", 200));
    wf.unthrottle(new OperatorCommand("bob", null));
    assertThat(table.control()).isEqualTo(new BackfillControl(false, null, 200));
    wf.setBatch(new OperatorCommand("bob", null, 0));
    assertThat(table.control()).isEqualTo(new BackfillControl(false, null, null));

    t.env.sleep(SchemaChangeWorkflowImpl.PROGRESS_EVERY.plusSeconds(1));
    await().until(() -> wf.status().message(), m -> m != null && m.contains(
        "Backfill: 500 / 1000 rows, 250 rows/s, batch 2000, ETA 2 s"));
    table.releaseBackfill();
    awaitGate(wf, "switch-reads");
    RunStatus s = wf.status();
    assertThat(s.timeline()).filteredOn(e -> e.step().equals("throttle"))
        .extracting(TimelineEntry::detail).containsExactly("throttled by bob (bob: deploy)",
            "batch size pinned at 200 by bob", "unthrottled by bob",
            "batch size adaptive by bob");
    assertThat(s.timeline()).filteredOn(e -> e.step().equals("backfill")).singleElement()
        .satisfies(e -> assertThat(e.state()).as("the commands did not end the step early")
            .isEqualTo(Timeline.COMPLETED));
    assertThatThrownBy(() -> wf.unthrottle(new OperatorCommand("bob", null)))
        .as("the backfill is done").isInstanceOf(WorkflowUpdateException.class);
    wf.abort(new DecisionSignal(null, "bob", "done testing"));
    outcome(wf);
  }

  @Test
  void progressIsReadEveryMinuteForAnHourThenEveryTenMinutes() {
    Duration firstWeek = Duration.ZERO;
    int reads = 0;
    while (firstWeek.compareTo(Duration.ofDays(7)) < 0) {
      firstWeek = firstWeek.plus(SchemaChangeWorkflowImpl.progressInterval(reads++));
    }
    assertThat(SchemaChangeWorkflowImpl.progressInterval(59)).isEqualTo(Duration.ofMinutes(1));
    assertThat(SchemaChangeWorkflowImpl.progressInterval(60)).isEqualTo(Duration.ofMinutes(10));
    assertThat(reads).as("a week of backfill: about a dozen events per read stays far below"
        + " Temporal's 51,200-event history limit").isLessThan(1_100);
  }

  @Test
  void anAbortDuringTheBackfillCancelsItAndRollsBack() {
    InMemoryTable table = new InMemoryTable().holdBackfill();
    String before = table.catalogue();
    SchemaChangeWorkflow wf = start(table, AMOUNT);
    awaitGate(wf, "expand");
    wf.decide(approve("expand", "bob"));
    await().until(table::backfillStarted);
    wf.abort(new DecisionSignal(null, "bob", "replica trouble"));
    SchemaChangeResult r = outcome(wf);
    assertThat(r.state()).isEqualTo(RunState.ABORTED);
    assertThat(r.message()).contains("Undone: " + SchemaChangeWorkflowImpl.UNDO_EXPAND);
    assertThat(table.catalogue()).isEqualTo(before);
    assertThat(table.calls()).as("the rollback waited for the backfill to stop")
        .containsSubsequence("Backfill stopped", "UndoExpand");
  }

  @Test
  void mismatchesHoldTheRunUntilTheyAreGone() {
    InMemoryTable table = new InMemoryTable().mismatches(3);
    SchemaChangeWorkflow wf = start(table, AMOUNT);
    awaitGate(wf, "expand");
    wf.decide(approve("expand", "bob"));
    await().until(() -> wf.status().state() == RunState.HOLDING);
    assertThat(wf.status().message()).contains("3 of 1000 row(s) differ from up(old), e.g."
        + " keys [(7)]");
    table.fixMismatches();
    t.env.sleep(Duration.ofMinutes(1));
    GateView gate = awaitGate(wf, "switch-reads");
    assertThat(gate.text()).contains("verified: 1000 row(s) checked, 0 mismatch(es)");
  }

  @Test
  void aRollbackThatLeavesTheTableDifferentSaysSo() {
    InMemoryTable table = new InMemoryTable().undoLeavesAColumn();
    SchemaChangeWorkflow wf = start(table, AMOUNT);
    throughVerify(wf);
    wf.decide(new DecisionRequest("switch-reads", "reject", "bob", "no"));
    SchemaChangeResult r = outcome(wf);
    assertThat(r.message()).contains("FAILED: the table's catalogue description differs from"
        + " before the run").contains("undo it by hand");
    assertThat(wf.status().timeline()).filteredOn(e -> e.step().equals("undo"))
        .extracting(TimelineEntry::state).containsExactly(Timeline.FAILED);
  }

  @Test
  void expandWhoseLockIsNeverGrantedFailsAndTheUndoConverges() {
    InMemoryTable table = new InMemoryTable().lockHeld();
    String before = table.catalogue();
    SchemaChangeWorkflow wf = start(table, AMOUNT);
    awaitGate(wf, "expand");
    wf.decide(approve("expand", "bob"));
    assertThatThrownBy(() -> WorkflowStub.fromTyped(wf).getResult(SchemaChangeResult.class))
        .isInstanceOf(WorkflowFailedException.class).rootCause()
        .hasMessageContaining("expand/expand failed: lock not granted after 5 tries")
        .hasMessageContaining("Undone: " + SchemaChangeWorkflowImpl.UNDO_EXPAND);
    assertThat(table.calls()).filteredOn("Expand"::equals).as("not retried").hasSize(1);
    assertThat(table.catalogue()).isEqualTo(before);
  }

  @Test
  void aDryRunPlansAndChangesNothing() {
    InMemoryTable table = new InMemoryTable().withColumn("email", "text");
    SchemaChangeWorkflow wf = start(table, example("plan"));
    SchemaChangeResult r = outcome(wf);
    assertThat(r.state()).isEqualTo(RunState.DRY_RUN_COMPLETED);
    assertThat(r.plan().confirm()).isEqualTo("public.users.email");
    assertThat(table.mutatingCalls()).isEmpty();
  }

  @Test
  void aRunUnderAnotherWorkflowIdIsRefused() {
    InMemoryTable table = new InMemoryTable();
    t = new SchemaTestSupport(table);
    SchemaChangeWorkflow wf = t.start(AMOUNT, "my-own-id");
    assertThatThrownBy(() -> WorkflowStub.fromTyped(wf).getResult(SchemaChangeResult.class))
        .rootCause().hasMessageContaining("must use '"
            + "schema-change-orders-db.internal-5432-shop-public.orders'");
    assertThat(table.calls()).isEmpty();
  }

  static List<Arguments> refusals() {
    return List.of(
        Arguments.of("unknown table", (UnaryOperator<InMemoryTable>) InMemoryTable::missing,
            FailureKind.TARGET_NOT_FOUND, "table public.orders does not exist"),
        Arguments.of("no key", (UnaryOperator<InMemoryTable>) InMemoryTable::withoutKey,
            SchemaFailures.NO_USABLE_KEY, "public.orders has no usable key (no primary key)"),
        Arguments.of("new column exists",
            (UnaryOperator<InMemoryTable>) x -> x.withColumn("amount_cents", "bigint"),
            SchemaFailures.COLUMN_EXISTS, "column amount_cents already exists on public.orders"),
        Arguments.of("another run", (UnaryOperator<InMemoryTable>) x -> x.heldBy("schema-change-x"),
            SchemaFailures.CHANGE_IN_PROGRESS, "run schema-change-x is changing public.orders"),
        Arguments.of("bad expression",
            (UnaryOperator<InMemoryTable>) x -> x.expressionProblem("amount_cents: up"
                + " amount::bogus: type \"bogus\" does not exist"),
            SchemaFailures.EXPRESSION_INVALID, "type \"bogus\" does not exist"),
        Arguments.of("rewrite", (UnaryOperator<InMemoryTable>) x -> x.unsafe("amount_cents:"
                + " default random() is volatile: the table would be rewritten"),
            SchemaFailures.UNSAFE_CHANGE, "the table would be rewritten"));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("refusals")
  void refusedBeforeAnyChange(String name, UnaryOperator<InMemoryTable> setUp, FailureType kind,
      String why) {
    InMemoryTable table = setUp.apply(new InMemoryTable());
    SchemaChangeWorkflow wf = start(table, AMOUNT);
    assertThatThrownBy(() -> WorkflowStub.fromTyped(wf).getResult(SchemaChangeResult.class))
        .isInstanceOf(WorkflowFailedException.class).cause()
        .isInstanceOfSatisfying(ApplicationFailure.class, f -> {
          assertThat(f.getType()).isEqualTo(kind.type());
          assertThat(f.getOriginalMessage()).startsWith(FailureKind.REFUSED).contains(why);
        });
    assertThat(table.mutatingCalls()).isEmpty();
    assertThat(wf.status().state()).isEqualTo(RunState.REFUSED);
  }

  @Test
  void anInvalidRequestIsRefusedWithEveryProblem() {
    InMemoryTable table = new InMemoryTable();
    SchemaChangeRequest bad = new SchemaChangeRequest(AMOUNT.target(), AMOUNT.change(), 0,
        "soon", null, null, null, null, new ApprovalPolicy(List.of(), true, null, null), null,
        "alice", null);
    t = new SchemaTestSupport(table);
    SchemaChangeWorkflow wf = t.start(bad);
    assertThatThrownBy(() -> WorkflowStub.fromTyped(wf).getResult(SchemaChangeResult.class))
        .rootCause().hasMessageContaining("batchSize 0 is not between 1 and 50000")
        .hasMessageContaining("targetBatchTime 'soon' is not an ISO-8601 duration")
        .hasMessageContaining(Failures.INVALID_REQUEST);
    assertThat(table.calls()).isEmpty();
  }

  @Test
  void aTypeWithColumnClausesIsRefusedBeforeAnyActivity() {
    InMemoryTable table = new InMemoryTable();
    TableChange c = AMOUNT.change();
    SchemaChangeRequest clauses = new SchemaChangeRequest(AMOUNT.target(),
        new TableChange(c.schema(), c.table(), c.uniqueKey(), c.kind(),
            List.of(new dev.underway.workflows.schema.contract.NewColumn("amount_cents",
                "bigint not null default 0", "amount::bigint")), c.replace()),
        null, null, null, null, null, null, AMOUNT.approval(), null, "alice", null);
    t = new SchemaTestSupport(table);
    SchemaChangeWorkflow wf = t.start(clauses);
    assertThatThrownBy(() -> WorkflowStub.fromTyped(wf).getResult(SchemaChangeResult.class))
        .rootCause().hasMessageContaining("change.add[0].type 'bigint not null default 0' holds"
            + " column clauses (not, null, default)")
        .hasMessageContaining(Failures.INVALID_REQUEST);
    assertThat(table.calls()).isEmpty();
    assertThat(t.client.fetchHistory(SchemaChangeWorkflow.workflowId(clauses)).getEvents())
        .as("new runs record the strict-request version")
        .anyMatch(e -> e.hasMarkerRecordedEventAttributes() && e
            .getMarkerRecordedEventAttributes().getDetailsMap().toString()
            .contains(SchemaChangeWorkflowImpl.STRICT_REQUEST));
  }

  @Test
  void theFlagsAreTheOnesChangeObjectsNames() {
    ChangeObjects o = ChangeObjects.of(AMOUNT.change());
    assertThat(o.readsFlag()).isEqualTo(READS);
    assertThat(o.writesFlag()).isEqualTo(WRITES);
  }
}
