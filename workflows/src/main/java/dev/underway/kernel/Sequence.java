package dev.underway.kernel;

import io.temporal.common.SearchAttributeUpdate;
import io.temporal.workflow.Workflow;
import java.util.List;

/**
 * The command sequences a run can follow, and the one place that knows what each does: which
 * search attributes it upserts and when, whether its gates and holds wait on named timers,
 * whether an abort cancels its steps, whether decisions must be fresh, how a run that does not
 * complete ends. A run recorded under an older sequence replays with it (a runbook maps its
 * {@code Workflow.getVersion} to one); new runs with gates follow {@link #VIEW}, runs without
 * gates {@link #WITHOUT_GATES}. Nothing else in the kernel asks which sequence a run follows.
 *
 * <p>Later changes to the kernel's commands, whatever the sequence, are behind change ids of
 * their own, asked here where the change happens: {@value #OUTCOMES} and {@value
 * #GATE_TIMER_ENDS}.
 */
public enum Sequence {
  /** The first release: no UnderwayState, decisions without freshness, only waits cancellable. */
  FIRST(false, false, true),
  /**
   * UnderwayState, holding while unhealthy, fresh decisions (plan digest, issue time), every
   * step cancellable by an abort.
   */
  SAFETY(true, false, true),
  /**
   * What an operator sees: every gate waits on a timer (a bar on the run's page, with a
   * summary), UnderwayOpenGate unset when no gate is open, and a run that does not complete
   * (rejected, aborted, expired) ends as Failed with that type; a Temporal cancellation is an
   * abort that ends the run Canceled.
   */
  VIEW(true, true, true),
  /**
   * A runbook without gates (a drift check): UnderwayTarget at the start and nothing else
   * upserted; otherwise as {@link #FIRST}.
   */
  WITHOUT_GATES(false, false, false);

  /**
   * The change id under which a run records who Temporal says sent each decision (an activity
   * per decision, {@link DecisionSenders}); a run recorded before it replays without. Decided
   * once, when a run with gates starts.
   */
  public static final String SENDERS = "decision-senders";

  /**
   * Change id: every ending clears {@code UnderwayOpenGate} and says its {@link Outcome} in
   * {@code UnderwayState} in the same upsert, a run without a target too; a Temporal
   * cancellation says {@link RunState#CANCELED} (earlier {@link RunState#ABORTED}, the gate's
   * name left in UnderwayOpenGate) and a refusal {@link RunState#REFUSED} (earlier {@link
   * RunState#FAILED}).
   */
  public static final String OUTCOMES = "kernel-outcomes";

  /**
   * Change id: a gate's timer is cancelled when the gate is decided (or its wait interrupted),
   * so its bar ends at the decision (earlier it ran on to its end).
   */
  public static final String GATE_TIMER_ENDS = "kernel-gate-timer-ends-at-decision";

  private final boolean safety;
  private final boolean view;
  private final boolean gated;

  Sequence(boolean safety, boolean view, boolean gated) {
    this.safety = safety;
    this.view = view;
    this.gated = gated;
  }

  /** The run has gates and takes decisions (a drift check does not). */
  public boolean takesDecisions() {
    return gated;
  }

  /** Decisions are checked for the plan shown (the gate shows its digest) and their age. */
  public boolean checksFreshness() {
    return safety;
  }

  /** An abort cancels a step's activities while they run (earlier: only waits). */
  public boolean cancelsSteps() {
    return safety;
  }

  /** The run holds while its target is unhealthy (earlier: it went on at once). */
  public boolean holdsWhileUnhealthy() {
    return safety;
  }

  /** Gates and holds wait on named timers (earlier: {@code Workflow.await} with a timeout). */
  public boolean waitsOnNamedTimers() {
    return view;
  }

  /** A run that does not complete ends Failed with its kind (earlier: Completed). */
  public boolean endsFailedUnlessCompleted() {
    return view;
  }

  /** A Temporal cancellation is taken as an abort that ends the run Canceled. */
  public boolean takesCancellationAsAbort() {
    return view;
  }

  /**
   * Whether this run's ending says its outcome as {@link #OUTCOMES} does. Asks {@code
   * Workflow.getVersion}: the kernel asks as the run starts, never where it ends (a version
   * marker after an activity's cancellation, in the same workflow task, does not replay).
   */
  boolean recordsOutcomes() {
    return Workflow.getVersion(OUTCOMES, Workflow.DEFAULT_VERSION, 1) >= 1;
  }

  /**
   * Whether a decided gate cancels its timer ({@link #GATE_TIMER_ENDS}): only gates that wait on
   * named timers. Asks {@code Workflow.getVersion}: the kernel asks as the run starts.
   */
  boolean cancelsDecidedGateTimers() {
    return view && Workflow.getVersion(GATE_TIMER_ENDS, Workflow.DEFAULT_VERSION, 1) >= 1;
  }

  /** How a run that ended {@code end} said so before {@link #OUTCOMES}. */
  static RunState before(RunState end) {
    return end == RunState.CANCELED ? RunState.ABORTED
        : end == RunState.REFUSED ? RunState.FAILED : end;
  }

  // ---- search attributes: which upserts, in which commands ---------------------------------

  /** The request is valid: the run is for {@code target}. */
  List<SearchAttributeUpdate<?>> started(String target) {
    var t = SearchAttributes.TARGET.valueSet(target);
    var running = SearchAttributes.STATE.valueSet(RunState.RUNNING.name());
    var noGate = SearchAttributes.OPEN_GATE.valueSet("");
    if (!gated) {
      return List.of(t);
    }
    return view ? List.of(t, running) : safety ? List.of(t, noGate, running) : List.of(t, noGate);
  }

  /** Gate {@code gate} opened. */
  List<SearchAttributeUpdate<?>> gateOpened(String gate) {
    var open = SearchAttributes.OPEN_GATE.valueSet(gate);
    return safety ? List.of(open,
        SearchAttributes.STATE.valueSet(RunState.WAITING_FOR_APPROVAL.name())) : List.of(open);
  }

  /** The open gate closed (decided, expired, interrupted). */
  List<SearchAttributeUpdate<?>> gateClosed() {
    var running = SearchAttributes.STATE.valueSet(RunState.RUNNING.name());
    var noGate = SearchAttributes.OPEN_GATE.valueSet("");
    return view ? List.of(SearchAttributes.OPEN_GATE.valueUnset(), running)
        : safety ? List.of(noGate, running) : List.of(noGate);
  }

  /**
   * The run ended {@code end}: under {@link #OUTCOMES} ({@code outcomes}) one upsert says the
   * outcome and clears the open gate (a run with gates); earlier, as {@link #stateChanged}.
   */
  List<SearchAttributeUpdate<?>> ended(RunState end, boolean outcomes) {
    if (!outcomes) {
      return stateChanged(end);
    }
    return gated ? List.of(SearchAttributes.STATE.valueSet(end.name()),
        SearchAttributes.OPEN_GATE.valueUnset()) : List.of();
  }

  /** The run's state changed (outside gates): empty when this sequence does not say so. */
  List<SearchAttributeUpdate<?>> stateChanged(RunState state) {
    return safety ? List.of(SearchAttributes.STATE.valueSet(state.name())) : List.of();
  }
}
