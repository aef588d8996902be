package dev.underway.kernel;

import dev.underway.kernel.ChangeResult;
import io.temporal.failure.ActivityFailure;
import io.temporal.failure.ApplicationFailure;
import io.temporal.failure.CanceledFailure;
import io.temporal.workflow.CancellationScope;
import io.temporal.workflow.Promise;
import io.temporal.workflow.TimerOptions;
import io.temporal.workflow.Workflow;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.function.Function;
import java.util.function.Supplier;
import org.slf4j.Logger;

/**
 * The kernel every runbook's workflow uses: its state and timeline, its gates and the decisions
 * they receive, steps that an abort cancels, holding while a target is unhealthy, compensation,
 * and how the run ends. The workflow owns one {@code Run}, writes its body as the business
 * sequence (observe, plan, gate, act, verify), and delegates the signal, update and query
 * handlers of {@link GatedWorkflow} to it. Deterministic: workflow code only.
 *
 * <p>A run follows one {@link Sequence} of commands: runs recorded under an older one replay as
 * they ran (see there what each adds).
 */
public final class Run {

  private static final Logger log = Workflow.getLogger(Run.class);

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

  private final String runbook;
  private final String temporalAddress;
  private final Timeline timeline = new Timeline();
  private final Decisions decisions = new Decisions();
  private final Deque<Compensation> compensations = new ArrayDeque<>();
  private RunState state = RunState.RUNNING;
  private Sequence sequence = Sequence.VIEW;
  private PlanCard openCard;
  private String target;
  private String requestedBy;
  private boolean dryRun;
  private String message;
  /** The scope of the step in progress, cancelled by an abort. */
  private CancellationScope stepScope;
  /** Why the open gate's wait was ended without a decision; null when it was not. */
  private String interruption;

  /**
   * @param runbook the runbook's name, e.g. {@code cluster-evolution}
   * @param temporalAddress the address operators reach this run's Temporal at, printed in the
   *     gates' commands when it is not the default; null when unknown
   */
  public Run(String runbook, String temporalAddress) {
    this.runbook = runbook;
    this.temporalAddress = temporalAddress;
  }

  // ---- beginning --------------------------------------------------------------------------

  /**
   * Before anything else: the target as the request names it (null if it names none), who may
   * decide, who asked, and which command sequence the run follows.
   */
  public void configure(String targetKey, ApprovalPolicy policy, String requester,
      boolean isDryRun, Sequence followed) {
    this.target = targetKey;
    this.requestedBy = requester;
    this.dryRun = isDryRun;
    this.sequence = followed;
    decisions.configure(policy, requester, followed.atLeast(Sequence.SAFETY));
    timeline.onChange(this::refreshDetails);
    refreshDetails();
  }

  /** The request is valid: the run is for {@code targetKey}; the UI lists it by that. */
  public void started(String targetKey) {
    if (sequence.atLeast(Sequence.VIEW)) {
      Workflow.upsertTypedSearchAttributes(SearchAttributes.TARGET.valueSet(targetKey),
          SearchAttributes.STATE.valueSet(RunState.RUNNING.name()));
    } else if (current()) {
      Workflow.upsertTypedSearchAttributes(SearchAttributes.TARGET.valueSet(targetKey),
          SearchAttributes.OPEN_GATE.valueSet(""),
          SearchAttributes.STATE.valueSet(RunState.RUNNING.name()));
    } else {
      Workflow.upsertTypedSearchAttributes(SearchAttributes.TARGET.valueSet(targetKey),
          SearchAttributes.OPEN_GATE.valueSet(""));
    }
  }

  /**
   * The request is valid, for a runbook without gates (a drift check): the UI lists it by
   * {@code targetKey}.
   */
  public void startedWithoutGates(String targetKey) {
    Workflow.upsertTypedSearchAttributes(SearchAttributes.TARGET.valueSet(targetKey));
  }

