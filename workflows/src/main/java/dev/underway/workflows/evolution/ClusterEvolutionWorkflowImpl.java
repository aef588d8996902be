package dev.underway.workflows.evolution;

import dev.underway.kernel.Decision;
import dev.underway.kernel.DecisionKind;
import dev.underway.kernel.FailureKind;
import dev.underway.kernel.GatedRunbook;
import dev.underway.kernel.Run;
import dev.underway.kernel.RunState;
import dev.underway.kernel.RunStatus;
import dev.underway.kernel.Sequence;
import dev.underway.kernel.Timeline;
import dev.underway.workflows.evolution.model.ClusterObservation;
import dev.underway.workflows.evolution.model.EvolutionRequest;
import dev.underway.workflows.evolution.model.EvolutionResult;
import dev.underway.workflows.evolution.model.Phase;
import dev.underway.workflows.evolution.model.PhasePlan;
import dev.underway.workflows.evolution.model.TargetRef;
import io.temporal.failure.ActivityFailure;
import io.temporal.failure.ApplicationFailure;
import io.temporal.failure.CanceledFailure;
import io.temporal.workflow.Workflow;
import java.util.ArrayList;
import java.util.List;

/**
 * The evolution as its business sequence, on the runbook kernel ({@link Run}): validate; then
 * for each phase, observe, hold while unhealthy, plan, gate, re-check the cluster is the one the
 * plan was computed from (else the gate reopens), and carry out the phase's {@link PhaseSteps}.
 *
 * <p>Runs recorded before the {@value #SAFETY_CHANGE} version replay the first command sequence
 * (see {@link Run}); the recorded histories in the tests hold both.
 */
