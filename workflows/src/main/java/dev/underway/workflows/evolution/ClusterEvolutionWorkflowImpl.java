package dev.underway.workflows.evolution;

import dev.underway.activities.DatabaseActivities;
import dev.underway.activities.Failures;
import dev.underway.activities.PlatformActivities;
import dev.underway.model.ApprovalPolicy;
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
 * For each phase: observe, plan, gate, then lock constraints, scale, wait, replicate, reader path,
 * verify, relax constraints. See {@link ClusterEvolutionWorkflow} for the names operators use.
 *
 * <p>Polling lives in the activities (heartbeating waits), never in loops here, so a run's
 * history stays small however long a wait takes.
 */
public class ClusterEvolutionWorkflowImpl implements ClusterEvolutionWorkflow {

  private static final Logger log = Workflow.getLogger(ClusterEvolutionWorkflowImpl.class);

  /** How every refusal starts: nothing was changed. */
  static final String REFUSED = Planner.REFUSED;

  /** Observations: quick, read-only, retried for a while. */
  static final ActivityOptions OBSERVE = ActivityOptions.newBuilder()
      .setStartToCloseTimeout(Duration.ofMinutes(2))
      .setRetryOptions(RetryOptions.newBuilder()
          .setInitialInterval(Duration.ofSeconds(1))
          .setMaximumInterval(Duration.ofSeconds(30))
          .setMaximumAttempts(20)
          .build())
      .build();

  /** Changes: idempotent, so a retry after a crash converges instead of repeating. */
  static final ActivityOptions CHANGE = ActivityOptions.newBuilder()
      .setStartToCloseTimeout(Duration.ofMinutes(5))
      .setRetryOptions(RetryOptions.newBuilder()
          .setInitialInterval(Duration.ofSeconds(2))
          .setMaximumInterval(Duration.ofMinutes(1))
          .setMaximumAttempts(10)
          .build())
      .build();

  /** Waits: long, heartbeating; a dead worker is noticed within the heartbeat timeout. */
  static final ActivityOptions WAIT = ActivityOptions.newBuilder()
      .setStartToCloseTimeout(Duration.ofHours(12))
      .setHeartbeatTimeout(Duration.ofMinutes(2))
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

  // Run state, read by the status query. Only workflow code and handlers touch it.
  private EvolutionRequest request;
  private TargetRef target;
  private RunState state = RunState.RUNNING;
  private String currentPhase;
  private String currentStep;
  private GateView openGate;
  private String message;
  private final List<PhasePlan> plans = new ArrayList<>();
  private final List<Decision> decisions = new ArrayList<>();
  private final List<TimelineEntry> timeline = new ArrayList<>();
  private final List<String> phasesDone = new ArrayList<>();

  /** The accepted decision for the open gate, set by a handler, consumed by the gate. */
  private Decision pendingDecision;
  /** An accepted abort; takes effect at the gate or the next step boundary. */
  private Decision abortDecision;
  /** The scope of the wait in progress, cancelled by an abort. */
  private CancellationScope waitScope;

