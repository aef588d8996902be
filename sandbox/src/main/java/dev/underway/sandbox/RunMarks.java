package dev.underway.sandbox;

import dev.underway.kernel.Decision;
import dev.underway.kernel.DecisionKind;
import dev.underway.kernel.Run;
import dev.underway.kernel.RunStatus;
import dev.underway.kernel.Timeline;
import dev.underway.kernel.TimelineEntry;
import dev.underway.sandbox.load.LoadGenerator;
import dev.underway.sandbox.report.LoadReport.MarkKind;
import dev.underway.workflows.schema.SchemaChangeWorkflow;
import java.time.Instant;
import java.util.List;
import java.util.Set;

/**
 * Marks the load with the run's steps and gates at the times the run's own timeline recorded
 * them, however short a step was and however late the sandbox reads the status, and with every
 * operator action at the time the run received it: each accepted decision (approve, reject,
 * abort) and each command the run recorded (throttle, unthrottle, set-batch, revert, override),
 * every one its own mark. A run-level step (validate, an abort, an undo) belongs to the phase the
 * run was in.
 */
final class RunMarks {

  /** Where the marks go (the load generator). */
  interface Marker {
    void mark(String phase, String step, MarkKind kind, Instant at, String detail);
  }

  /**
   * The timeline steps that are an operator's command (the schema change records throttle,
   * unthrottle and set-batch all as {@code throttle}; see {@link #command}).
   */
  private static final Set<String> COMMANDS = Set.of(SchemaChangeWorkflow.UPDATE_THROTTLE,
      SchemaChangeWorkflow.UPDATE_UNTHROTTLE, SchemaChangeWorkflow.UPDATE_SET_BATCH,
      SchemaChangeWorkflow.UPDATE_REVERT, SchemaChangeWorkflow.UPDATE_OVERRIDE);

  private final Marker marker;
  private final String firstPhase;
  private String phase;
  private int markedSteps;
  private int markedDecisions;

  /** {@code phase}: where the load stands when the run starts (its baseline). */
  RunMarks(LoadGenerator load, String phase) {
    this(load::mark, phase);
  }

  RunMarks(Marker marker, String phase) {
    this.marker = marker;
    this.firstPhase = phase;
    this.phase = phase;
  }

  /**
   * Marks what {@code status} shows that is not marked yet (its lists only grow), in time order;
   * a decision before the step it started when the run recorded both at one time.
   */
  void update(RunStatus status) {
    List<TimelineEntry> timeline = status.timeline();
    List<Decision> decisions = status.decisions();
    boolean abortDecided = decisions.stream()
        .anyMatch(d -> d.accepted() && d.kind() == DecisionKind.ABORT);
    while (markedSteps < timeline.size() || markedDecisions < decisions.size()) {
      boolean decisionFirst = markedDecisions < decisions.size()
          && (markedSteps == timeline.size()
              || !Instant.parse(decisions.get(markedDecisions).at())
                  .isAfter(Instant.parse(timeline.get(markedSteps).at())));
      if (decisionFirst) {
        markDecision(timeline, decisions.get(markedDecisions++));
      } else {
        markStep(timeline.get(markedSteps++), abortDecided);
      }
    }
  }

  /**
   * The schema change's timeline step for its latency guard's changes of mode; an entry in mode
   * {@code baseline} is recorded when the workflow reads the progress, inside the window the
   * scenario marks itself from the guard's own times ({@code backfill-baseline}), so it is not a
   * mark of its own.
   */
  static final String GUARD_STEP = "latency-guard";

  private void markStep(TimelineEntry e, boolean abortDecided) {
    if (GUARD_STEP.equals(e.step()) && e.detail() != null
        && e.detail().startsWith("latency guard baseline")) {
      return;
    }
    if (!Timeline.RUN.equals(e.phase())) {
      phase = e.phase();
    }
    if (Run.ABORT.equals(e.step()) && abortDecided) {
      return; // the abort is marked where the run received it, with who decided it
    }
    String command = command(e);
    MarkKind kind = command != null ? MarkKind.OPERATOR
        : Run.GATE.equals(e.step()) ? MarkKind.GATE : MarkKind.STEP;
    marker.mark(phase, command != null ? command : e.step(), kind, Instant.parse(e.at()),
        command != null && e.detail() != null ? e.detail() : "");
  }

  private void markDecision(List<TimelineEntry> timeline, Decision d) {
    if (!d.accepted()) {
      return; // not acted on: the run's status lists it with why
    }
    Instant at = Instant.parse(d.at());
    String verb = switch (d.kind()) {
      case APPROVE -> "approved";
      case REJECT -> "rejected";
      case ABORT -> "aborted";
    };
    // an approval of N-of-M that leaves the gate waiting does not end the wait
    boolean gateWaitsOn = d.kind() == DecisionKind.APPROVE && d.note() != null
        && d.note().contains("waits for more");
    marker.mark(phaseAt(timeline, at), d.kind().json(),
        gateWaitsOn ? MarkKind.GATE : MarkKind.OPERATOR, at,
        verb + " by " + d.by() + (d.note() == null ? "" : " (" + d.note() + ")")
            + (d.gate() == null || d.kind() == DecisionKind.ABORT ? "" : " at gate " + d.gate())
            + (d.comment() == null || d.comment().isBlank() ? "" : ": " + d.comment()));
  }

  /**
   * The operator's command a timeline entry records, named as the operator typed it; null
   * when the entry is a step of the run's own.
   */
  static String command(TimelineEntry e) {
    if (!COMMANDS.contains(e.step())) {
      return null;
    }
    if (!SchemaChangeWorkflow.UPDATE_THROTTLE.equals(e.step()) || e.detail() == null) {
      return e.step();
    }
    // the backfill's control commands share one step; their sentences say which it was
    if (e.detail().startsWith("unthrottled")) {
      return SchemaChangeWorkflow.UPDATE_UNTHROTTLE;
    }
    if (e.detail().startsWith("batch size")) {
      return SchemaChangeWorkflow.UPDATE_SET_BATCH;
    }
    return SchemaChangeWorkflow.UPDATE_THROTTLE;
  }

  /**
   * The phase the run was in at {@code at}: that of its last stage step started before then (a
   * step recorded at the same time is one the decision started).
   */
  private String phaseAt(List<TimelineEntry> timeline, Instant at) {
    String p = firstPhase;
    for (TimelineEntry e : timeline) {
      if (!Instant.parse(e.at()).isBefore(at)) {
        break;
      }
      if (!Timeline.RUN.equals(e.phase())) {
        p = e.phase();
      }
    }
    return p;
  }
}