  /** A stage (a phase, a table, a tenant) begins: the UI's UnderwayPhase says which. */
  public void enterStage(String stage) {
    timeline.enter(stage);
    Workflow.upsertTypedSearchAttributes(SearchAttributes.PHASE.valueSet(stage));
  }

  /** Whether this run follows at least the SAFETY sequence (see {@link Sequence}). */
  public boolean current() {
    return sequence.atLeast(Sequence.SAFETY);
  }

  public Sequence sequence() {
    return sequence;
  }

  public Timeline timeline() {
    return timeline;
  }

  // ---- gates ------------------------------------------------------------------------------

  /** How long one gate timer runs before it is started again, when a gate has no expiry. */
  public static final Duration GATE_WINDOW = ApprovalRules.MAX_GATE_EXPIRY;

  /**
   * Opens gate {@code gate} showing {@code planText} (and, on the run's page, {@code card}) with
   * the commands to decide it, and waits for a decision: the accepted one (approve once enough
   * approvals came, reject, abort), or null when {@code expiry} passed first (never taken as an
   * approval).
   *
   * @param digest a short digest of the plan (a cluster evolution's {@code PlanDigest});
   *     decisions naming another are refused
   */
  public Decision gate(String stage, String gate, String planText, PlanCard card, String digest,
      Duration expiry) {
    return gate(stage, gate, planText, card, digest, expiry, null);
  }

  /**
   * As {@link #gate(String, String, String, PlanCard, String, Duration)}, for a gate that may be
   * destructive. Returns null also when the runbook {@link #interruptGate interrupted} the wait
   * ({@link #interruption()} then says why; an accepted abort still wins).
   *
   * @param confirm for a destructive gate, the name of what it drops: every approval must carry
   *     it in {@code confirm}, typed exactly, or it is refused; null for any other gate
   */
  public Decision gate(String stage, String gate, String planText, PlanCard card, String digest,
      Duration expiry, String confirm) {
    timeline.step(stage, GATE);
    String opened = Timeline.now();
    String expires = expiry == null ? null
        : Instant.ofEpochMilli(Workflow.currentTimeMillis()).plus(expiry).toString();
    String workflowId = Workflow.getInfo().getWorkflowId();
    String shown = current() ? digest : null;
    String text = planText + commands().text(workflowId, gate, shown, confirm != null);
    openCard = card;
    interruption = null;
    decisions.opened(new GateView(gate, stage, text, opened, expires, shown, confirm));
    state = RunState.WAITING_FOR_APPROVAL;
    if (current()) {
      Workflow.upsertTypedSearchAttributes(SearchAttributes.OPEN_GATE.valueSet(gate),
          SearchAttributes.STATE.valueSet(state.name()));
    } else {
      Workflow.upsertTypedSearchAttributes(SearchAttributes.OPEN_GATE.valueSet(gate));
    }
    refreshDetails();
    log.info("Gate {} open for {}; waiting for a decision", gate, target);

    boolean decided = sequence.atLeast(Sequence.VIEW) ? waitOnTimers(stage, gate, expiry)
        : waitAsFirst(expiry);
    decisions.closed();
    openCard = null;
    state = RunState.RUNNING;
    if (sequence.atLeast(Sequence.VIEW)) {
      Workflow.upsertTypedSearchAttributes(SearchAttributes.OPEN_GATE.valueUnset(),
          SearchAttributes.STATE.valueSet(state.name()));
    } else if (current()) {
      Workflow.upsertTypedSearchAttributes(SearchAttributes.OPEN_GATE.valueSet(""),
          SearchAttributes.STATE.valueSet(state.name()));
    } else {
      Workflow.upsertTypedSearchAttributes(SearchAttributes.OPEN_GATE.valueSet(""));
    }
    if (interruption != null && decisions.abort() == null) {
      timeline.finish(Timeline.INTERRUPTED, "interrupted before a decision: " + interruption
          + (decisions.pending() == null ? "" : " (the " + decisions.pending().kind().json()
              + " by " + decisions.pending().by() + " was not acted on)"));
      return null;
    }
    if (!decided) {
      timeline.finish(Timeline.EXPIRED, "no decision within " + expiry
          + "; recorded as expired, not approved");
      return null;
    }
    Decision d = decisions.abort() != null ? decisions.abort() : decisions.pending();
    String verb = switch (d.kind()) {
      case APPROVE -> "approved";
      case REJECT -> "rejected";
      case ABORT -> "aborted";
    };
    timeline.finish(verb, verb + " by " + decisions.deciders(d) + " at " + d.at()
        + (d.comment() == null ? "" : ": " + d.comment()));
    return d;
  }

