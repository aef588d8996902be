package dev.underway.workflows.evolution;

import dev.underway.activities.DatabaseActivities;
import dev.underway.activities.Failures;
import dev.underway.activities.PlatformActivities;
import dev.underway.model.ChangeResult;
import dev.underway.model.ClusterObservation;
import dev.underway.model.Decision;
import dev.underway.model.DecisionKind;
import dev.underway.model.DecisionRequest;
import dev.underway.model.DecisionSignal;
import dev.underway.model.EvolutionRequest;
import dev.underway.model.EvolutionResult;
import dev.underway.model.EvolutionStatus;
import dev.underway.model.GateView;
import dev.underway.model.Phase;
import dev.underway.model.PhasePlan;
import dev.underway.model.RunState;
import dev.underway.model.TargetRef;
import dev.underway.model.TimelineEntry;
import io.temporal.activity.ActivityOptions;
import io.temporal.common.RetryOptions;
import io.temporal.failure.ActivityFailure;
import io.temporal.failure.ApplicationFailure;
import io.temporal.failure.CanceledFailure;
import io.temporal.workflow.CancellationScope;
import io.temporal.workflow.Workflow;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Supplier;
import org.slf4j.Logger;

/**
 * For each phase: observe, hold while unhealthy, plan, gate, re-check that the cluster is still
 * the one the plan was computed from (else the gate reopens), then lock constraints, scale,
 * wait, replicate, reader path, verify, relax constraints. See {@link ClusterEvolutionWorkflow}
 * for the names operators use.
 *
 * <p>Polling lives in the activities (heartbeating waits), never in loops here, so a run's
 * history stays small however long a wait takes; the one loop here, holding on an unhealthy
 * cluster, re-checks at growing intervals (at most every {@link #HOLD_MAX_RECHECK}).
 *
 * <p>Runs started before the {@value #SAFETY_CHANGE} version (recorded histories) replay the
 * first release's command sequence: no re-check, no holding, decisions without freshness checks,
 * only waits cancelled by an abort, the first release's request rules.
 */
public class ClusterEvolutionWorkflowImpl implements ClusterEvolutionWorkflow {

  private static final Logger log = Workflow.getLogger(ClusterEvolutionWorkflowImpl.class);

  /** How every refusal starts: nothing was changed. */
  static final String REFUSED = Planner.REFUSED;

  /**
   * The change id of the second command sequence: request rules v1, the UnderwayState search
   * attribute, holding on an unhealthy cluster, re-checking after approval, fresh decisions, an
   * abort that cancels any step.
   */
  static final String SAFETY_CHANGE = "operator-safety";
  static final int SAFETY = 1;

  /** A dead worker's step moves to another worker after this long without a heartbeat. */
  static final Duration HEARTBEAT_TIMEOUT = Duration.ofMinutes(2);

  /** The first re-check of a holding run; the interval doubles up to the maximum. */
  static final Duration HOLD_FIRST_RECHECK = Duration.ofSeconds(15);
  static final Duration HOLD_MAX_RECHECK = Duration.ofMinutes(5);

  /** Observations: quick, read-only, retried for a while. */
  static final ActivityOptions OBSERVE = ActivityOptions.newBuilder()
      .setStartToCloseTimeout(Duration.ofMinutes(2))
      .setHeartbeatTimeout(HEARTBEAT_TIMEOUT)
      .setRetryOptions(RetryOptions.newBuilder()
          .setInitialInterval(Duration.ofSeconds(1))
          .setMaximumInterval(Duration.ofSeconds(30))
          .setMaximumAttempts(20)
          .build())
      .build();

  /**
   * Changes: idempotent, so a retry after a crash converges instead of repeating. Long ones (a
   * base backup) heartbeat, so a dead worker's change moves on within the heartbeat timeout.
   */
  static final ActivityOptions CHANGE = ActivityOptions.newBuilder()
      .setStartToCloseTimeout(Duration.ofMinutes(30))
      .setHeartbeatTimeout(HEARTBEAT_TIMEOUT)
      .setRetryOptions(RetryOptions.newBuilder()
          .setInitialInterval(Duration.ofSeconds(2))
          .setMaximumInterval(Duration.ofMinutes(1))
          .setMaximumAttempts(10)
          .build())
      .build();

