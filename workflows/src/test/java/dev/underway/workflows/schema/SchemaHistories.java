package dev.underway.workflows.schema;

import static dev.underway.workflows.schema.SchemaTestSupport.awaitGate;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.underway.workflows.schema.contract.NewColumn;
import dev.underway.workflows.schema.contract.TableChange;
import dev.underway.kernel.DecisionRequest;
import dev.underway.kernel.DecisionSignal;
import dev.underway.kernel.RunState;
import io.temporal.client.WorkflowFailedException;
import io.temporal.client.WorkflowStub;
import io.temporal.client.WorkflowUpdateStage;
import io.temporal.common.WorkflowExecutionHistory;
import java.util.List;
import java.util.function.BiConsumer;
import java.util.function.Consumer;
import java.util.function.Predicate;

/**
 * The SchemaChange runs whose histories {@code ReplayTest} replays: completed through every
 * gate, reverted then rolled back, throttled then aborted during the backfill, refused.
 */
public final class SchemaHistories {
  private SchemaHistories() {}

  public static final SchemaChangeRequest REQUEST = SchemaTestSupport.example("bigint-amount");
  public static final String WORKFLOW_ID = SchemaChangeWorkflow.workflowId(REQUEST);

  public static final String COMPLETED = "schema-change-completed";
  public static final String REVERTED = "schema-change-reverted-rolled-back";
  public static final String THROTTLED = "schema-change-throttled-aborted";
  public static final String REFUSED = "schema-change-refused";
  /**
   * Version refusal-ends-once: the planner's refusal ends the run through the kernel's protocol,
   * which marks it failed once (the run above, recorded before, marked it twice).
   */
  public static final String REFUSED_ONCE = "schema-change-refused-once";
  /**
   * A run whose type carries column clauses, started before the strict-request version (rejected
   * at the expand gate): recorded by the code of its day, which let the type through; it replays
   * with the checks it ran with. It cannot be recorded again: today's code refuses the request.
   */
  public static final String BEFORE_STRICT = "schema-change-clause-type-before-strict";
  /** The same request refused by today's checks (version strict-request). */
  public static final String STRICT_REFUSED = "schema-change-strict-refused";
  /** The request of both: a type with column clauses. */
  static final SchemaChangeRequest CLAUSES = new SchemaChangeRequest(REQUEST.target(),
      new TableChange(REQUEST.change().schema(), REQUEST.change().table(), null,
          REQUEST.change().kind(), List.of(new NewColumn("amount_cents",
              "bigint not null default 0", "amount::bigint")), REQUEST.change().replace()),
      null, null, null, null, null, null, REQUEST.approval(), null, "alice", null);
  /** An abort during the backfill that waits for it to stop (version backfill-abort-waits). */
  public static final String ABORT_WAITS = "schema-change-abort-waits-for-backfill";
  /**
   * Version evidence-before-drop: the contract holds while old-shape writers are seen, verifies
   * once more, then drops.
   */
  public static final String EVIDENCE = "schema-change-contract-waits-for-writers";
  /** Version evidence-before-drop: a rejected contract's rollback waits for new-shape writers. */
  public static final String ROLLBACK_WAITS = "schema-change-rollback-waits-for-writers";
  /** Version evidence-before-drop: a change without a down, forward-only; an abort refused. */
  public static final String FORWARD_ONLY = "schema-change-forward-only";
  /**
   * Version serialised-updates: a revert sent while old writes were being stopped waited for
   * that step, then reverted; the run went back to switch-reads and was rejected there.
   */
  public static final String SERIALISED = "schema-change-revert-waits-for-flag-step";
  /**
   * Version latency-guard: the request's ratio, the guard's settings passed to the backfill,
   * set-ratio sent to the running backfill between throttle and unthrottle, then aborted.
   */
  public static final String GUARDED = "schema-change-guard-set-ratio";
  /** Version carry-constraints: NOT NULL and UNIQUE carried after verify, then completed. */
  public static final String CARRIED = "schema-change-constraints-carried";

