package dev.underway.sandbox;

import static dev.underway.workflows.schema.SchemaTestSupport.approve;
import static dev.underway.workflows.schema.SchemaTestSupport.awaitGate;
import static dev.underway.workflows.schema.SchemaTestSupport.example;
import static dev.underway.workflows.schema.SchemaTestSupport.outcome;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;
import static org.awaitility.Awaitility.await;

import dev.underway.kernel.Decision;
import dev.underway.kernel.DecisionRequest;
import dev.underway.kernel.DecisionSignal;
import dev.underway.kernel.RunState;
import dev.underway.kernel.RunStatus;
import dev.underway.kernel.TimelineEntry;
import dev.underway.sandbox.report.LoadReport.MarkKind;
import dev.underway.workflows.schema.InMemoryTable;
import dev.underway.workflows.schema.OperatorCommand;
import dev.underway.workflows.schema.SchemaChangeRequest;
import dev.underway.workflows.schema.SchemaChangeWorkflow;
import dev.underway.workflows.schema.SchemaTestSupport;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Every operator action on a schema change is its own mark at the time the run recorded it:
 * the timeline and decisions come from the real SchemaChange workflow (in the time-skipping
 * environment, against the in-memory table), driven as an operator would drive it.
 */
class RunMarksTest {

  private static final SchemaChangeRequest AMOUNT = example("bigint-amount");

  private record Marked(String phase, String step, MarkKind kind, Instant at, String detail) {}

  /** The marks {@link RunMarks} makes from {@code statuses}, read one after the other, by time. */
  private static List<Marked> marks(RunStatus... statuses) {
    List<Marked> out = new ArrayList<>();
    RunMarks marks = new RunMarks((phase, step, kind, at, detail) ->
        out.add(new Marked(phase, step, kind, at, detail)), "phase-0");
    for (RunStatus s : statuses) {
      marks.update(s);
    }
    out.sort(java.util.Comparator.comparing(Marked::at)); // as the load's segments are kept
    return out;
  }

  @Test
  void throttleUnthrottleSetBatchRevertApproveAndRejectAreEachAMarkAtTheirTime() {
    InMemoryTable table = new InMemoryTable().holdBackfill();
    RunStatus early;
    RunStatus last;
    try (SchemaTestSupport t = new SchemaTestSupport(table)) {
      SchemaChangeWorkflow wf = t.start(AMOUNT);
      awaitGate(wf, "expand");
      wf.decide(approve("expand", "bob"));
      await().until(table::backfillStarted);
      await().until(() -> "backfill".equals(wf.status().currentStep()));
      early = wf.status();
      wf.throttle(new OperatorCommand("bob", "deploy"));
      wf.setBatch(new OperatorCommand("bob", null, 200));
      wf.unthrottle(new OperatorCommand("bob", null));
      wf.setBatch(new OperatorCommand("bob", null, 0));
      table.releaseBackfill();
      awaitGate(wf, "switch-reads");
      wf.decide(approve("switch-reads", "bob"));
      awaitGate(wf, "stop-old-writes");
      wf.revert(new OperatorCommand("bob", "5xx on the new path"));
      awaitGate(wf, "switch-reads");
      wf.decide(new DecisionRequest("switch-reads", "reject", "bob", "not today"));
      assertThat(outcome(wf).state()).isEqualTo(RunState.REJECTED);
      last = wf.status();
    }

    // read twice while running and once at the end: each action marked once
    List<Marked> marks = marks(early, early, last);
    assertThat(marks).filteredOn(m -> m.kind() == MarkKind.OPERATOR)
        .extracting(Marked::phase, Marked::step)
        .containsExactly(tuple("expand", "approve"), tuple("backfill", "throttle"),
            tuple("backfill", "set-batch"), tuple("backfill", "unthrottle"),
            tuple("backfill", "set-batch"), tuple("switch-reads", "approve"),
            tuple("stop-old-writes", "revert"), tuple("switch-reads", "reject"));
    assertThat(marks).filteredOn(m -> m.kind() == MarkKind.OPERATOR).extracting(Marked::detail)
        .containsExactly("approved by bob at gate expand: checked",
            "throttled by bob (bob: deploy)", "batch size pinned at 200 by bob",
            "unthrottled by bob", "batch size adaptive by bob",
            "approved by bob at gate switch-reads: checked",
            last.timeline().stream().filter(e -> e.step().equals("revert")).findFirst()
                .orElseThrow().detail(),
            "rejected by bob at gate switch-reads: not today");

    // each at the time the run recorded it
    List<Instant> commandTimes = last.timeline().stream()
        .filter(e -> List.of("throttle", "revert").contains(e.step()))
        .map(e -> Instant.parse(e.at())).toList();
    assertThat(marks).filteredOn(m -> m.kind() == MarkKind.OPERATOR
            && !List.of("approve", "reject").contains(m.step()))
        .extracting(Marked::at).containsExactlyElementsOf(commandTimes);
    List<Instant> decisionTimes = last.decisions().stream().filter(Decision::accepted)
        .map(d -> Instant.parse(d.at())).toList();
    assertThat(marks).filteredOn(m -> List.of("approve", "reject").contains(m.step()))
        .extracting(Marked::at).containsExactlyElementsOf(decisionTimes);

    // the run's own steps are marked as before
    List<TimelineEntry> own = last.timeline().stream()
        .filter(e -> !List.of("throttle", "revert").contains(e.step())).toList();
    assertThat(marks).filteredOn(m -> m.kind() != MarkKind.OPERATOR)
        .extracting(Marked::step).containsExactlyElementsOf(own.stream()
            .map(TimelineEntry::step).toList());
    assertThat(marks).filteredOn(m -> m.kind() == MarkKind.GATE).extracting(Marked::phase)
        .containsExactly("expand", "switch-reads", "stop-old-writes", "switch-reads");
  }