  /** Waits: long, heartbeating; a dead worker is noticed within the heartbeat timeout. */
  static final ActivityOptions WAIT = ActivityOptions.newBuilder()
      .setStartToCloseTimeout(Duration.ofHours(12))
      .setHeartbeatTimeout(HEARTBEAT_TIMEOUT)
      .setRetryOptions(RetryOptions.newBuilder()
          .setInitialInterval(Duration.ofSeconds(5))
          .setMaximumInterval(Duration.ofMinutes(1))
          .setMaximumAttempts(20)
          .build())
      .build();

  private final PlatformActivities observePlatform =
      Workflow.newActivityStub(PlatformActivities.class, OBSERVE);
  private final DatabaseActivities observeDatabase =
      Workflow.newActivityStub(DatabaseActivities.class, OBSERVE);
  private final PlatformActivities changePlatform =
      Workflow.newActivityStub(PlatformActivities.class, CHANGE);
  private final DatabaseActivities changeDatabase =
      Workflow.newActivityStub(DatabaseActivities.class, CHANGE);
  private final PlatformActivities waitPlatform =
      Workflow.newActivityStub(PlatformActivities.class, WAIT);
  private final DatabaseActivities waitDatabase =
      Workflow.newActivityStub(DatabaseActivities.class, WAIT);

  /** The Temporal address operators use, for the commands a gate prints; null: the default. */
  private final String temporalAddress;

  // Run state, read by the status query. Only workflow code and handlers touch it.
  private EvolutionRequest request;
  private TargetRef target;
  private int version = Workflow.DEFAULT_VERSION;
  private RunState state = RunState.RUNNING;
  private String currentPhase;
  private String currentStep;
  private String message;
  private final List<PhasePlan> plans = new ArrayList<>();
  private final List<TimelineEntry> timeline = new ArrayList<>();
  private final List<String> phasesDone = new ArrayList<>();
  private final GateDecisions decisions = new GateDecisions();

  /** The scope of the step in progress, cancelled by an abort. */
  private CancellationScope stepScope;

  public ClusterEvolutionWorkflowImpl() {
    this(null);
  }

  /**
   * @param temporalAddress the address operators reach this run's Temporal at, printed in the
   *     gate's commands when it is not the default; null when unknown (the default is printed)
   */
  public ClusterEvolutionWorkflowImpl(String temporalAddress) {
    this.temporalAddress = temporalAddress;
  }

  @Override
  public EvolutionResult evolve(EvolutionRequest input) {
    this.request = input;
    this.target = input == null ? null : input.target();
    version = Workflow.getVersion(SAFETY_CHANGE, Workflow.DEFAULT_VERSION, SAFETY);
    decisions.configure(input == null ? null : input.approvalOrDefault(),
        input == null ? null : input.requestedBy(), safe());
    step("run", Steps.VALIDATE);
    List<String> problems = RequestValidation.problems(input,
        safe() ? RequestValidation.CURRENT_RULES : 0);
    String expectedId = target == null || problems.size() > 0
        ? null : ClusterEvolutionWorkflow.workflowId(target);
    String actualId = Workflow.getInfo().getWorkflowId();
    if (expectedId != null && !input.isDryRun() && !expectedId.equals(actualId)) {
      problems.add("the workflow id is '" + actualId + "' but a run for " + target.key()
          + " must use '" + expectedId + "', so that only one run per target can exist");
    }
    if (!problems.isEmpty()) {
      String text = REFUSED + ": " + String.join("; ", problems);
      return fail(text, Failures.INVALID_REQUEST);
    }
    done("request is valid");
    if (safe()) {
      Workflow.upsertTypedSearchAttributes(
          SearchAttributes.TARGET.valueSet(target.key()),
          SearchAttributes.OPEN_GATE.valueSet(""),
          SearchAttributes.STATE.valueSet(RunState.RUNNING.name()));
    } else {
      Workflow.upsertTypedSearchAttributes(
          SearchAttributes.TARGET.valueSet(target.key()),
          SearchAttributes.OPEN_GATE.valueSet(""));
    }

    List<Phase> phases = input.phasesOrDefault();
    try {
      return input.isDryRun() ? dryRun(phases) : evolve(phases);
    } catch (ApplicationFailure e) {
      String why = e.getOriginalMessage();
      return fail(why.startsWith(REFUSED) ? why : stoppedAt() + ": " + why, e.getType());
    } catch (ActivityFailure e) {
      Throwable cause = e.getCause();
      String type = cause instanceof ApplicationFailure af ? af.getType() : "ActivityFailed";
      String why = cause instanceof ApplicationFailure af ? af.getOriginalMessage()
          : cause == null ? e.getMessage() : cause.getMessage();
      return fail(stoppedAt() + " failed: " + why, type);
    }
  }

