package dev.underway.workflows.schema;

import static dev.underway.workflows.schema.SchemaTestSupport.awaitGate;
import static dev.underway.workflows.schema.SchemaTestSupport.example;
import static dev.underway.workflows.schema.SchemaTestSupport.outcome;
import static dev.underway.workflows.schema.SchemaTestSupport.toContractGate;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.underway.workflows.schema.contract.OldColumn;
import dev.underway.workflows.schema.contract.TableChange;
import dev.underway.kernel.ApprovalPolicy;
import dev.underway.kernel.DecisionRequest;
import dev.underway.kernel.DecisionSignal;
import dev.underway.kernel.GateView;
import dev.underway.kernel.RunState;
import io.temporal.client.WorkflowStub;
import io.temporal.client.WorkflowUpdateException;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Evidence before a drop, in the time-skipping environment: the contract waits until no
 * old-shape writer has been seen for the quiet period (or a typed override), verifies every row
 * once more just before it drops, a rollback waits for new-shape writers the same way, and a
 * change without a down is forward-only once old writes stop.
 */
class SchemaChangeEvidenceTest {

  static final SchemaChangeRequest AMOUNT = example("bigint-amount");
  static final String CONFIRM = "public.orders.amount";

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

  private static DecisionRequest approve(String gate) {
    return SchemaTestSupport.approve(gate, "bob");
  }

  private static DecisionRequest approveContract() {
    return SchemaTestSupport.approveContract("bob", CONFIRM);
  }

  /** The same change with no down for the replaced column. */
  static SchemaChangeRequest withoutDown(ApprovalPolicy approval) {
    TableChange c = AMOUNT.change();
    return new SchemaChangeRequest(AMOUNT.target(),
        new TableChange(c.schema(), c.table(), c.uniqueKey(), c.kind(), c.add(),
            List.of(new OldColumn("amount", null)), null, null, null),
        null, null, null, null, null, null, approval, null, "alice", null);
  }

  @Test
  void theContractHoldsWhileOldShapeWritersAreSeenAndDropsOnceTheyStop() {
    InMemoryTable table = new InMemoryTable().strayWriters(3);
    SchemaChangeWorkflow wf = start(table, AMOUNT);
    GateView contract = toContractGate(wf);
    assertThat(contract.text()).as("the gate shows the old-shape writes seen since writes = new")
        .contains("old-shape writes since writes = new: 3");
    wf.decide(approveContract());
    await().until(() -> wf.status().state() == RunState.HOLDING);
    assertThat(wf.status().message()).contains("old-shape writers were seen")
        .contains("\"confirm\": \"" + CONFIRM + "\"");
    assertThat(table.hasColumn("amount")).as("nothing is dropped while writers are seen")
        .isTrue();
    t.env.sleep(Duration.ofMinutes(5));
    assertThat(wf.status().state()).isEqualTo(RunState.HOLDING);
    table.quiet();
    assertThat(outcome(wf).state()).isEqualTo(RunState.COMPLETED);
    assertThat(table.hasColumn("amount")).isFalse();
    assertThat(table.calls()).as("verified once more after the writers stopped, then dropped")
        .containsSubsequence("SetFlag(writes=new)", "Writers", "Verify", "Contract");
    assertThat(wf.status().timeline().stream().map(e -> e.phase() + "/" + e.step()).toList())
        .containsSubsequence("contract/gate", "contract/writers", "contract/verify",
            "contract/contract");
  }

  @Test
  void anOverrideWithTheTypedConfirmationDropsDespiteTheWriters() {
    InMemoryTable table = new InMemoryTable().strayWriters(1);
    SchemaChangeWorkflow wf = start(table, AMOUNT);
    toContractGate(wf);
    wf.decide(approveContract());
    await().until(() -> wf.status().state() == RunState.HOLDING);
    assertThatThrownBy(() -> wf.override(new OperatorCommand("bob", "known batch job", null,
        CONFIRM + " ")))
        .as("typed exactly: a trailing space is not the name").isInstanceOf(
            WorkflowUpdateException.class).hasStackTraceContaining("typed exactly");
    assertThat(wf.status().state()).isEqualTo(RunState.HOLDING);
    wf.override(new OperatorCommand("bob", "known batch job", null, CONFIRM));
    assertThat(outcome(wf).state()).isEqualTo(RunState.COMPLETED);
    assertThat(wf.status().timeline()).anySatisfy(e -> assertThat(e.detail())
        .contains("overridden by bob (known batch job)"));
  }