  private boolean decidedOrAborted() {
    return decisions.pending() != null || decisions.abort() != null || interruption != null;
  }

  /**
   * Ends the wait of the gate open now without a decision (a runbook's own command made its plan
   * moot, e.g. a schema change's revert): {@link #gate} returns null and {@link #interruption()}
   * says {@code why}. Returns false, changing nothing, when no gate is open.
   */
  public boolean interruptGate(String why) {
    if (decisions.open() == null) {
      return false;
    }
    interruption = why;
    return true;
  }

  /** Why the last gate was interrupted ({@link #interruptGate}), or null when it was not. */
  public String interruption() {
    return interruption;
  }

  /** The first sequences: a timer only when the gate expires. */
  private boolean waitAsFirst(Duration expiry) {
    if (expiry == null) {
      Workflow.await(this::decidedOrAborted);
      return true;
    }
    return Workflow.await(expiry, this::decidedOrAborted);
  }

  /**
   * VIEW: the wait is a named timer the run's page shows as a bar, until the expiry, or in
   * windows of {@link #GATE_WINDOW} started again when the gate has none.
   */
  private boolean waitOnTimers(String stage, String gate, Duration expiry) {
    while (true) {
      Duration window = expiry != null ? expiry : GATE_WINDOW;
      Promise<Void> timer = Workflow.newTimer(window, TimerOptions.newBuilder()
          .setSummary(stage + " · gate " + gate + ": waiting for a decision"
              + (expiry == null ? " (no expiry)" : " until it expires"))
          .build());
      Workflow.await(() -> decidedOrAborted() || timer.isCompleted());
      if (decidedOrAborted()) {
        return true;
      }
      if (expiry != null) {
        return false;
      }
    }
  }

  private DecideCommands commands() {
    return new DecideCommands(temporalAddress, Workflow.getInfo().getNamespace());
  }

  /** The run's page (the workflow's current details): what it is, where, the gate card. */
  private void refreshDetails() {
    GateView open = decisions.open();
    RunDetails.Gate gate = open == null ? null : new RunDetails.Gate(open, openCard,
        decisions.policy(), decisions.approvalsSoFar());
    Workflow.setCurrentDetails(RunDetails.render(runbook, target, state,
        timeline.step() == null ? null : timeline.position(), message, gate,
        open == null ? List.of() : commands().lines(Workflow.getInfo().getWorkflowId(),
            open.gate(), open.plan(), open.confirm() != null)));
  }

  // ---- decisions (the handlers of GatedWorkflow delegate here) ------------------------------

  /** A decision by signal: recorded, acted on only when accepted. */
  public void signal(DecisionKind kind, DecisionSignal s) {
    receive(kind, s, "signal");
  }

  /** The {@code decide} update's validator: refuses with one sentence, changes nothing. */
  public void validate(DecisionRequest r) {
    if (r == null) {
      throw refused("empty decision: send {\"gate\": ..., \"decision\":"
          + " \"approve|reject|abort\", \"by\": ...}");
    }
    DecisionKind kind = DecisionKind.parse(r.decision());
    if (kind == null) {
      throw refused("decision '" + r.decision() + "' is not one of approve, reject, abort");
    }
    GateView open = decisions.open();
    if (kind != DecisionKind.ABORT && (r.gate() == null || r.gate().isBlank())) {
      throw refused("name the gate you decide"
          + (open == null ? " (no gate is open now)" : " (open now: " + open.gate() + ")"));
    }
    String refusal = decisions.refusal(kind, r.asSignal(), position(),
        Workflow.currentTimeMillis());
    if (refusal != null) {
      throw refused(refusal);
    }
  }