public class ClusterEvolutionWorkflowImpl extends GatedRunbook
    implements ClusterEvolutionWorkflow {

  /**
   * The change id of the kernel's command sequences after the first (see {@link Sequence}):
   * version 1 is SAFETY (request rules v1, UnderwayState, holding, re-checking after approval,
   * fresh decisions, an abort that cancels any step), version 2 VIEW (gates and holds on named
   * timers, UnderwayOpenGate unset, runs that do not complete end Failed, a Temporal cancellation
   * taken as an abort).
   */
  static final String SAFETY_CHANGE = "operator-safety";
  static final int SAFETY = 1;
  static final int VIEW = 2;

  private final Run run;
  private EvolutionRequest request;
  private TargetRef target;
  private final List<PhasePlan> plans = new ArrayList<>();
  private final List<String> phasesDone = new ArrayList<>();

  public ClusterEvolutionWorkflowImpl() {
    this(null);
  }

  /**
   * @param temporalAddress the address operators reach this run's Temporal at, printed in the
   *     gates' commands when it is not the default; null when unknown
   */
  public ClusterEvolutionWorkflowImpl(String temporalAddress) {
    super(new Run(RUNBOOK, temporalAddress));
    this.run = run();
  }

  @Override
  public EvolutionResult evolve(EvolutionRequest input) {
    request = input;
    target = input == null ? null : input.target();
    int version = Workflow.getVersion(SAFETY_CHANGE, Workflow.DEFAULT_VERSION, VIEW);
    Sequence sequence = version >= VIEW ? Sequence.VIEW
        : version >= SAFETY ? Sequence.SAFETY : Sequence.FIRST;
    boolean current = sequence.atLeast(Sequence.SAFETY);
    run.configure(target == null ? null : target.key(),
        input == null ? null : input.approvalOrDefault(),
        input == null ? null : input.requestedBy(), input != null && input.isDryRun(), sequence);
    run.timeline().step(Timeline.RUN, Steps.VALIDATE);
    List<String> problems = RequestValidation.problems(input,
        current ? RequestValidation.CURRENT_RULES : 0);
    if (problems.isEmpty() && !input.isDryRun()
        && !ClusterEvolutionWorkflow.workflowId(target).equals(Workflow.getInfo().getWorkflowId())) {
      problems.add("the workflow id is '" + Workflow.getInfo().getWorkflowId() + "' but a run for "
          + target.key() + " must use '" + ClusterEvolutionWorkflow.workflowId(target)
          + "', so that only one run per target can exist");
    }
    if (!problems.isEmpty()) {
      throw run.refuse(String.join("; ", problems), FailureKind.INVALID_REQUEST);
    }
    run.timeline().done("request is valid");
    run.started(target.key());
    try {
      return input.isDryRun() ? dryRun(input.phasesOrDefault()) : evolve(input.phasesOrDefault());
    } catch (ApplicationFailure | ActivityFailure | CanceledFailure e) {
      if (run.cancelledByTemporal(e)) {
        throw run.cancelled("Phases done: " + phasesDone + ". Steps already done stay done;"
            + " nothing else was rolled back.");
      }
      throw run.failed(e);
    }
  }

  private EvolutionResult dryRun(List<Phase> phases) {
    ClusterObservation observed = observe(Timeline.RUN);
    for (Phase phase : phases) {
      run.timeline().step(phase.name(), Steps.PLAN);
      PhasePlan plan = Planner.plan(target, observed, phase);
      plans.add(plan);
      run.timeline().done(plan.alreadyThere() ? "already there"
          : plan.changes().size() + " change(s)");
      observed = Planner.project(observed, plan);
    }
    run.timeline().leave();
    return end(RunState.DRY_RUN_COMPLETED, null,
        "Dry run: " + plans.size() + " phase plan(s) computed, nothing was changed.");
  }

  private EvolutionResult evolve(List<Phase> phases) {
    for (Phase phase : phases) {
      run.enterStage(phase.name());
      if (run.abortRequested()) {
        return aborted();
      }
      Approved approved = approvedPlan(phase);
      if (approved.ended() != null) {
        return approved.ended();
      }
      PhasePlan plan = approved.plan();
      if (plan.alreadyThere()) {
        run.timeline().skipped("already there: " + phase.nodes() + " node(s), RF "
            + phase.replicationFactor() + (phase.wantsReaderPath() ? ", reader path" : "")
            + "; no gate needed");
      } else if (!PhaseSteps.run(run, phase, target,
          PhaseSteps.of(phase, plan, target))) {
        return aborted();
      }
      phasesDone.add(phase.name());
    }
    run.timeline().leave();
    return end(RunState.COMPLETED, null, target.key() + " reached "
        + phases.get(phases.size() - 1).name() + ". Phases done: " + phasesDone + ".");
  }

  /** A phase's plan once approved for the cluster as it still is, or how the run ended. */
  private record Approved(PhasePlan plan, EvolutionResult ended) {}

  /**
   * Observe, hold while unhealthy, plan, gate; after an approval, observe again: when the
   * cluster's shape moved since the plan was computed, nothing is changed and the gate reopens
   * with the new plan.
   */
  private Approved approvedPlan(Phase phase) {
    String p = phase.name();
    ClusterObservation observed = observe(p);
    while (true) {
      observed = observed == null ? null : hold(p, observed);
      if (observed == null) {
        return new Approved(null, aborted());
      }
      run.timeline().step(p, Steps.PLAN);
      PhasePlan plan = Planner.plan(target, observed, phase);
      plans.add(plan);
      if (plan.alreadyThere()) {
        return new Approved(plan, null);
      }
      run.timeline().done(plan.changes().size() + " change(s)");
      Decision decision = run.gate(p, p, Planner.gateText(target, plan),
          Planner.card(target, plan), PlanDigest.of(target, plan),
          RequestValidation.gateExpiry(request.approvalOrDefault()));
      if (decision == null) {
        return new Approved(null, end(RunState.EXPIRED, p + "/" + Steps.GATE,
            "Gate " + p + " expired after " + request.approvalOrDefault().gateExpiry()
                + " without a decision: the run ended there, nothing after it was done,"
                + " nothing was rolled back. Phases done: " + phasesDone + "."));
      }
      if (decision.kind() == DecisionKind.ABORT) {
        return new Approved(null, aborted());
      }
      if (decision.kind() == DecisionKind.REJECT) {
        return new Approved(null, end(RunState.REJECTED, p + "/" + Steps.GATE,
            "Gate " + p + " rejected by " + decision.by() + " (" + decision.comment()
                + "): the run stopped before changing anything in this phase. Nothing was"
                + " rolled back automatically. Phases done: " + phasesDone + "."));
      }
      if (!run.current()) {
        return new Approved(plan, null);
      }
      ClusterObservation now = observe(p);
      now = now == null ? null : hold(p, now);
      if (now == null) {
        return new Approved(null, aborted());
      }
      run.timeline().step(p, Steps.RECHECK);
      List<String> moved = ShapeChanges.between(observed, now);
      if (moved.isEmpty()) {
        run.timeline().done("the cluster is as the approved plan saw it");
        return new Approved(plan, null);
      }
      run.timeline().finish(Timeline.CHANGED, "the cluster changed since the plan was computed ("
          + String.join("; ", moved) + "): nothing was changed; gate " + p
          + " reopens with a new plan");
      observed = now;
    }
  }

  private ClusterObservation hold(String phase, ClusterObservation observed) {
    return run.holdWhileUnhealthy(phase, observed, Health::problems,
        () -> EvolutionStubs.observe(target, phase + " · hold: observe"));
  }

  /** Observes as a step of its own; null when an abort stopped it. */
  private ClusterObservation observe(String phase) {
    run.timeline().step(phase, Steps.OBSERVE);
    ClusterObservation o = run.cancellable(
        () -> EvolutionStubs.observe(target, phase + " · observe"));
    if (o == null) {
      run.timeline().finish(Timeline.ABORTED, "aborted while observing");
      return null;
    }
    run.timeline().done(o.platform().desiredNodes() + " node(s) (" + o.platform().readyNodes()
        + " Ready, " + o.database().liveNodes() + " live), RF " + o.effectiveReplicationFactor()
        + ", reader user " + (o.database().readerUserExists() ? "present" : "absent")
        + ", reader Service " + (o.platform().readerServiceExists() ? "present" : "absent"));
    return o;
  }

  private EvolutionResult aborted() {
    String where = run.timeline().position();
    String text = run.aborted("Phases done: " + phasesDone + ". Steps already done stay done;"
        + " nothing was rolled back automatically. Check the status timeline before starting a"
        + " new run.");
    return end(RunState.ABORTED, where, text);
  }

  private EvolutionResult end(RunState state, String stoppedAt, String text) {
    return run.end(state, text, new EvolutionResult(state, stoppedAt, text,
        List.copyOf(phasesDone), List.copyOf(plans), run.decisions()));
  }

  @Override
  public RunStatus status() {
    return run.status(plans, null);
  }
}