  @Test
  void anOverrideIsRefusedWhenTheRunIsNotWaitingForWriters() {
    InMemoryTable table = new InMemoryTable();
    SchemaChangeWorkflow wf = start(table, AMOUNT);
    awaitGate(wf, "expand");
    assertThatThrownBy(() -> wf.override(new OperatorCommand("bob", "x", null, CONFIRM)))
        .isInstanceOf(WorkflowUpdateException.class)
        .hasStackTraceContaining("not waiting for writers");
    wf.abort(new DecisionSignal(null, "bob", "done"));
    assertThat(outcome(wf).state()).isEqualTo(RunState.ABORTED);
  }

  @Test
  void anAbortWhileTheContractWaitsForWritersRollsBackAReversibleChange() {
    InMemoryTable table = new InMemoryTable().strayWriters(2);
    String before = table.catalogue();
    SchemaChangeWorkflow wf = start(table, AMOUNT);
    toContractGate(wf);
    wf.decide(approveContract());
    await().until(() -> wf.status().state() == RunState.HOLDING);
    wf.abort(new DecisionSignal(null, "bob", "not today"));
    table.quiet();
    SchemaChangeResult r = outcome(wf);
    assertThat(r.state()).isEqualTo(RunState.ABORTED);
    assertThat(r.message()).contains("The change is rolled back");
    assertThat(table.catalogue()).isEqualTo(before);
  }

  @Test
  void theFinalVerifyHoldsTheContractWhileRowsDisagree() {
    InMemoryTable table = new InMemoryTable();
    SchemaChangeWorkflow wf = start(table, AMOUNT);
    toContractGate(wf);
    table.mismatches(4);
    wf.decide(approveContract());
    await().until(() -> wf.status().state() == RunState.HOLDING);
    assertThat(wf.status().message()).contains("4 of 1000 row(s) differ");
    assertThat(table.hasColumn("amount")).isTrue();
    table.fixMismatches();
    t.env.sleep(Duration.ofMinutes(1));
    assertThat(outcome(wf).state()).isEqualTo(RunState.COMPLETED);
  }

  @Test
  void aRollbackWaitsForNewShapeWritersBeforeItDropsTheNewColumns() {
    InMemoryTable table = new InMemoryTable();
    SchemaChangeWorkflow wf = start(table, AMOUNT);
    toContractGate(wf);
    table.strayWriters(7);
    wf.decide(new DecisionRequest("contract", "reject", "bob", "not now"));
    await().until(() -> wf.status().state() == RunState.HOLDING);
    assertThat(wf.status().message()).contains("new-shape writers were seen");
    assertThat(table.hasColumn("amount_cents")).as("the new column stays while they write")
        .isTrue();
    table.quiet();
    SchemaChangeResult r = outcome(wf);
    assertThat(r.state()).isEqualTo(RunState.REJECTED);
    assertThat(table.hasColumn("amount_cents")).isFalse();
    assertThat(table.calls()).containsSubsequence("SetFlag(writes=old)", "Writers",
        "UndoExpand");
  }

