package dev.underway.workflows.schema;

import static dev.underway.workflows.schema.SchemaTestSupport.approve;
import static dev.underway.workflows.schema.SchemaTestSupport.awaitGate;
import static dev.underway.workflows.schema.SchemaTestSupport.example;
import static dev.underway.workflows.schema.SchemaTestSupport.outcome;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.underway.guard.GuardSettings;
import dev.underway.guard.GuardState;
import dev.underway.kernel.DecisionSignal;
import dev.underway.kernel.Failures;
import dev.underway.kernel.GateView;
import dev.underway.kernel.RunStatus;
import dev.underway.kernel.TimelineEntry;
import dev.underway.workflows.schema.contract.BackfillControl;
import dev.underway.workflows.schema.contract.BackfillProgress;
import io.temporal.client.WorkflowStub;
import io.temporal.client.WorkflowUpdateException;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The schema change's latency guard on the workflow's side, in the time-skipping environment:
 * the request's ratio reaches the backfill, {@code set-ratio} reaches its control row (only while
 * it runs, within bounds) and the other commands carry it through, every change of the guard's
 * mode reaches the timeline once, the status and the expand gate say what the guard does.
 */
class LatencyGuardWorkflowTest {

  /** bigint-amount with a ratio of 1.5 instead of its absolute budget. */
  static final SchemaChangeRequest RATIO = withRatio(example("bigint-amount"), 1.5);

  private SchemaTestSupport t;

  @AfterEach
  void close() {
    if (t != null) {
      t.close();
    }
  }

  private SchemaChangeWorkflow start(InMemoryTable table, SchemaChangeRequest request) {
    t = new SchemaTestSupport(table);
    return t.start(request);
  }

  static SchemaChangeRequest withRatio(SchemaChangeRequest r, Double ratio) {
    return new SchemaChangeRequest(r.target(), r.change(), r.batchSize(), r.targetBatchTime(),
        r.maxReplicaLag(), ratio, null, r.latencyProbe(), r.soak(), r.approval(), r.dryRun(),
        r.requestedBy(), r.quietPeriod(), null);
  }

  /** Approves expand and waits until the backfill runs (held). */
  private static void toBackfill(SchemaChangeWorkflow wf, InMemoryTable table) {
    awaitGate(wf, "expand");
    wf.decide(approve("expand", "bob"));
    await().until(table::backfillStarted);
    await().until(() -> "backfill".equals(wf.status().currentStep()));
  }

