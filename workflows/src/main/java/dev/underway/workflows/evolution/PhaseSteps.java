package dev.underway.workflows.evolution;

import dev.underway.kernel.FailureKind;
import dev.underway.kernel.Run;
import dev.underway.model.ChangeResult;
import dev.underway.model.ClusterObservation;
import dev.underway.model.Phase;
import dev.underway.model.PhasePlan;
import dev.underway.model.TargetRef;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Supplier;

/**
 * What happens in a phase once its gate is approved, as a list of named steps in the order they
 * run (Strimzi's reconcile pipeline): lock the disruption budget, scale, wait for pods and
 * nodes, set the replication factor and wait for the ranges, create the reader path, verify,
 * relax the budget. Steps the plan does not need are left out.
 */
final class PhaseSteps {

  /** One named step: a change, a wait, or the verification. */
  sealed interface Step permits Change, Wait, Verify {
    String name();
  }

  record Change(String name, Supplier<ChangeResult> action) implements Step {}

  record Wait(String name, Supplier<String> until) implements Step {}

  record Verify(String name) implements Step {}

  private PhaseSteps() {}

  /** The steps that take the cluster from {@code plan}'s "before" to {@code phase}. */
  static List<Step> of(Phase phase, PhasePlan plan, TargetRef target, EvolutionActivities a) {
    List<Step> steps = new ArrayList<>();
    if (plan.disruptionBudgetDuring() != null) {
      steps.add(new Change(Steps.LOCK_CONSTRAINTS,
          () -> a.changePlatform.applyDisruptionBudget(target, plan.disruptionBudgetDuring())));
    }
    if (plan.scaleTo() != null) {
      steps.add(new Change(Steps.SCALE, () -> a.changePlatform.scaleNodes(target, plan.scaleTo())));
    }
    steps.add(new Wait(Steps.AWAIT_PODS_READY, () -> {
      var r = a.waitPlatform.awaitNodesReady(target, phase.nodes());
      return r.ready() + " of " + r.wanted() + " pods Ready";
    }));
    steps.add(new Wait(Steps.AWAIT_NODES_LIVE, () -> {
      var r = a.waitDatabase.awaitLiveNodes(target, phase.nodes());
      return r.ready() + " of " + r.wanted() + " nodes live";
    }));
    if (!plan.zonesToChange().isEmpty()) {
      steps.add(new Change(Steps.SET_REPLICATION,
          () -> a.changeDatabase.setReplicationFactor(target, phase.replicationFactor())));
      steps.add(new Wait(Steps.AWAIT_REPLICATION, () -> {
        var r = a.waitDatabase.awaitReplicated(target, Planner.CLEAN_READINGS_REQUIRED);
        return "no under-replicated or unavailable ranges on " + r.consecutiveCleanReadings()
            + " consecutive readings";
      }));
    }
    if (phase.wantsReaderPath()) {
      steps.add(new Change(Steps.READER_USER, () -> a.changeDatabase.ensureReadOnlyUser(target)));
      steps.add(new Change(Steps.READER_SERVICE,
          () -> a.changePlatform.ensureReaderService(target)));
    }
    steps.add(new Verify(Steps.VERIFY));
    if (plan.disruptionBudgetAfter() != null) {
      steps.add(new Change(Steps.RELAX_CONSTRAINTS,
          () -> a.changePlatform.applyDisruptionBudget(target, plan.disruptionBudgetAfter())));
    }
    return steps;
  }

  /** Runs the steps. Returns false when an abort stopped them. */
  static boolean run(Run run, Phase phase, TargetRef target, List<Step> steps,
      EvolutionActivities a) {
    String p = phase.name();
    for (Step step : steps) {
      boolean went;
      if (step instanceof Change c) {
        went = run.change(p, c.name(), c.action());
      } else if (step instanceof Wait w) {
        went = run.await(p, w.name(), w.until());
      } else {
        went = verify(run, phase, target, a);
      }
      if (!went) {
        return false;
      }
    }
    return true;
  }

  /** Observes again; throws a non-retryable VerificationFailed when the phase does not show. */
  private static boolean verify(Run run, Phase phase, TargetRef target, EvolutionActivities a) {
    run.timeline().step(phase.name(), Steps.VERIFY);
    ClusterObservation verified = run.cancellable(() -> a.observe(target));
    if (verified == null) {
      return false;
    }
    List<String> left = Planner.discrepancies(target, verified, phase);
    if (!left.isEmpty()) {
      throw FailureKind.VERIFICATION_FAILED.failure("the changes were made but the cluster does"
          + " not show " + phase.name() + ": " + String.join("; ", left));
    }
    run.timeline().done(phase.nodes() + " node(s), RF " + phase.replicationFactor()
        + " on every zone" + (phase.wantsReaderPath() ? ", reader path present" : ""));
    return true;
  }
}