  /** Whether this run follows the second command sequence ({@link #SAFETY_CHANGE}). */
  private boolean safe() {
    return version >= SAFETY;
  }

  private EvolutionResult dryRun(List<Phase> phases) {
    ClusterObservation observed = observe("run");
    for (Phase phase : phases) {
      currentPhase = phase.name();
      step(phase.name(), Steps.PLAN);
      PhasePlan plan = Planner.plan(target, observed, phase);
      plans.add(plan);
      done(plan.alreadyThere() ? "already there" : plan.changes().size() + " change(s)");
      observed = Planner.project(observed, plan);
    }
    currentPhase = null;
    currentStep = null;
    return finish(RunState.DRY_RUN_COMPLETED, null,
        "Dry run: " + plans.size() + " phase plan(s) computed, nothing was changed.");
  }

  private EvolutionResult evolve(List<Phase> phases) {
    for (Phase phase : phases) {
      currentPhase = phase.name();
      Workflow.upsertTypedSearchAttributes(SearchAttributes.PHASE.valueSet(phase.name()));
      if (decisions.abort() != null) {
        return aborted();
      }
      ClusterObservation observed = observe(phase.name());
      if (observed == null) {
        return aborted();
      }
      PhasePlan plan;
      while (true) { // until an approved plan still describes the cluster
        observed = holdWhileUnhealthy(phase.name(), observed);
        if (observed == null) {
          return aborted();
        }
        step(phase.name(), Steps.PLAN);
        plan = Planner.plan(target, observed, phase);
        plans.add(plan);
        if (plan.alreadyThere()) {
          break;
        }
        done(plan.changes().size() + " change(s)");
        Decision decision = gate(phase, plan);
        if (decision == null) {
          return finish(RunState.EXPIRED, phase.name() + "/" + Steps.GATE,
              "Gate " + phase.name() + " expired after " + request.approvalOrDefault().gateExpiry()
                  + " without a decision: the run ended there, nothing after it was done,"
                  + " nothing was rolled back. Phases done: " + phasesDone + ".");
        }
        if (decision.kind() == DecisionKind.ABORT) {
          return aborted();
        }
        if (decision.kind() == DecisionKind.REJECT) {
          return finish(RunState.REJECTED, phase.name() + "/" + Steps.GATE,
              "Gate " + phase.name() + " rejected by " + decision.by() + " ("
                  + decision.comment() + "): the run stopped before changing anything in this"
                  + " phase. Nothing was rolled back automatically. Phases done: " + phasesDone
                  + ".");
        }
        if (!safe()) {
          break;
        }
        ClusterObservation now = observe(phase.name());
        now = now == null ? null : holdWhileUnhealthy(phase.name(), now);
        if (now == null) {
          return aborted();
        }
        step(phase.name(), Steps.RECHECK);
        List<String> moved = ShapeChanges.between(observed, now);
        if (moved.isEmpty()) {
          done("the cluster is as the approved plan saw it");
          break;
        }
        finishStep(Steps.CHANGED, "the cluster changed since the plan was computed ("
            + String.join("; ", moved) + "): nothing was changed; gate " + phase.name()
            + " reopens with a new plan");
        observed = now;
      }
      if (plan.alreadyThere()) {
        skipped("already there: " + phase.nodes() + " node(s), RF " + phase.replicationFactor()
            + (phase.wantsReaderPath() ? ", reader path" : "") + "; no gate needed");
        phasesDone.add(phase.name());
        continue;
      }
      if (!apply(phase, plan)) {
        return aborted();
      }
      phasesDone.add(phase.name());
    }
    currentStep = null;
    currentPhase = null;
    return finish(RunState.COMPLETED, null,
        target.key() + " reached " + phases.get(phases.size() - 1).name() + ". Phases done: "
            + phasesDone + ".");
  }

