package dev.underway.workflows.evolution;

import dev.underway.kernel.Ending;
import dev.underway.kernel.Gate;
import dev.underway.kernel.GateOutcome;
import dev.underway.kernel.GatedRunProtocol;
import dev.underway.kernel.Run;
import dev.underway.kernel.RunSetup;
import dev.underway.kernel.RunStatus;
import dev.underway.kernel.Sequence;
import dev.underway.kernel.Timeline;
import dev.underway.workflows.evolution.contract.EvolutionFailures;
import dev.underway.workflows.evolution.model.ClusterObservation;
import dev.underway.workflows.evolution.model.EvolutionRequest;
import dev.underway.workflows.evolution.model.EvolutionResult;
import dev.underway.workflows.evolution.model.Phase;
import dev.underway.workflows.evolution.model.PhasePlan;
import dev.underway.workflows.evolution.model.ClusterTarget;
import io.temporal.workflow.Workflow;
import java.util.ArrayList;
import java.util.List;

/**
 * The evolution as its business sequence, on the kernel's protocol ({@link GatedRunProtocol}):
 * for each phase, observe, hold while unhealthy, plan, gate, re-check the cluster is the one the
 * plan was computed from (else the gate reopens), and carry out the phase's {@link PhaseSteps}.
 *
 * <p>Runs recorded before the {@value #SAFETY_CHANGE} version replay the first command sequence
 * (see {@link Sequence}); the recorded histories in the tests hold each.
 */