  @Test
  void aChangeWithoutADownIsForwardOnlyOnceOldWritesStop() {
    InMemoryTable table = new InMemoryTable();
    SchemaChangeWorkflow wf = start(table, withoutDown(AMOUNT.approval()));
    awaitGate(wf, "expand");
    wf.decide(approve("expand"));
    awaitGate(wf, "switch-reads");
    wf.decide(approve("switch-reads"));
    GateView stop = awaitGate(wf, "stop-old-writes");
    assertThat(stop.text()).contains("FORWARD-ONLY FROM HERE");
    wf.decide(approve("stop-old-writes"));
    GateView contract = awaitGate(wf, "contract");
    assertThat(contract.text()).contains("PAST THE POINT OF NO RETURN");
    for (String refused : List.of("reject", "abort")) {
      assertThatThrownBy(() -> wf.decide(new DecisionRequest("contract", refused, "bob",
          "roll it back")))
          .isInstanceOf(WorkflowUpdateException.class)
          .hasStackTraceContaining("past its point of no return");
    }
    wf.abort(new DecisionSignal(null, "bob", "by signal"));
    t.env.sleep(Duration.ofMinutes(1));
    assertThat(wf.status().state()).as("a refused abort signal is recorded, not acted on")
        .isEqualTo(RunState.WAITING_FOR_APPROVAL);
    assertThat(table.hasColumn("amount_cents")).isTrue();
    wf.decide(approveContract());
    assertThat(outcome(wf).state()).isEqualTo(RunState.COMPLETED);
    assertThat(table.mutatingCalls()).doesNotContain("UndoExpand");
  }

  @Test
  void pastThePointOfNoReturnAnExpiredContractGateOpensAgain() {
    InMemoryTable table = new InMemoryTable();
    ApprovalPolicy expiring = new ApprovalPolicy(List.of("bob"), null, "PT1H", null, null,
        null);
    SchemaChangeWorkflow wf = start(table, withoutDown(expiring));
    toContractGate(wf);
    t.env.sleep(Duration.ofHours(3));
    GateView open = awaitGate(wf, "contract");
    assertThat(wf.status().timeline()).filteredOn(e -> e.step().equals("gate")
        && e.phase().equals("contract")).hasSizeGreaterThanOrEqualTo(3);
    assertThat(open.text()).contains("PAST THE POINT OF NO RETURN");
    assertThat(table.mutatingCalls()).doesNotContain("UndoExpand");
    wf.decide(approveContract());
    assertThat(outcome(wf).state()).isEqualTo(RunState.COMPLETED);
  }

  @Test
  void theOldColumnsConstraintsAreCarriedAfterVerifyWhenThePlanSaysSo() {
    InMemoryTable table = new InMemoryTable().carrying("NOT NULL carried to amount_cents: ...",
        "UNIQUE carried to amount_cents: ...");
    SchemaChangeWorkflow wf = start(table, AMOUNT);
    GateView expand = awaitGate(wf, "expand");
    assertThat(expand.text()).contains("NOT NULL carried to amount_cents");
    toContractGate(wf);
    assertThat(table.calls()).containsSubsequence("Verify", "Constraints", "SetFlag(reads=new)");
    assertThat(wf.status().timeline().stream().map(e -> e.phase() + "/" + e.step()).toList())
        .containsSubsequence("verify/verify", "verify/constraints", "switch-reads/gate");
    wf.decide(approveContract());
    assertThat(outcome(wf).state()).isEqualTo(RunState.COMPLETED);
  }

  @Test
  void aPlanThatCarriesNothingHasNoConstraintsStep() {
    InMemoryTable table = new InMemoryTable().carrying("not carried: name's NOT NULL (a split)");
    SchemaChangeWorkflow wf = start(table, AMOUNT);
    toContractGate(wf);
    assertThat(table.calls()).doesNotContain("Constraints");
    wf.abort(new DecisionSignal(null, "bob", "enough"));
    assertThat(outcome(wf).state()).isEqualTo(RunState.ABORTED);
  }

  @Test
  void pastThePointOfNoReturnATemporalCancellationRollsNothingBack() {
    InMemoryTable table = new InMemoryTable();
    SchemaChangeWorkflow wf = start(table, withoutDown(AMOUNT.approval()));
    toContractGate(wf);
    WorkflowStub.fromTyped(wf).cancel();
    await().until(() -> wf.status().state().terminal());
    assertThat(wf.status().message()).contains("nothing was rolled back");
    assertThat(table.mutatingCalls()).doesNotContain("UndoExpand");
    assertThat(table.hasColumn("amount_cents")).isTrue();
  }
}