  @Override
  public EvolutionResult evolve(EvolutionRequest input) {
    this.request = input;
    this.target = input == null ? null : input.target();
    step("run", Steps.VALIDATE);
    List<String> problems = RequestValidation.problems(input);
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
    Workflow.upsertTypedSearchAttributes(
        SearchAttributes.TARGET.valueSet(target.key()),
        SearchAttributes.OPEN_GATE.valueSet(""));

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
      if (abortDecision != null) {
        return aborted();
      }
      ClusterObservation observed = observe(phase.name());
      step(phase.name(), Steps.PLAN);
      PhasePlan plan = Planner.plan(target, observed, phase);
      plans.add(plan);
      if (plan.alreadyThere()) {
        skipped("already there: " + phase.nodes() + " node(s), RF " + phase.replicationFactor()
            + (phase.wantsReaderPath() ? ", reader path" : "") + "; no gate needed");
        phasesDone.add(phase.name());
        continue;
      }
      done(plan.changes().size() + " change(s)");

      Decision decision = gate(phase, plan);
      if (decision == null) {
        return finish(RunState.EXPIRED, phase.name() + "/" + Steps.GATE,
            "Gate " + phase.name() + " expired after " + request.approvalOrDefault().gateExpiry()
                + " without a decision: the run ended there, nothing after it was done, nothing"
                + " was rolled back. Phases done: " + phasesDone + ".");
      }
      if (decision.kind() == DecisionKind.ABORT) {
        return aborted();
      }
      if (decision.kind() == DecisionKind.REJECT) {
        return finish(RunState.REJECTED, phase.name() + "/" + Steps.GATE,
            "Gate " + phase.name() + " rejected by " + decision.by() + " (" + decision.comment()
                + "): the run stopped before changing anything in this phase. Nothing was rolled"
                + " back automatically. Phases done: " + phasesDone + ".");
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
    List<String> left = Planner.discrepancies(target, observeNow(), phase);
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

  /** Opens a gate and waits for a decision. Null means the gate expired. */
  private Decision gate(Phase phase, PhasePlan plan) {
    step(phase.name(), Steps.GATE);
    Duration expiry = RequestValidation.gateExpiry(request.approvalOrDefault());
    String opened = now();
    String expires = expiry == null ? null
        : Instant.ofEpochMilli(Workflow.currentTimeMillis()).plus(expiry).toString();
    openGate = new GateView(phase.name(), phase.name(),
        Planner.gateText(target, plan, Workflow.getInfo().getWorkflowId()), opened, expires);
    state = RunState.WAITING_FOR_APPROVAL;
    pendingDecision = null;
    Workflow.upsertTypedSearchAttributes(SearchAttributes.OPEN_GATE.valueSet(phase.name()));
    log.info("Gate {} open for {}; waiting for a decision", phase.name(), target.key());

    boolean decided;
    if (expiry == null) {
      Workflow.await(() -> pendingDecision != null || abortDecision != null);
      decided = true;
    } else {
      decided = Workflow.await(expiry, () -> pendingDecision != null || abortDecision != null);
    }
    openGate = null;
    state = RunState.RUNNING;
    Workflow.upsertTypedSearchAttributes(SearchAttributes.OPEN_GATE.valueSet(""));
    if (!decided) {
      finishStep(Steps.EXPIRED, "no decision within " + expiry
          + "; recorded as expired, not approved");
      return null;
    }
    Decision d = abortDecision != null ? abortDecision : pendingDecision;
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
    if (kind != DecisionKind.ABORT && (r.gate() == null || r.gate().isBlank())) {
      throw new IllegalArgumentException("name the gate you decide"
          + (openGate == null ? " (no gate is open now)" : " (open now: " + openGate.gate() + ")"));
    }
    String refusal = refusal(kind, r.gate(), r.by());
    if (refusal != null) {
      throw new IllegalArgumentException(refusal);
    }
  }

  @Override
  public Decision decide(DecisionRequest r) {
    return receive(DecisionKind.parse(r.decision()),
        new DecisionSignal(r.gate(), r.by(), r.comment()), "update");
  }

  /** Records every decision received; acts only on those the policy accepts. */
  private Decision receive(DecisionKind kind, DecisionSignal s, String via) {
    String gate = s == null ? null : s.gate();
    String by = s == null ? null : s.by();
    String comment = s == null ? null : s.comment();
    String refusal = refusal(kind, gate, by);
    String decided = gate != null && !gate.isBlank() ? gate
        : openGate != null ? openGate.gate() : currentPhase;
    Decision d = new Decision(decided, kind, by, now(), comment, refusal == null, refusal, via);
    decisions.add(d);
    if (refusal != null) {
      log.warn("Ignored {} {} from {}: {}", via, kind.json(), by, refusal);
      return d;
    }
    if (kind == DecisionKind.ABORT) {
      abortDecision = d;
      if (waitScope != null) {
        waitScope.cancel("aborted by " + by);
      }
    } else {
      pendingDecision = d;
    }
    return d;
  }

  /** Why a decision cannot be accepted now, or null when it can. */
  private String refusal(DecisionKind kind, String gate, String by) {
    if (state.terminal()) {
      return "the run has already ended (" + state + ")";
    }
    if (by == null || by.isBlank()) {
      return "say who decides: 'by' is missing";
    }
    ApprovalPolicy policy = request == null ? ApprovalPolicy.ANYONE : request.approvalOrDefault();
    if (!policy.mayDecide(by)) {
      return by + " is not an approver of this run (approvers: " + policy.approvers() + ")";
    }
    if (kind == DecisionKind.ABORT) {
      if (abortDecision != null) {
        return "an abort was already accepted from " + abortDecision.by();
      }
      if (gate != null && !gate.isBlank() && openGate != null && !gate.equals(openGate.gate())) {
        return "gate '" + gate + "' is not open (open now: " + openGate.gate() + ")";
      }
      return null;
    }
    if (openGate == null) {
      return "no gate is open" + (currentStep == null ? "" : " (the run is at " + stoppedAt() + ")")
          + (gate == null ? "" : ": gate '" + gate + "' is not open");
    }
    if (gate != null && !gate.isBlank() && !gate.equals(openGate.gate())) {
      return "gate '" + gate + "' is not open (open now: " + openGate.gate() + ")";
    }
    if (pendingDecision != null) {
      return "gate " + openGate.gate() + " was already decided by " + pendingDecision.by();
    }
    if (kind == DecisionKind.APPROVE && !policy.selfApprovalAllowed()
        && by.equals(request.requestedBy())) {
      return by + " requested this run and may not approve it (allowSelfApproval is false)";
    }
    return null;
  }

  @Override
  public EvolutionStatus status() {
    return new EvolutionStatus(state, target == null ? null : target.key(),
        request == null ? null : request.requestedBy(), request != null && request.isDryRun(),
        currentPhase, currentStep, openGate, List.copyOf(plans), List.copyOf(decisions),
        List.copyOf(timeline), message);
  }

  // ---- steps -----------------------------------------------------------------------------

  private ClusterObservation observe(String phase) {
    step(phase, Steps.OBSERVE);
    ClusterObservation o = observeNow();
    done(o.platform().desiredNodes() + " node(s) (" + o.platform().readyNodes() + " Ready, "
        + o.database().liveNodes() + " live), RF " + o.effectiveReplicationFactor()
        + ", reader user " + (o.database().readerUserExists() ? "present" : "absent")
        + ", reader Service " + (o.platform().readerServiceExists() ? "present" : "absent"));
    return o;
  }

  private ClusterObservation observeNow() {
    return new ClusterObservation(observePlatform.observe(target), observeDatabase.observe(target));
  }

  /** A mutating step. Returns false when an abort was accepted before it started. */
  private boolean change(String phase, String step, Supplier<ChangeResult> action) {
    if (abortDecision != null) {
      return false;
    }
    step(phase, step);
    ChangeResult r = action.get();
    done(r.object() + ": " + r.outcome().name().toLowerCase() + " (" + r.detail() + ")");
    return true;
  }

  /** A wait; an abort cancels it. Returns false when aborted. */
  private boolean await(String phase, String step, Supplier<String> wait) {
    if (abortDecision != null) {
      return false;
    }
    step(phase, step);
    String[] detail = new String[1];
    waitScope = Workflow.newCancellationScope(() -> detail[0] = wait.get());
    try {
      waitScope.run();
    } catch (ActivityFailure e) {
      if (abortDecision != null && e.getCause() instanceof CanceledFailure) {
        return false;
      }
      throw e;
    } catch (CanceledFailure e) {
      if (abortDecision != null) {
        return false;
      }
      throw e;
    } finally {
      waitScope = null;
    }
    done(detail[0]);
    return true;
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

  private EvolutionResult aborted() {
    String where = stoppedAt();
    String text = "Aborted by " + abortDecision.by()
        + (abortDecision.comment() == null ? "" : " (" + abortDecision.comment() + ")")
        + " at " + where + ". Phases done: " + phasesDone + ". Steps already done stay done;"
        + " nothing was rolled back automatically. Check the status timeline before starting a"
        + " new run.";
    timeline.add(new TimelineEntry(currentPhase == null ? "run" : currentPhase, "abort",
        Steps.COMPLETED, now(), text));
    return finish(RunState.ABORTED, where, text);
  }

  private EvolutionResult finish(RunState end, String stoppedAt, String text) {
    state = end;
    message = text;
    openGate = null;
    log.info("Run for {} ended {}: {}", target == null ? "?" : target.key(), end, text);
    return new EvolutionResult(end, stoppedAt, text, List.copyOf(phasesDone), List.copyOf(plans),
        List.copyOf(decisions));
  }

  /** Ends the run as failed, keeping the reason in the status; never returns. */
  private EvolutionResult fail(String text, String type) {
    if (!timeline.isEmpty()) {
      TimelineEntry last = timeline.get(timeline.size() - 1);
      if (Steps.STARTED.equals(last.state())) {
        finishStep(Steps.FAILED, text);
      }
    }
    state = RunState.FAILED;
    message = text + (text.startsWith(REFUSED) ? ""
        : " Nothing was rolled back automatically.");
    openGate = null;
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