  @Test
  void anAbortIsOneMarkAtTheTimeTheRunReceivedIt() {
    RunStatus last;
    try (SchemaTestSupport t = new SchemaTestSupport(new InMemoryTable())) {
      SchemaChangeWorkflow wf = t.start(AMOUNT);
      awaitGate(wf, "expand");
      wf.abort(new DecisionSignal(null, "bob", "not this week"));
      assertThat(outcome(wf).state()).isEqualTo(RunState.ABORTED);
      last = wf.status();
    }
    assertThat(last.timeline()).as("the run records its abort as a step too")
        .anySatisfy(e -> assertThat(e.step()).isEqualTo("abort"));
    Decision abort = last.decisions().get(last.decisions().size() - 1);
    List<Marked> marks = marks(last);
    assertThat(marks).filteredOn(m -> m.step().equals("abort")).singleElement()
        .isEqualTo(new Marked("expand", "abort", MarkKind.OPERATOR, Instant.parse(abort.at()),
            "aborted by bob: not this week"));
  }

  @Test
  void anApprovalComesBeforeTheStepItStartedAtTheSameTime() {
    String at = "2026-01-01T00:00:10Z";
    RunStatus s = new RunStatus("schema-change", RunState.RUNNING, "t", "me", false, "expand",
        "expand", null, List.of(),
        List.of(new Decision("expand", dev.underway.kernel.DecisionKind.APPROVE, "bob", at,
            null, true, null, "update")),
        List.of(new TimelineEntry("plan", "plan", "done", "2026-01-01T00:00:01Z", null),
            new TimelineEntry("expand", "gate", "approved", "2026-01-01T00:00:02Z", null),
            new TimelineEntry("expand", "expand", "started", at, null)),
        null, null);
    List<Marked> calls = new ArrayList<>();
    new RunMarks((phase, step, kind, when, detail) ->
        calls.add(new Marked(phase, step, kind, when, detail)), "phase-0").update(s);
    assertThat(calls).extracting(Marked::phase, Marked::step).containsExactly(
        tuple("plan", "plan"), tuple("expand", "gate"), tuple("expand", "approve"),
        tuple("expand", "expand"));
  }
}