  @Test
  void setRatioIsAcceptedWhileTheBackfillRunsAndTheOtherCommandsCarryItThrough() {
    InMemoryTable table = new InMemoryTable().holdBackfill();
    SchemaChangeWorkflow wf = start(table, RATIO);
    GateView expand = awaitGate(wf, "expand");
    assertThat(expand.text()).contains("backfill time: ~1 s at full rate, up to ~5 s at the"
        + " latency guard's floor (5% duty)").contains("held under 1.5x its baseline");
    assertThatThrownBy(() -> wf.setRatio(OperatorCommand.ofRatio("bob", null, 1.5)))
        .as("no backfill yet").isInstanceOf(WorkflowUpdateException.class)
        .hasStackTraceContaining("the backfill is not running (the run is at expand/gate):"
            + " throttle, unthrottle, set-batch and set-ratio apply to it");
    toBackfill(wf, table);
    GuardSettings given = table.backfillSettings().guard();
    assertThat(given.ratio()).as("the request's ratio reaches the backfill").isEqualTo(1.5);
    assertThat(given.budgetMillis()).isNull();
    assertThat(given.isOff()).isFalse();

    assertThatThrownBy(() -> wf.setRatio(OperatorCommand.ofRatio("bob", null, 1.0)))
        .isInstanceOf(WorkflowUpdateException.class)
        .hasStackTraceContaining("set-ratio's ratio 1.0 is out of range: it must be a number"
            + " above 1.0 (the baseline itself) and at most 10");
    assertThatThrownBy(() -> wf.setRatio(OperatorCommand.ofRatio("bob", null, 12)))
        .isInstanceOf(WorkflowUpdateException.class).hasStackTraceContaining("out of range");
    assertThatThrownBy(() -> wf.setRatio(new OperatorCommand("bob", null)))
        .isInstanceOf(WorkflowUpdateException.class)
        .hasStackTraceContaining("set-ratio needs ratio, it must be a number above 1.0");
    assertThatThrownBy(() -> wf.setRatio(OperatorCommand.ofRatio(null, null, 2)))
        .isInstanceOf(WorkflowUpdateException.class).hasStackTraceContaining("say who asks");
    assertThat(table.control()).as("nothing written by a refusal").isNull();

    wf.throttle(new OperatorCommand("bob", "deploy"));
    wf.setBatch(new OperatorCommand("bob", null, 200));
    assertThat(wf.setRatio(OperatorCommand.ofRatio("carol", "p99 is fine", 2.5)))
        .isEqualTo("latency ratio set to 2.5x by carol (p99 is fine)");
    assertThat(table.control()).as("set-ratio carries throttled and the batch size through")
        .isEqualTo(new BackfillControl(true, "bob: deploy", 200, 2.5));
    wf.unthrottle(new OperatorCommand("bob", null));
    assertThat(table.control()).isEqualTo(new BackfillControl(false, null, 200, 2.5));
    wf.setBatch(new OperatorCommand("bob", null, 0));
    assertThat(table.control()).isEqualTo(new BackfillControl(false, null, null, 2.5));
    wf.throttle(new OperatorCommand("dave", null));
    assertThat(table.control()).isEqualTo(new BackfillControl(true, "dave", null, 2.5));
    wf.setRatio(OperatorCommand.ofRatio("dave", null, 1.1));
    assertThat(table.control()).isEqualTo(new BackfillControl(true, "dave", null, 1.1));

    table.releaseBackfill();
    awaitGate(wf, "switch-reads");
    assertThat(table.verifySettings().guard()).as("the verify's reads are guarded as the"
        + " request says").isEqualTo(table.backfillSettings().guard());
    assertThat(wf.status().timeline()).filteredOn(e -> e.step().equals("throttle"))
        .extracting(TimelineEntry::detail).contains("latency ratio set to 2.5x by carol (p99 is"
            + " fine)", "latency ratio set to 1.1x by dave");
    assertThatThrownBy(() -> wf.setRatio(OperatorCommand.ofRatio("bob", null, 1.5)))
        .as("the backfill is done").isInstanceOf(WorkflowUpdateException.class)
        .hasStackTraceContaining("the backfill is not running");
    wf.abort(new DecisionSignal(null, "bob", "done testing"));
    outcome(wf);
  }

  @Test
  void setRatioUnderTheRequestsAbsoluteBudgetSaysItReplacesIt() {
    InMemoryTable table = new InMemoryTable().holdBackfill();
    SchemaChangeWorkflow wf = start(table, example("bigint-amount"));
    toBackfill(wf, table);
    GuardSettings given = table.backfillSettings().guard();
    assertThat(given.budgetMillis()).isEqualTo(50L);
    assertThat(given.ratio()).isNull();
    assertThat(given.isOff()).isFalse();
    assertThat(table.backfillSettings().latencyBudgetMillis()).isEqualTo(50L);
    assertThat(wf.setRatio(OperatorCommand.ofRatio("bob", null, 1.5))).isEqualTo("latency"
        + " ratio set to 1.5x (instead of the request's absolute budget 50 ms) by bob");
    table.releaseBackfill();
    awaitGate(wf, "switch-reads");
    wf.abort(new DecisionSignal(null, "bob", "done testing"));
    outcome(wf);
  }