  /** Carries out an approved plan. Returns false when an abort stopped it. */
  private boolean apply(Phase phase, PhasePlan plan) {
    String p = phase.name();
    if (plan.disruptionBudgetDuring() != null) {
      if (!change(p, Steps.LOCK_CONSTRAINTS, () -> changePlatform.applyDisruptionBudget(
          target, plan.disruptionBudgetDuring()))) {
        return false;
      }
    }
    if (plan.scaleTo() != null) {
      if (!change(p, Steps.SCALE, () -> changePlatform.scaleNodes(target, plan.scaleTo()))) {
        return false;
      }
    }
    if (!await(p, Steps.AWAIT_PODS_READY, () -> {
      var r = waitPlatform.awaitNodesReady(target, phase.nodes());
      return r.ready() + " of " + r.wanted() + " pods Ready";
    })) {
      return false;
    }
    if (!await(p, Steps.AWAIT_NODES_LIVE, () -> {
      var r = waitDatabase.awaitLiveNodes(target, phase.nodes());
      return r.ready() + " of " + r.wanted() + " nodes live";
    })) {
      return false;
    }
    if (!plan.zonesToChange().isEmpty()) {
      if (!change(p, Steps.SET_REPLICATION, () -> changeDatabase.setReplicationFactor(
          target, phase.replicationFactor()))) {
        return false;
      }
      if (!await(p, Steps.AWAIT_REPLICATION, () -> {
        var r = waitDatabase.awaitReplicated(target, Planner.CLEAN_READINGS_REQUIRED);
        return "no under-replicated or unavailable ranges on " + r.consecutiveCleanReadings()
            + " consecutive readings";
      })) {
        return false;
      }
    }
    if (phase.wantsReaderPath()) {
      if (!change(p, Steps.READER_USER, () -> changeDatabase.ensureReadOnlyUser(target))) {
        return false;
      }
      if (!change(p, Steps.READER_SERVICE, () -> changePlatform.ensureReaderService(target))) {
        return false;
      }
    }
    step(p, Steps.VERIFY);
    ClusterObservation verified = cancellable(this::observeNow);
    if (verified == null) {
      return false;
    }
    List<String> left = Planner.discrepancies(target, verified, phase);
    if (!left.isEmpty()) {
      throw ApplicationFailure.newNonRetryableFailure(
          "the changes were made but the cluster does not show " + p + ": "
              + String.join("; ", left), Failures.VERIFICATION_FAILED);
    }
    done(phase.nodes() + " node(s), RF " + phase.replicationFactor() + " on every zone"
        + (phase.wantsReaderPath() ? ", reader path present" : ""));
    if (plan.disruptionBudgetAfter() != null) {
      if (!change(p, Steps.RELAX_CONSTRAINTS, () -> changePlatform.applyDisruptionBudget(
          target, plan.disruptionBudgetAfter()))) {
        return false;
      }
    }
    step(p, Steps.DONE);
    done(p + " done");
    return true;
  }