  /**
   * Records the ones {@code recorded} says are missing, handing each to {@code write}.
   */
  public static void record(Predicate<String> recorded,
      BiConsumer<String, WorkflowExecutionHistory> write) {
    run(COMPLETED, new InMemoryTable(), recorded, write, wf -> {
      for (String gate : new String[] {"expand", "switch-reads", "stop-old-writes"}) {
        awaitGate(wf, gate);
        wf.decide(new DecisionRequest(gate, "approve", "bob", "ok"));
      }
      awaitGate(wf, "contract");
      wf.decide(new DecisionRequest("contract", "approve", "bob", "drop it", null, null,
          "wrong"));
    }, RunState.COMPLETED);
    run(REVERTED, new InMemoryTable(), recorded, write, wf -> {
      awaitGate(wf, "expand");
      wf.approve(new DecisionSignal("expand", "bob", "ok"));
      awaitGate(wf, "switch-reads");
      wf.decide(new DecisionRequest("switch-reads", "approve", "bob", "ok"));
      awaitGate(wf, "stop-old-writes");
      wf.revert(new OperatorCommand("carol", "5xx"));
      awaitGate(wf, "switch-reads");
      wf.reject(new DecisionSignal("switch-reads", "bob", "roll it back"));
    }, RunState.REJECTED);
    InMemoryTable held = new InMemoryTable().holdBackfill();
    run(THROTTLED, held, recorded, write, wf -> {
      awaitGate(wf, "expand");
      wf.decide(new DecisionRequest("expand", "approve", "bob", "ok"));
      await().until(held::backfillStarted);
      await().until(() -> "backfill".equals(wf.status().currentStep()));
      wf.throttle(new OperatorCommand("bob", "deploy"));
      wf.setBatch(new OperatorCommand("bob", null, 100));
      wf.unthrottle(new OperatorCommand("bob", null));
      wf.abort(new DecisionSignal(null, "bob", "enough"));
    }, RunState.ABORTED);
    run(REFUSED, new InMemoryTable().withoutKey(), recorded, write, wf -> { },
        RunState.FAILED);
    run(REFUSED_ONCE, new InMemoryTable().withoutKey(), recorded, write, wf -> { },
        RunState.FAILED);
    run(STRICT_REFUSED, new InMemoryTable(), CLAUSES, recorded, write, wf -> { },
        RunState.FAILED);
    InMemoryTable stopping = new InMemoryTable().holdBackfill();
    run(ABORT_WAITS, stopping, recorded, write, wf -> {
      awaitGate(wf, "expand");
      wf.decide(new DecisionRequest("expand", "approve", "bob", "ok"));
      await().until(stopping::backfillStarted);
      wf.abort(new DecisionSignal(null, "bob", "replica trouble"));
    }, RunState.ABORTED);
    InMemoryTable guarded = new InMemoryTable().holdBackfill();
    run(GUARDED, guarded, withRatio(REQUEST, 1.5), recorded, write, wf -> {
      awaitGate(wf, "expand");
      wf.decide(new DecisionRequest("expand", "approve", "bob", "ok"));
      await().until(guarded::backfillStarted);
      await().until(() -> "backfill".equals(wf.status().currentStep()));
      wf.throttle(new OperatorCommand("bob", "deploy"));
      wf.setRatio(OperatorCommand.ofRatio("carol", "p99 is fine", 2.0));
      wf.unthrottle(new OperatorCommand("bob", null));
      wf.abort(new DecisionSignal(null, "bob", "enough"));
    }, RunState.ABORTED);
    recordEvidence(recorded, write);
  }

  /** {@code r} with {@code latencyRatio} instead of its absolute budget. */
  static SchemaChangeRequest withRatio(SchemaChangeRequest r, double ratio) {
    return new SchemaChangeRequest(r.target(), r.change(), r.batchSize(), r.targetBatchTime(),
        r.maxReplicaLag(), ratio, null, r.latencyProbe(), r.soak(), r.approval(), r.dryRun(),
        r.requestedBy(), r.quietPeriod(), null);
  }