  /** A validator's refusal: one sentence for the UI's dialog and the CLI, no stack trace. */
  private static DecisionRefused refused(String sentence) {
    return new DecisionRefused(sentence);
  }

  /** The {@code decide} update, once validated. */
  public Decision decide(DecisionRequest r) {
    return receive(DecisionKind.parse(r.decision()), r.asSignal(), "update");
  }

  private Decision receive(DecisionKind kind, DecisionSignal s, String via) {
    Decision d = decisions.receive(kind, s, via, position(), Workflow.currentTimeMillis());
    if (!d.accepted()) {
      log.warn("Ignored {} {} from {}: {}", via, kind == null ? "?" : kind.json(), d.by(),
          d.note());
    } else if (kind == DecisionKind.ABORT && stepScope != null) {
      stepScope.cancel("aborted by " + d.by());
    }
    return d;
  }

  private Decisions.Position position() {
    return new Decisions.Position(state.terminal(), state.name(),
        timeline.step() == null ? null : timeline.position(), timeline.stage());
  }

  /**
   * From now on the run cannot be rolled back without losing what was written since {@code
   * why} happened: a reject or an abort is refused with that sentence (recorded, as every
   * refused decision), and the runbook holds at its gate instead of ending. Irreversible.
   */
  public void pastPointOfNoReturn(String why) {
    decisions.pastPointOfNoReturn(why);
  }

  /** Why the run is past its point of no return, or null. */
  public String pointOfNoReturn() {
    return decisions.pointOfNoReturn();
  }

  /**
   * The run holds (state HOLDING, search attribute too) for {@code why}, shown as the run's
   * message; {@link #released} ends it. A runbook's own hold; {@link #holdWhileUnhealthy} is the
   * kernel's for an unhealthy target.
   */
  public void holding(String why) {
    message = why;
    if (state != RunState.HOLDING) {
      setState(RunState.HOLDING);
    } else {
      refreshDetails();
    }
  }

  /** The hold of {@link #holding} is over: the run runs again. */
  public void released() {
    message = null;
    if (state == RunState.HOLDING) {
      setState(RunState.RUNNING);
    }
  }

  /** Whether an abort was accepted: the run stops at once. */
  public boolean abortRequested() {
    return decisions.abort() != null;
  }

  /** The {@code status} query's answer. */
  public RunStatus status(List<?> plans, Object result) {
    return status(plans, result, message);
  }

  /** The {@code status} query's answer, with the runbook's own sentence about the run. */
  public RunStatus status(List<?> plans, Object result, String sentence) {
    return new RunStatus(runbook, state, target, requestedBy, dryRun, timeline.stage(),
        timeline.step(), decisions.open(), plans, decisions.all(), timeline.entries(),
        sentence == null ? message : sentence, result);
  }

  // ---- steps ------------------------------------------------------------------------------

  /**
   * Runs a step's activities in a scope an abort cancels, so an abort takes effect at once even
   * while the step is being retried. Null when an abort stopped it (or had already been
   * accepted). An attempt already running may still finish its (idempotent) change. Runs of the
   * first sequence run the step uncancelled, as they did.
   */
  public <T> T cancellable(Supplier<T> call) {
    if (abortRequested()) {
      return null;
    }
    if (!current()) {
      return call.get();
    }
    List<T> result = new ArrayList<>(1);
    return inScope(() -> result.add(call.get())) ? result.get(0) : null;
  }

  /** A mutating step. Returns false when an abort was accepted before or during it. */
  public boolean change(String stage, String step, Supplier<ChangeResult> action) {
    if (abortRequested()) {
      return false;
    }
    timeline.step(stage, step);
    ChangeResult r = cancellable(action);
    if (r == null) {
      timeline.finish(Timeline.ABORTED, "aborted: the step was cancelled; an attempt already"
          + " running may still complete its change (it is idempotent: a new run converges)");
      return false;
    }
    timeline.done(r.object() + ": " + r.outcome().name().toLowerCase() + " (" + r.detail()
        + ")");
    return true;
  }