public class ClusterEvolutionWorkflowImpl extends GatedRunProtocol<EvolutionResult>
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
  private ClusterTarget target;
  /** Whether this run follows version {@link #SAFETY} or later: current rules, a re-check. */
  private boolean safety;
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
    super(RUNBOOK, temporalAddress, EvolutionFailures.ALL);
    this.run = run();
  }

  @Override
  public EvolutionResult evolve(EvolutionRequest input) {
    request = input;
    target = input == null ? null : input.target();
    int version = Workflow.getVersion(SAFETY_CHANGE, Workflow.DEFAULT_VERSION, VIEW);
    safety = version >= SAFETY;
    Sequence sequence = version >= VIEW ? Sequence.VIEW : safety ? Sequence.SAFETY
        : Sequence.FIRST;
    RunSetup setup = input == null ? new RunSetup(null, null, null, false, sequence)
        : new RunSetup(target == null ? null : target.key(), input.approvalOrDefault(),
            input.requestedBy(), input.isDryRun(), sequence);
    return execute(setup, () -> problems(input), () -> input.isDryRun()
        ? dryRun(input.phasesOrDefault()) : evolve(input.phasesOrDefault()));
  }

  private List<String> problems(EvolutionRequest input) {
    List<String> problems = RequestValidation.problems(input,
        safety ? RequestValidation.CURRENT_RULES : 0);
    String id = Workflow.getInfo().getWorkflowId();
    if (problems.isEmpty() && !input.isDryRun()
        && !ClusterEvolutionWorkflow.workflowId(target).equals(id)) {
      problems.add("the workflow id is '" + id + "' but a run for " + target.key()
          + " must use '" + ClusterEvolutionWorkflow.workflowId(target)
          + "', so that only one run per target can exist");
    }
    return problems;
  }

  private Ending dryRun(List<Phase> phases) {
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
    return Ending.dryRunCompleted("Dry run: " + plans.size()
        + " phase plan(s) computed, nothing was changed.");
  }

  private Ending evolve(List<Phase> phases) {
    for (Phase phase : phases) {
      run.enterStage(phase.name());
      run.stopIfAborted();
      PhasePlan plan = approvedPlan(phase);
      if (plan.alreadyThere()) {
        run.timeline().skipped("already there: " + phase.nodes() + " node(s), RF "
            + phase.replicationFactor() + (phase.wantsReaderPath() ? ", reader path" : "")
            + "; no gate needed");
      } else {
        PhaseSteps.run(run, phase, target, PhaseSteps.of(phase, plan, target));
      }
      phasesDone.add(phase.name());
    }
    run.timeline().leave();
    return Ending.completed(target.key() + " reached " + phases.get(phases.size() - 1).name()
        + ". Phases done: " + phasesDone + ".");
  }

  /**
   * Observe, hold while unhealthy, plan, gate; after an approval, observe again: when the
   * cluster's shape moved since the plan was computed, nothing is changed and the gate reopens
   * with the new plan. Returns the plan approved for the cluster as it still is.
   */
  private PhasePlan approvedPlan(Phase phase) {
    String p = phase.name();
    ClusterObservation observed = observe(p);
    while (true) {
      observed = hold(p, observed);
      run.timeline().step(p, Steps.PLAN);
      PhasePlan plan = Planner.plan(target, observed, phase);
      plans.add(plan);
      if (plan.alreadyThere()) {
        return plan;
      }
      run.timeline().done(plan.changes().size() + " change(s)");
      GateOutcome outcome = run.gate(new Gate(p, p, Planner.gateText(target, plan),
          Planner.card(target, plan), PlanDigest.of(target, plan),
          RequestValidation.gateExpiry(request.approvalOrDefault())));
      if (!(outcome instanceof GateOutcome.Approved)) {
        throw notApproved(p, outcome).stop();
      }
      if (!safety) {
        return plan;
      }
      ClusterObservation now = hold(p, observe(p));
      run.timeline().step(p, Steps.RECHECK);
      List<String> moved = ShapeChanges.between(observed, now);
      if (moved.isEmpty()) {
        run.timeline().done("the cluster is as the approved plan saw it");
        return plan;
      }
      run.timeline().finish(Timeline.CHANGED, "the cluster changed since the plan was computed ("
          + String.join("; ", moved) + "): nothing was changed; gate " + p
          + " reopens with a new plan");
      observed = now;
    }
  }

  /** How the run ends at gate {@code p} when it was not approved. */
  private Ending notApproved(String p, GateOutcome outcome) {
    String at = p + "/" + Steps.GATE;
    if (outcome instanceof GateOutcome.Rejected r) {
      return Ending.rejected(at, "Gate " + p + " rejected by " + r.decision().by() + " ("
          + r.decision().comment() + "): the run stopped before changing anything in this"
          + " phase. Nothing was rolled back automatically. Phases done: " + phasesDone + ".");
    }
    if (outcome instanceof GateOutcome.Expired) {
      return Ending.expired(at, "Gate " + p + " expired after "
          + request.approvalOrDefault().gateExpiry() + " without a decision: the run ended"
          + " there, nothing after it was done, nothing was rolled back. Phases done: "
          + phasesDone + ".");
    }
    return Ending.aborted(); // an abort (this runbook never interrupts its gates)
  }

  private ClusterObservation hold(String phase, ClusterObservation observed) {
    return run.holdUntilHealthy(phase, observed, Health::problems,
        () -> EvolutionStubs.observe(target, phase + " · hold: observe"));
  }

  /** Observes as a step of its own. */
  private ClusterObservation observe(String phase) {
    run.timeline().step(phase, Steps.OBSERVE);
    ClusterObservation o = run.abortable("observing",
        () -> EvolutionStubs.observe(target, phase + " · observe"));
    run.timeline().done(o.platform().desiredNodes() + " node(s) (" + o.platform().readyNodes()
        + " Ready, " + o.database().liveNodes() + " live), RF " + o.effectiveReplicationFactor()
        + ", reader user " + (o.database().readerUserExists() ? "present" : "absent")
        + ", reader Service " + (o.platform().readerServiceExists() ? "present" : "absent"));
    return o;
  }

  @Override
  protected EvolutionResult result(Ending e) {
    return new EvolutionResult(e.state(), e.stoppedAt(), e.text(), List.copyOf(phasesDone),
        List.copyOf(plans), run.decisions());
  }

  @Override
  protected String afterAbort() {
    return "Phases done: " + phasesDone + ". Steps already done stay done; nothing was rolled"
        + " back automatically. Check the status timeline before starting a new run.";
  }

  @Override
  protected String afterCancel() {
    return "Phases done: " + phasesDone + ". Steps already done stay done; nothing else was"
        + " rolled back.";
  }

  @Override
  public RunStatus status() {
    return run.status(plans, null);
  }
}