  @Test
  void everyChangeOfTheGuardsModeIsInTheTimelineOnceAndTheStatusShowsTheGuard() {
    InMemoryTable table = new InMemoryTable().holdBackfill();
    SchemaChangeWorkflow wf = start(table, RATIO);
    toBackfill(wf, table);
    GuardState free = guard(GuardState.FREE, "2026-11-30T00:00:11Z", 1.0, null);
    GuardState slowed = guard(GuardState.SLOWED, "2026-11-30T00:00:40Z", 0.4,
        "p99 4.1 ms = 1.52x baseline 2.7 ms > 1.5x");
    List<GuardState> changes = new ArrayList<>(List.of(free, slowed));
    table.reportProgress(progress(slowed, changes));
    t.env.sleep(SchemaChangeWorkflowImpl.PROGRESS_EVERY.plusSeconds(1));
    await().until(() -> guardEntries(wf.status()).size() == 2);
    assertThat(wf.status().message()).startsWith("Backfill: 500 / 1000 rows, 250 rows/s")
        .contains("; latency guard slowed: baseline p99 2.7 ms, p99 4.1 ms (1.52x), budget"
            + " 4.1 ms, duty 40% — p99 4.1 ms = 1.52x baseline 2.7 ms > 1.5x");

    // read again with the same changes: nothing new; then one more change
    t.env.sleep(SchemaChangeWorkflowImpl.PROGRESS_EVERY.plusSeconds(1));
    await().until(() -> table.calls().stream().filter("Progress"::equals).count() >= 2);
    GuardState back = guard(GuardState.FREE, "2026-11-30T00:02:05Z", 1.0, null);
    changes.add(back);
    table.reportProgress(progress(back, changes));
    t.env.sleep(SchemaChangeWorkflowImpl.PROGRESS_EVERY.plusSeconds(1));
    await().until(() -> guardEntries(wf.status()).size() >= 3);
    table.releaseBackfill();
    awaitGate(wf, "switch-reads");
    assertThat(guardEntries(wf.status())).containsExactly(GuardChanges.line(free),
        GuardChanges.line(slowed), GuardChanges.line(back));
    assertThat(GuardChanges.line(slowed)).startsWith("latency guard slowed: baseline p99 2.7 ms")
        .contains("duty 40%");
    wf.abort(new DecisionSignal(null, "bob", "done testing"));
    outcome(wf);
  }

  @Test
  void anOutOfRangeRatioIsRefusedBeforeAnyActivity() {
    InMemoryTable table = new InMemoryTable();
    SchemaChangeRequest bad = withRatio(example("bigint-amount"), 0.8);
    t = new SchemaTestSupport(table);
    SchemaChangeWorkflow wf = t.start(bad);
    assertThatThrownBy(() -> WorkflowStub.fromTyped(wf).getResult(SchemaChangeResult.class))
        .rootCause().hasMessageContaining("latencyRatio 0.8 is out of range: it must be a number"
            + " above 1.0").hasMessageContaining(Failures.INVALID_REQUEST);
    assertThat(table.calls()).isEmpty();
    assertThat(t.client.fetchHistory(SchemaChangeWorkflow.workflowId(bad)).getEvents())
        .as("new runs record the latency guard's version")
        .anyMatch(e -> e.hasMarkerRecordedEventAttributes() && e
            .getMarkerRecordedEventAttributes().getDetailsMap().toString()
            .contains(SchemaChangeWorkflowImpl.LATENCY_GUARD));
  }

  private static List<String> guardEntries(RunStatus s) {
    return s.timeline().stream().filter(e -> GuardChanges.STEP.equals(e.step()))
        .map(TimelineEntry::detail).toList();
  }

  private static GuardState guard(String mode, String since, double duty, String reason) {
    return new GuardState(mode, 2.7, mode.equals(GuardState.FREE) ? 2.9 : 4.1, 4.05, 1.5, duty,
        duty < 1 ? 750L : 0L, since, reason);
  }

  private static BackfillProgress progress(GuardState now, List<GuardState> changes) {
    return new BackfillProgress(List.of("500"), 500, 1000, 1, 2000, 250, 2L, null, 1, 0,
        "2026-11-30T00:01:00Z", 1_000L, 0L, now, List.copyOf(changes));
  }
}