  /** A wait; an abort cancels it (in every sequence). Returns false when aborted. */
  public boolean await(String stage, String step, Supplier<String> wait) {
    if (abortRequested()) {
      return false;
    }
    timeline.step(stage, step);
    String[] detail = new String[1];
    if (!inScope(() -> detail[0] = wait.get())) {
      return false;
    }
    timeline.done(detail[0]);
    return true;
  }

  /** Runs {@code body} in {@link #stepScope}; false when an abort cancelled it. */
  private boolean inScope(Runnable body) {
    stepScope = Workflow.newCancellationScope(body);
    try {
      stepScope.run();
      return true;
    } catch (ActivityFailure e) {
      if (abortRequested() && e.getCause() instanceof CanceledFailure) {
        return false;
      }
      throw e;
    } catch (CanceledFailure e) {
      if (abortRequested()) {
        return false;
      }
      throw e;
    } finally {
      stepScope = null;
    }
  }

  /**
   * Holds while {@code problems} finds the target unhealthy: state HOLDING (search attribute
   * too), the reasons in the status, {@code observe} again at growing intervals. Returns the
   * first healthy observation ({@code observed} when it is healthy already), or null when an
   * abort stopped the hold. Nothing else happens while holding. Runs of the first sequence go
   * on at once.
   */
  public <T> T holdWhileUnhealthy(String stage, T observed, Function<T, List<String>> problems,
      Supplier<T> observe) {
    List<String> found = current() ? problems.apply(observed) : List.of();
    if (found.isEmpty()) {
      return observed;
    }
    timeline.step(stage, HOLD);
    setState(RunState.HOLDING);
    long since = Workflow.currentTimeMillis();
    Duration interval = HOLD_FIRST_RECHECK;
    T now = observed;
    while (!found.isEmpty()) {
      String reasons = String.join("; ", found);
      message = "Holding at " + stage + " because the target is unhealthy: " + reasons
          + ". Nothing is changed while holding; re-checking every " + interval
          + " (up to " + HOLD_MAX_RECHECK + "). Fix it, or abort the run.";
      timeline.progress(reasons + "; next check at "
          + Instant.ofEpochMilli(Workflow.currentTimeMillis()).plus(interval));
      log.warn("Holding {} at {}: {}", target, stage, reasons);
      now = holdTimer(stage, interval, reasons) ? null : cancellable(observe);
      if (now == null) {
        message = null;
        timeline.finish(Timeline.ABORTED, "aborted while holding: " + reasons);
        return null;
      }
      found = problems.apply(now);
      interval = interval.multipliedBy(2).compareTo(HOLD_MAX_RECHECK) > 0 ? HOLD_MAX_RECHECK
          : interval.multipliedBy(2);
    }
    message = null;
    timeline.done("healthy again after "
        + Duration.ofMillis(Workflow.currentTimeMillis() - since).toSeconds() + " s");
    setState(RunState.RUNNING);
    return now;
  }

  /** Waits {@code interval} (a named timer in VIEW runs); true when an abort came first. */
  private boolean holdTimer(String stage, Duration interval, String reasons) {
    if (!sequence.atLeast(Sequence.VIEW)) {
      return Workflow.await(interval, this::abortRequested);
    }
    Promise<Void> timer = Workflow.newTimer(interval, TimerOptions.newBuilder()
        .setSummary(stage + " · hold: " + reasons).build());
    Workflow.await(() -> abortRequested() || timer.isCompleted());
    return abortRequested();
  }

  // ---- compensation -----------------------------------------------------------------------

  /**
   * Registers an undo before the step that needs it: it runs, in a detached cancellation scope
   * (an abort cannot cancel it), when the run is rejected, aborted, expires or fails later.
   */
  public void addCompensation(String name, Runnable undo) {
    compensations.push(new Compensation(name, undo));
  }