  /**
   * Holds while the cluster is unhealthy ({@link Health}): state HOLDING, the reason in the
   * status, re-checked at growing intervals. Returns the first healthy observation, the given one
   * when it is healthy already, or null when an abort stopped the hold. Runs that predate holding
   * go on at once (their gates carry the health warnings instead).
   */
  private ClusterObservation holdWhileUnhealthy(String phase, ClusterObservation observed) {
    List<String> problems = safe() ? Health.problems(observed) : List.of();
    if (problems.isEmpty()) {
      return observed;
    }
    step(phase, Steps.HOLD);
    setState(RunState.HOLDING);
    long since = Workflow.currentTimeMillis();
    Duration interval = HOLD_FIRST_RECHECK;
    ClusterObservation now = observed;
    while (!problems.isEmpty()) {
      String reasons = String.join("; ", problems);
      message = "Holding at " + phase + " because the cluster is unhealthy: " + reasons
          + ". Nothing is changed while holding; re-checking every " + interval
          + " (up to " + HOLD_MAX_RECHECK + "). Fix the cluster, or abort the run.";
      updateDetail(reasons + "; next check at "
          + Instant.ofEpochMilli(Workflow.currentTimeMillis()).plus(interval));
      log.warn("Holding {} at {}: {}", target.key(), phase, reasons);
      if (Workflow.await(interval, () -> decisions.abort() != null)) {
        message = null;
        finishStep(Steps.ABORTED, "aborted while holding: " + reasons);
        return null;
      }
      now = cancellable(this::observeNow);
      if (now == null) {
        message = null;
        finishStep(Steps.ABORTED, "aborted while holding: " + reasons);
        return null;
      }
      problems = Health.problems(now);
      interval = interval.multipliedBy(2).compareTo(HOLD_MAX_RECHECK) > 0 ? HOLD_MAX_RECHECK
          : interval.multipliedBy(2);
    }
    message = null;
    done("healthy again after "
        + Duration.ofMillis(Workflow.currentTimeMillis() - since).toSeconds() + " s");
    setState(RunState.RUNNING);
    return now;
  }

  /** Opens a gate and waits for a decision. Null means the gate expired. */
  private Decision gate(Phase phase, PhasePlan plan) {
    step(phase.name(), Steps.GATE);
    Duration expiry = RequestValidation.gateExpiry(request.approvalOrDefault());
    String opened = now();
    String expires = expiry == null ? null
        : Instant.ofEpochMilli(Workflow.currentTimeMillis()).plus(expiry).toString();
    String workflowId = Workflow.getInfo().getWorkflowId();
    String digest = safe() ? PlanDigest.of(target, plan) : null;
    String text = Planner.gateText(target, plan)
        + new DecideCommands(temporalAddress, Workflow.getInfo().getNamespace())
            .text(workflowId, phase.name(), digest);
    decisions.opened(new GateView(phase.name(), phase.name(), text, opened, expires, digest));
    if (safe()) {
      state = RunState.WAITING_FOR_APPROVAL;
      Workflow.upsertTypedSearchAttributes(SearchAttributes.OPEN_GATE.valueSet(phase.name()),
          SearchAttributes.STATE.valueSet(state.name()));
    } else {
      state = RunState.WAITING_FOR_APPROVAL;
      Workflow.upsertTypedSearchAttributes(SearchAttributes.OPEN_GATE.valueSet(phase.name()));
    }
    log.info("Gate {} open for {}; waiting for a decision", phase.name(), target.key());

    boolean decided;
    if (expiry == null) {
      Workflow.await(() -> decisions.pending() != null || decisions.abort() != null);
      decided = true;
    } else {
      decided = Workflow.await(expiry,
          () -> decisions.pending() != null || decisions.abort() != null);
    }
    decisions.closed();
    state = RunState.RUNNING;
    if (safe()) {
      Workflow.upsertTypedSearchAttributes(SearchAttributes.OPEN_GATE.valueSet(""),
          SearchAttributes.STATE.valueSet(state.name()));
    } else {
      Workflow.upsertTypedSearchAttributes(SearchAttributes.OPEN_GATE.valueSet(""));
    }
    if (!decided) {
      finishStep(Steps.EXPIRED, "no decision within " + expiry
          + "; recorded as expired, not approved");
      return null;
    }
    Decision d = decisions.abort() != null ? decisions.abort() : decisions.pending();
    String verb = switch (d.kind()) {
      case APPROVE -> "approved";
      case REJECT -> "rejected";
      case ABORT -> "aborted";
    };
    finishStep(verb, verb + " by " + d.by() + " at " + d.at()
        + (d.comment() == null ? "" : ": " + d.comment()));
    return d;
  }

