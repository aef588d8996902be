package dev.underway.kernel;

import java.time.Duration;
import java.util.List;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * What a runbook's body uses of the kernel: a façade over one class per idea — the run's view
 * ({@link RunView}), gates ({@link GateWaiting}), decisions ({@link DecisionIntake}), steps an
 * abort stops ({@link AbortableSteps}), holding ({@link Holding}), compensation ({@link
 * Compensations}) and endings ({@link Endings}). A runbook extends {@link RunProtocol}, which
 * owns its {@code Run} and the protocol; its body calls the steps below, each of which throws
 * {@link RunStopped} once an abort is accepted. Deterministic: workflow code only.
 *
 * <p>A run follows one {@link Sequence} of commands: runs recorded under an older one replay as
 * they ran (that enum says what each adds).
 */
public final class Run extends RunParts {

  /** Kernel step names, shared by every runbook. */
  public static final String VALIDATE = "validate";
  public static final String GATE = "gate";
  public static final String HOLD = "hold";
  public static final String RECHECK = "recheck";
  public static final String ABORT = "abort";
  public static final String UNDO = "undo";

  /** The first re-check of a holding run; the interval doubles up to the maximum. */
  public static final Duration HOLD_FIRST_RECHECK = Duration.ofSeconds(15);
  public static final Duration HOLD_MAX_RECHECK = Duration.ofMinutes(5);

  /** How long one gate timer runs before it is started again, when a gate has no expiry. */
  public static final Duration GATE_WINDOW = ApprovalRules.MAX_GATE_EXPIRY;

  /**
   * @param runbook the runbook's name, e.g. {@code cluster-evolution}
   * @param temporalAddress the address operators reach this run's Temporal at, printed in the
   *     gates' commands when it is not the default; null when unknown
   */
  public Run(String runbook, String temporalAddress) {
    super(runbook, temporalAddress);
  }

  // ---- the run ----------------------------------------------------------------------------

  /**
   * Before anything else: the target as the request names it (null if it names none), who may
   * decide, who asked, and which command sequence the run follows.
   */
  public void configure(String targetKey, ApprovalPolicy policy, String requester,
      boolean isDryRun, Sequence followed) {
    decisions.configure(policy, requester, followed.checksFreshness());
    view.configure(targetKey, requester, isDryRun, followed);
    if (followed.takesDecisions()) {
      intake.start();
    }
  }

  /** The request is valid: the run is for {@code targetKey}; the UI lists it by that. */
  public void started(String targetKey) {
    view.started(targetKey);
  }

  /** A stage (a phase, a table, a tenant) begins: the UI's UnderwayPhase says which. */
  public void enterStage(String stage) {
    view.enterStage(stage);
  }

  /**
   * How far the running step is: the run's page shows it (rows, rate, ETA, state) until another
   * step starts. Call it each time the runbook learns it; it changes no command.
   */
  public void progress(StepProgress now) {
    view.progress(now);
  }

  public Timeline timeline() {
    return timeline;
  }

  public List<Decision> decisions() {
    return decisions.all();
  }

  /** The {@code status} query's answer. */
  public RunStatus status(List<?> plans, Object result) {
    return view.status(plans, result, null);
  }

  /** The {@code status} query's answer, with the runbook's own sentence when not null. */
  public RunStatus status(List<?> plans, Object result, String sentence) {
    return view.status(plans, result, sentence);
  }

  // ---- gates and decisions ----------------------------------------------------------------

  /**
   * Opens {@code gate} showing its plan (and, on the run's page, its card) with the commands to
   * decide it, and waits: approved, rejected, aborted, expired or interrupted.
   */
  public GateOutcome gate(Gate gate) {
    return gates.open(gate);
  }

  /**
   * Ends the wait of the gate open now without a decision (a runbook's own command made its
   * plan moot): it returns {@link GateOutcome.Interrupted} with {@code why}. False, changing
   * nothing, when no gate is open.
   */
  public boolean interruptGate(String why) {
    return gates.interrupt(why);
  }

  /** A decision by signal: recorded, acted on only when accepted. */
  public void signal(DecisionKind kind, DecisionSignal s) {
    intake.signal(kind, s);
  }

  /** The {@code decide} update's validator: refuses with one sentence, changes nothing. */
  public void validate(DecisionRequest r) {
    intake.validate(r);
  }

  /** The {@code decide} update, once validated. */
  public Decision decide(DecisionRequest r) {
    return intake.decide(r);
  }

  /** The commands the run prints for its operators, naming the run's server. */
  public DecideCommands commands() {
    return view.commands();
  }

  /**
   * From now on the run cannot be rolled back without losing what was written since {@code
   * why} happened: a reject or an abort is refused with that sentence. Irreversible.
   */
  public void pastPointOfNoReturn(String why) {
    decisions.pastPointOfNoReturn(why);
  }

  /** Why the run is past its point of no return, or null. */
  public String pointOfNoReturn() {
    return decisions.pointOfNoReturn();
  }

  /** Whether an abort was accepted: the run stops at its next step. */
  public boolean abortRequested() {
    return steps.abortRequested();
  }

  /** Stops the body here when an abort was accepted (between steps). */
  public void stopIfAborted() {
    if (abortRequested()) {
      throw Ending.aborted().stop();
    }
  }

  // ---- steps: each throws RunStopped once an abort is accepted -----------------------------

  /** A mutating step in a scope an abort cancels, even while it is being retried. */
  public void changeStep(String stage, String step, Supplier<ChangeResult> action) {
    if (!steps.change(stage, step, action)) {
      throw Ending.aborted().stop();
    }
  }

  /** A wait as a step of its own; an abort cancels it. */
  public void awaitStep(String stage, String step, Supplier<String> wait) {
    if (!steps.await(stage, step, wait)) {
      throw Ending.aborted().stop();
    }
  }

  /** {@code call} (an observation) in a scope an abort cancels. */
  public <T> T abortable(Supplier<T> call) {
    return stopIfNull(steps.abortable(call), null);
  }

  /** As {@link #abortable(Supplier)}; an abort ends the step in progress "aborted while ...". */
  public <T> T abortable(String whileDoing, Supplier<T> call) {
    return stopIfNull(steps.abortable(call), "aborted while " + whileDoing);
  }

  private <T> T stopIfNull(T answer, String aborted) {
    if (answer == null) {
      if (aborted != null) {
        timeline.finish(Timeline.ABORTED, aborted);
      }
      throw Ending.aborted().stop();
    }
    return answer;
  }

  /**
   * Holds while {@code problems} finds the target unhealthy (state HOLDING, the reasons as the
   * message), {@code observe} again at growing intervals; returns the first healthy observation.
   */
  public <T> T holdUntilHealthy(String stage, T observed, Function<T, List<String>> problems,
      Supplier<T> observe) {
    T healthy = holding.whileUnhealthy(stage, observed, problems, observe);
    if (healthy == null) {
      throw Ending.aborted().stop();
    }
    return healthy;
  }

  /** The run holds (state HOLDING) for {@code why}, the runbook's own reason. */
  public void holding(String why) {
    holding.holding(why);
  }

  /** The hold of {@link #holding} is over: the run runs again. */
  public void released() {
    holding.released();
  }

  // ---- compensation -----------------------------------------------------------------------

  /** Registers an undo before the step that needs it (see {@link Compensations}). */
  public void addCompensation(String name, Runnable undo) {
    compensations.add(name, undo);
  }

  /** The undo named {@code name} is no longer needed (the step closed what it opened). */
  public void dropCompensation(String name) {
    compensations.drop(name);
  }
}
