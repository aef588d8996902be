package dev.underway.kernel;

import io.temporal.common.SearchAttributeUpdate;
import io.temporal.workflow.Workflow;
import java.util.List;

/**
 * What an operator sees of a run: its state and message, the search attributes the UI lists it
 * by (as its {@link Sequence} upserts them), the run's page (the workflow's current details) and
 * the {@code status} query's answer. Every other part of the kernel changes what is seen here.
 */
final class RunView {

  private final String runbook;
  private final String temporalAddress;
  private final Timeline timeline;
  private final Decisions decisions;
  private Sequence sequence = Sequence.VIEW;
  /** The run follows {@link Sequence#OUTCOMES}. */
  private boolean outcomes;
  /** The run follows {@link Sequence#GATE_TIMER_ENDS}. */
  private boolean gateTimersEnd;
  private RunState state = RunState.RUNNING;
  private PlanCard openCard;
  private String target;
  private String requestedBy;
  private boolean dryRun;
  private String message;
  private StepProgress progress;
  /** The step {@link #progress} is of ({@code stage/step}): shown only while it runs. */
  private String progressOf;

  RunView(String runbook, String temporalAddress, Timeline timeline, Decisions decisions) {
    this.runbook = runbook;
    this.temporalAddress = temporalAddress;
    this.timeline = timeline;
    this.decisions = decisions;
  }

  void configure(String targetKey, String requester, boolean isDryRun, Sequence followed) {
    target = targetKey;
    requestedBy = requester;
    dryRun = isDryRun;
    sequence = followed;
    outcomes = followed.recordsOutcomes();
    gateTimersEnd = followed.cancelsDecidedGateTimers();
    timeline.onChange(this::refresh);
    refresh();
  }

  Sequence sequence() {
    return sequence;
  }

  /** Whether a decided gate cancels its timer ({@link Sequence#GATE_TIMER_ENDS}). */
  boolean gateTimersEndAtDecision() {
    return gateTimersEnd;
  }

  String target() {
    return target;
  }

  RunState state() {
    return state;
  }

  String message() {
    return message;
  }

  /** The run's sentence about itself (why it holds, how it ended); null for none. */
  void say(String sentence) {
    message = sentence;
  }

  /** The running step's progress, shown on the run's page until another step starts. */
  void progress(StepProgress now) {
    progress = now;
    progressOf = now == null ? null : timeline.position();
    refresh();
  }

  void started(String targetKey) {
    upsert(sequence.started(targetKey));
  }

  void enterStage(String stage) {
    timeline.enter(stage);
    Workflow.upsertTypedSearchAttributes(SearchAttributes.PHASE.valueSet(stage));
  }

  void gateOpened(GateView gate, PlanCard card) {
    openCard = card;
    decisions.opened(gate);
    state = RunState.WAITING_FOR_APPROVAL;
    upsert(sequence.gateOpened(gate.gate()));
    refresh();
  }

  void gateClosed() {
    decisions.closed();
    openCard = null;
    state = RunState.RUNNING;
    upsert(sequence.gateClosed());
  }

  /** The run ends: no gate is open any more. */
  private void closeGates() {
    decisions.closed();
    openCard = null;
  }

  /**
   * The run ended {@code end}: no gate open, the state and the search attributes say how (as
   * the run's sequence says: see {@link Sequence#OUTCOMES}).
   */
  void ended(RunState end) {
    closeGates();
    state = outcomes ? end : Sequence.before(end);
    refresh();
    if (outcomes || target != null) {
      upsert(sequence.ended(state, outcomes));
    }
  }

  void setState(RunState next) {
    state = next;
    refresh();
    if (target != null) {
      upsert(sequence.stateChanged(next));
    }
  }

  private static void upsert(List<SearchAttributeUpdate<?>> updates) {
    if (!updates.isEmpty()) {
      Workflow.upsertTypedSearchAttributes(updates.toArray(new SearchAttributeUpdate<?>[0]));
    }
  }

  /** The commands a gate prints for deciding it, naming the run's server. */
  DecideCommands commands() {
    return new DecideCommands(temporalAddress, Workflow.getInfo().getNamespace());
  }

  /** Where the run is, for the decisions' refusal messages. */
  Decisions.Position position() {
    return new Decisions.Position(state.terminal(), state.name(),
        timeline.step() == null ? null : timeline.position(), timeline.stage());
  }

  /** The run's page (the workflow's current details): what it is, where, the gate card. */
  void refresh() {
    GateView open = decisions.open();
    RunDetails.Gate gate = open == null ? null : new RunDetails.Gate(open, openCard,
        decisions.policy(), decisions.approvalsSoFar(), requestedBy);
    String position = timeline.step() == null ? null : timeline.position();
    Workflow.setCurrentDetails(RunDetails.render(runbook, target, state, position,
        message != null ? message : decidedJustNow(),
        progressOf != null && progressOf.equals(position) ? progress : null, gate,
        open == null ? List.of() : commands().lines(Workflow.getInfo().getWorkflowId(),
            open.gate(), open.plan(), open.confirm())));
  }

  /**
   * While the run is still in the stage of a gate decided: {@code Gate expand: approved by bob
   * at ...}; null otherwise (no gate decided in this stage, or one is open).
   */
  private String decidedJustNow() {
    List<TimelineEntry> entries = timeline.entries();
    if (open() != null || timeline.stage() == null) {
      return null;
    }
    for (int i = entries.size() - 1; i >= 0; i--) {
      TimelineEntry e = entries.get(i);
      if (!timeline.stage().equals(e.phase())) {
        return null;
      }
      if (Run.GATE.equals(e.step())) {
        return Timeline.STARTED.equals(e.state()) || e.detail() == null ? null
            : "Gate " + e.phase() + ": " + e.detail();
      }
    }
    return null;
  }

  private GateView open() {
    return decisions.open();
  }

  /** The {@code status} query's answer; {@code sentence} replaces the message when given. */
  RunStatus status(List<?> plans, Object result, String sentence) {
    return new RunStatus(runbook, state, target, requestedBy, dryRun, timeline.stage(),
        timeline.step(), decisions.open(), plans, decisions.all(), timeline.entries(),
        sentence == null ? message : sentence, result);
  }
}