  // ---- decisions -------------------------------------------------------------------------

  @Override
  public void approve(DecisionSignal s) {
    receive(DecisionKind.APPROVE, s, "signal");
  }

  @Override
  public void reject(DecisionSignal s) {
    receive(DecisionKind.REJECT, s, "signal");
  }

  @Override
  public void abort(DecisionSignal s) {
    receive(DecisionKind.ABORT, s, "signal");
  }

  @Override
  public void validateDecide(DecisionRequest r) {
    if (r == null) {
      throw new IllegalArgumentException(
          "empty decision: send {\"gate\": ..., \"decision\": \"approve|reject|abort\", \"by\": ...}");
    }
    DecisionKind kind = DecisionKind.parse(r.decision());
    if (kind == null) {
      throw new IllegalArgumentException("decision '" + r.decision()
          + "' is not one of approve, reject, abort");
    }
    GateView open = decisions.open();
    if (kind != DecisionKind.ABORT && (r.gate() == null || r.gate().isBlank())) {
      throw new IllegalArgumentException("name the gate you decide"
          + (open == null ? " (no gate is open now)" : " (open now: " + open.gate() + ")"));
    }
    String refusal = decisions.refusal(kind, r.asSignal(), position(),
        Workflow.currentTimeMillis());
    if (refusal != null) {
      throw new IllegalArgumentException(refusal);
    }
  }

  @Override
  public Decision decide(DecisionRequest r) {
    return receive(DecisionKind.parse(r.decision()), r.asSignal(), "update");
  }

  /** Records every decision received; acts only on those the policy accepts. */
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

  private GateDecisions.Position position() {
    return new GateDecisions.Position(state.terminal(), state.name(),
        currentStep == null ? null : stoppedAt(), currentPhase);
  }

  @Override
  public EvolutionStatus status() {
    return new EvolutionStatus(state, target == null ? null : target.key(),
        request == null ? null : request.requestedBy(), request != null && request.isDryRun(),
        currentPhase, currentStep, decisions.open(), List.copyOf(plans), decisions.all(),
        List.copyOf(timeline), message);
  }

  // ---- steps -----------------------------------------------------------------------------

  /** Observes as a step of its own; null when an abort stopped it. */
  private ClusterObservation observe(String phase) {
    step(phase, Steps.OBSERVE);
    ClusterObservation o = cancellable(this::observeNow);
    if (o == null) {
      finishStep(Steps.ABORTED, "aborted while observing");
      return null;
    }
    done(o.platform().desiredNodes() + " node(s) (" + o.platform().readyNodes() + " Ready, "
        + o.database().liveNodes() + " live), RF " + o.effectiveReplicationFactor()
        + ", reader user " + (o.database().readerUserExists() ? "present" : "absent")
        + ", reader Service " + (o.platform().readerServiceExists() ? "present" : "absent"));
    return o;
  }

  private ClusterObservation observeNow() {
    return new ClusterObservation(observePlatform.observe(target), observeDatabase.observe(target));
  }

  /**
   * Runs a step's activities in a scope an abort cancels, so an abort takes effect at once even
   * while the step is being retried. Null when an abort stopped it (or had already been
   * accepted). An attempt already running may still finish its (idempotent) change. Runs that
   * predate this run the step uncancelled, as they did.
   */
  private <T> T cancellable(Supplier<T> call) {
    if (decisions.abort() != null) {
      return null;
    }
    if (!safe()) {
      return call.get();
    }
    List<T> result = new ArrayList<>(1);
    return inScope(() -> result.add(call.get())) ? result.get(0) : null;
  }

  /** Runs {@code body} in {@link #stepScope}; false when an abort cancelled it. */
  private boolean inScope(Runnable body) {
    stepScope = Workflow.newCancellationScope(body);
    try {
      stepScope.run();
      return true;
    } catch (ActivityFailure e) {
      if (decisions.abort() != null && e.getCause() instanceof CanceledFailure) {
        return false;
      }
      throw e;
    } catch (CanceledFailure e) {
      if (decisions.abort() != null) {
        return false;
      }
      throw e;
    } finally {
      stepScope = null;
    }
  }