  /** The histories of the evidence-before-drop sequence. */
  private static void recordEvidence(Predicate<String> recorded,
      BiConsumer<String, WorkflowExecutionHistory> write) {
    InMemoryTable writing = new InMemoryTable().strayWriters(2);
    run(EVIDENCE, writing, REQUEST, recorded, write, wf -> {
      toContract(wf);
      wf.decide(CONTRACT);
      await().until(() -> wf.status().state() == RunState.HOLDING);
      writing.quiet();
    }, RunState.COMPLETED);
    InMemoryTable lagging = new InMemoryTable();
    run(ROLLBACK_WAITS, lagging, REQUEST, recorded, write, wf -> {
      toContract(wf);
      lagging.strayWriters(1);
      wf.decide(new DecisionRequest("contract", "reject", "bob", "not now"));
      await().until(() -> wf.status().state() == RunState.HOLDING);
      lagging.quiet();
    }, RunState.REJECTED);
    run(CARRIED, new InMemoryTable().carrying("NOT NULL carried to amount_cents: ..."), REQUEST,
        recorded, write, wf -> {
          toContract(wf);
          wf.decide(CONTRACT);
        }, RunState.COMPLETED);
    InMemoryTable slow = new InMemoryTable();
    run(SERIALISED, slow, REQUEST, recorded, write, wf -> {
      for (String gate : new String[] {"expand", "switch-reads", "stop-old-writes"}) {
        awaitGate(wf, gate);
        if (gate.equals("stop-old-writes")) {
          slow.holdFlags();
        }
        wf.decide(new DecisionRequest(gate, "approve", "bob", "ok"));
      }
      await().until(() -> slow.calls().contains("SetFlag(writes=new)"));
      WorkflowStub.fromTyped(wf).startUpdate(SchemaChangeWorkflow.UPDATE_REVERT,
          WorkflowUpdateStage.ACCEPTED, String.class, new OperatorCommand("carol", "p99"));
      slow.releaseFlags();
      awaitGate(wf, "switch-reads");
      wf.reject(new DecisionSignal("switch-reads", "bob", "roll it back"));
    }, RunState.REJECTED);
    run(FORWARD_ONLY, new InMemoryTable(), SchemaChangeEvidenceTest.withoutDown(
        REQUEST.approval()), recorded, write, wf -> {
      toContract(wf);
      wf.abort(new DecisionSignal(null, "bob", "refused past the point of no return"));
      wf.decide(CONTRACT);
    }, RunState.COMPLETED);
  }

  private static final DecisionRequest CONTRACT = new DecisionRequest("contract", "approve",
      "bob", "drop it", null, null, "public.orders.amount");

  private static void toContract(SchemaChangeWorkflow wf) {
    SchemaTestSupport.toContractGate(wf);
  }


  private static void run(String name, InMemoryTable table, Predicate<String> recorded,
      BiConsumer<String, WorkflowExecutionHistory> write, Consumer<SchemaChangeWorkflow> drive,
      RunState expected) {
    run(name, table, REQUEST, recorded, write, drive, expected);
  }

  private static void run(String name, InMemoryTable table, SchemaChangeRequest request,
      Predicate<String> recorded, BiConsumer<String, WorkflowExecutionHistory> write,
      Consumer<SchemaChangeWorkflow> drive, RunState expected) {
    if (recorded.test(name)) {
      return;
    }
    try (SchemaTestSupport t = new SchemaTestSupport(table)) {
      SchemaChangeWorkflow wf = t.start(request);
      if (name.equals(COMPLETED)) {
        // the refused confirmation above throws; the right one follows
        try {
          drive.accept(wf);
        } catch (RuntimeException refused) {
          wf.decide(new DecisionRequest("contract", "approve", "bob", "drop it", null, null,
              "public.orders.amount"));
        }
      } else {
        drive.accept(wf);
      }
      if (expected == RunState.FAILED) {
        assertThatThrownBy(() -> WorkflowStub.fromTyped(wf).getResult(SchemaChangeResult.class))
            .isInstanceOf(WorkflowFailedException.class);
      } else {
        assertThat(SchemaTestSupport.outcome(wf).state()).isEqualTo(expected);
      }
      table.releaseBackfill();
      write.accept(name, t.client.fetchHistory(WORKFLOW_ID));
    }
  }
}