  /** The undo of the last step is no longer needed (the step closed what it opened). */
  public void dropCompensation(String name) {
    compensations.removeIf(c -> c.name().equals(name));
  }

  /**
   * Runs every registered undo, newest first, each recorded in the timeline; returns what each
   * did (its name, and why it failed when it did).
   */
  private List<String> compensate() {
    List<String> done = new ArrayList<>();
    if (compensations.isEmpty()) {
      return done;
    }
    Workflow.newDetachedCancellationScope(() -> {
      while (!compensations.isEmpty()) {
        Compensation c = compensations.pop();
        timeline.step(Timeline.RUN, UNDO);
        try {
          c.undo().run();
          timeline.finish(Timeline.UNDONE, c.name());
          done.add(c.name());
        } catch (ActivityFailure | ApplicationFailure e) {
          String why = reason(e);
          timeline.finish(Timeline.FAILED, c.name() + ": " + why
              + " (undo it by hand: see the runbook)");
          done.add(c.name() + " (FAILED: " + why + "; undo it by hand)");
          log.error("Undo '{}' failed for {}", c.name(), target, e);
        }
      }
    }).run();
    return done;
  }

  /** A failure's own sentence: an application failure's message without its type and flags. */
  private static String reason(RuntimeException e) {
    Throwable cause = e instanceof ActivityFailure af && af.getCause() != null ? af.getCause() : e;
    return cause instanceof ApplicationFailure app ? app.getOriginalMessage() : cause.getMessage();
  }

  /** How a run that did not complete says what its undos did. */
  private static String undone(List<String> done) {
    return done.isEmpty() ? " Nothing was rolled back automatically."
        : " Undone: " + String.join("; ", done) + ". Nothing else was rolled back automatically.";
  }

  // ---- endings ----------------------------------------------------------------------------

  /**
   * Ends the run as {@code end} with {@code text}; a run that did not complete (rejected,
   * aborted, expired) first runs its compensations.
   */
  public void finish(RunState end, String text) {
    List<String> undos = end != RunState.COMPLETED && end != RunState.DRY_RUN_COMPLETED
        ? compensate() : List.of();
    message = undos.isEmpty() ? text : text + undone(undos);
    decisions.closed();
    openCard = null;
    setState(end);
    log.info("Run for {} ended {}: {}", target == null ? "?" : target, end, text);
  }

  /**
   * How a run ends: a completed run (or dry run) returns {@code result}. In VIEW runs, one that
   * did not complete (rejected, aborted, expired) ends as Failed with that failure type and
   * {@code result} as its details, so that the UI and lists filtered on the execution status show
   * it for what it is (Temporal's Completed means "reached its goal" to an operator).
   */
  public <R> R end(RunState end, String text, R result) {
    return end(end, text, finalMessage -> result);
  }

  /**
   * As {@link #end(RunState, String, Object)}, the result made from the run's final message:
   * {@code text}, and what the compensations undid when they ran.
   */
  public <R> R end(RunState end, String text, Function<String, R> result) {
    finish(end, text);
    R r = result.apply(message);
    if (!sequence.atLeast(Sequence.VIEW) || end == RunState.COMPLETED
        || end == RunState.DRY_RUN_COMPLETED) {
      return r;
    }
    FailureKind kind = end == RunState.REJECTED ? FailureKind.REJECTED
        : end == RunState.ABORTED ? FailureKind.ABORTED : FailureKind.EXPIRED;
    throw ApplicationFailure.newNonRetryableFailure(message, kind.type(), r);
  }

  /**
   * Whether {@code e} is a Temporal cancellation of the run (the UI's Request Cancellation,
   * {@code temporal workflow cancel}) that VIEW runs take as an abort.
   */
  public boolean cancelledByTemporal(RuntimeException e) {
    boolean canceled = e instanceof CanceledFailure
        || (e instanceof ActivityFailure af && af.getCause() instanceof CanceledFailure);
    return canceled && sequence.atLeast(Sequence.VIEW)
        && CancellationScope.current().isCancelRequested();
  }