  /** A mutating step. Returns false when an abort was accepted before or during it. */
  private boolean change(String phase, String step, Supplier<ChangeResult> action) {
    if (decisions.abort() != null) {
      return false;
    }
    step(phase, step);
    ChangeResult r = cancellable(action);
    if (r == null) {
      finishStep(Steps.ABORTED, "aborted: the step was cancelled; an attempt already running"
          + " may still complete its change (it is idempotent: a new run converges)");
      return false;
    }
    done(r.object() + ": " + r.outcome().name().toLowerCase() + " (" + r.detail() + ")");
    return true;
  }

  /** A wait; an abort cancels it. Returns false when aborted. */
  private boolean await(String phase, String step, Supplier<String> wait) {
    if (decisions.abort() != null) {
      return false;
    }
    step(phase, step);
    String[] detail = new String[1];
    if (!inScope(() -> detail[0] = wait.get())) {
      return false;
    }
    done(detail[0]);
    return true;
  }

  private void setState(RunState next) {
    state = next;
    if (safe()) {
      Workflow.upsertTypedSearchAttributes(SearchAttributes.STATE.valueSet(next.name()));
    }
  }

  private void step(String phase, String step) {
    currentPhase = "run".equals(phase) ? currentPhase : phase;
    currentStep = step;
    timeline.add(new TimelineEntry(phase, step, Steps.STARTED, now(), null));
  }

  private void done(String detail) {
    finishStep(Steps.COMPLETED, detail);
  }

  private void skipped(String detail) {
    finishStep(Steps.SKIPPED, detail);
  }

  private void finishStep(String stepState, String detail) {
    TimelineEntry last = timeline.get(timeline.size() - 1);
    timeline.set(timeline.size() - 1,
        new TimelineEntry(last.phase(), last.step(), stepState, last.at(), detail));
  }

  /** Says how a step in progress is going, without ending it. */
  private void updateDetail(String detail) {
    finishStep(Steps.STARTED, detail);
  }

  private EvolutionResult aborted() {
    Decision abort = decisions.abort();
    String where = stoppedAt();
    String text = "Aborted by " + abort.by()
        + (abort.comment() == null ? "" : " (" + abort.comment() + ")")
        + " at " + where + ". Phases done: " + phasesDone + ". Steps already done stay done;"
        + " nothing was rolled back automatically. Check the status timeline before starting a"
        + " new run.";
    timeline.add(new TimelineEntry(currentPhase == null ? "run" : currentPhase, "abort",
        Steps.COMPLETED, now(), text));
    return finish(RunState.ABORTED, where, text);
  }

  private EvolutionResult finish(RunState end, String stoppedAt, String text) {
    setState(end);
    message = text;
    decisions.closed();
    log.info("Run for {} ended {}: {}", target == null ? "?" : target.key(), end, text);
    return new EvolutionResult(end, stoppedAt, text, List.copyOf(phasesDone), List.copyOf(plans),
        decisions.all());
  }

  /** Ends the run as failed, keeping the reason in the status; never returns. */
  private EvolutionResult fail(String text, String type) {
    if (!timeline.isEmpty()) {
      TimelineEntry last = timeline.get(timeline.size() - 1);
      if (Steps.STARTED.equals(last.state())) {
        finishStep(Steps.FAILED, text);
      }
    }
    message = text + (text.startsWith(REFUSED) ? ""
        : " Nothing was rolled back automatically.");
    decisions.closed();
    if (target != null) {
      setState(RunState.FAILED);
    } else {
      state = RunState.FAILED;
    }
    throw ApplicationFailure.newNonRetryableFailure(message, type);
  }

  private String stoppedAt() {
    return (currentPhase == null ? "run" : currentPhase) + "/"
        + (currentStep == null ? "start" : currentStep);
  }

  private static String now() {
    return Instant.ofEpochMilli(Workflow.currentTimeMillis()).toString();
  }
}