  /**
   * The run was cancelled through Temporal: recorded as an abort, compensations run (in a
   * detached scope: the cancellation cannot stop them); returns the failure that ends the run
   * Canceled.
   */
  public CanceledFailure cancelled(String afterwards) {
    String text = "Cancelled through Temporal at " + timeline.position() + ": taken as an abort. "
        + afterwards;
    Workflow.newDetachedCancellationScope(() -> {
      timeline.failInProgress("cancelled through Temporal");
      timeline.record(timeline.stage() == null ? Timeline.RUN : timeline.stage(), ABORT,
          Timeline.COMPLETED, text);
      List<String> undos = compensate();
      decisions.closed();
      openCard = null;
      message = undos.isEmpty() ? text : text + undone(undos);
      setState(RunState.ABORTED);
    }).run();
    log.info("Run for {} cancelled through Temporal: {}", target, text);
    return new CanceledFailure(text);
  }

  /**
   * The run was aborted: records where in the timeline and returns the message; end the run with
   * {@link #end} (state ABORTED) and it.
   */
  public String aborted(String afterwards) {
    Decision abort = decisions.abort();
    String text = "Aborted by " + abort.by()
        + (abort.comment() == null ? "" : " (" + abort.comment() + ")")
        + " at " + timeline.position() + ". " + afterwards;
    timeline.record(timeline.stage() == null ? Timeline.RUN : timeline.stage(), ABORT,
        Timeline.COMPLETED, text);
    return text;
  }

  /**
   * Ends the run refused, before anything was changed, with a message that starts with {@link
   * FailureKind#REFUSED}; never returns (it throws).
   *
   * @param kind a refusal kind
   */
  public ApplicationFailure refuse(String why, FailureKind kind) {
    return refuseWith(FailureKind.REFUSED + ": " + why, kind);
  }

  /** Ends the run refused with {@code text} as it is; never returns (it throws). */
  public ApplicationFailure refuseWith(String text, FailureKind kind) {
    return fail(text, kind.type(), true);
  }

  /**
   * Ends the run as failed; never returns (it throws). A refusal raised before anything was
   * changed says so; any other failure first runs the compensations and says nothing else was
   * rolled back.
   */
  private ApplicationFailure fail(String text, String type, boolean nothingChanged) {
    timeline.failInProgress(text);
    message = text + (nothingChanged ? "" : undone(compensate()));
    decisions.closed();
    openCard = null;
    if (target != null) {
      setState(RunState.FAILED);
    } else {
      state = RunState.FAILED;
    }
    throw ApplicationFailure.newNonRetryableFailure(message, type);
  }

  /**
   * Ends the run for a failure raised in the workflow code (a refusal, a failed verification) or
   * by a step that failed for good; never returns.
   */
  public ApplicationFailure failed(RuntimeException e) {
    if (e instanceof ApplicationFailure af && FailureKind.of(af.getType()).ending()) {
      throw af; // how the run ends (see end): not a failure to report again
    }
    if (e instanceof ApplicationFailure af) {
      // raised by the workflow's own code: a plan's refusal, or a failed verification
      String why = af.getOriginalMessage();
      boolean refusal = FailureKind.of(af.getType()).refusal();
      return fail(refusal ? why : timeline.position() + ": " + why, af.getType(), refusal);
    }
    if (e instanceof ActivityFailure af) {
      Throwable cause = af.getCause();
      String type = cause instanceof ApplicationFailure app ? app.getType() : "ActivityFailed";
      String why = cause instanceof ApplicationFailure app ? app.getOriginalMessage()
          : cause == null ? af.getMessage() : cause.getMessage();
      return fail(timeline.position() + " failed: " + why, type, false);
    }
    throw e;
  }

  public void setState(RunState next) {
    state = next;
    refreshDetails();
    if (current() && target != null) {
      Workflow.upsertTypedSearchAttributes(SearchAttributes.STATE.valueSet(next.name()));
    }
  }

  public RunState state() {
    return state;
  }

  public List<Decision> decisions() {
    return decisions.all();
  }
}
