package dev.underway.workflows.evolution;

import dev.underway.guard.GuardSettings;
import dev.underway.kernel.ChangeResult;
import dev.underway.kernel.FailureKind;
import dev.underway.kernel.Run;
import dev.underway.workflows.evolution.contract.DatabaseActivities;
import dev.underway.workflows.evolution.contract.PlatformActivities;
import dev.underway.workflows.evolution.model.ClusterObservation;
import dev.underway.workflows.evolution.model.Phase;
import dev.underway.workflows.evolution.model.PhasePlan;
import dev.underway.workflows.evolution.model.ClusterTarget;
import io.temporal.activity.ActivityOptions;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;
import java.util.function.Supplier;

/**
 * What happens in a phase once its gate is approved, as a list of named steps in the order they
 * run (Strimzi's reconcile pipeline): lock the disruption budget, scale, wait for pods and
 * nodes, set the replication factor and wait for the ranges, create the reader path, verify,
 * relax the budget. Steps the plan does not need are left out. A phase that changes the
 * replication factor moves data: its snapshot rate is on the latency guard ({@link
 * SnapshotRateWindow}: read before the phase's first change, lowered during the replication
 * wait, put back after it).
 */
final class PhaseSteps {

  private static PlatformActivities platform(ActivityOptions kind, String summary) {
    return EvolutionStubs.platform(kind, summary);
  }

  private static DatabaseActivities database(ActivityOptions kind, String summary) {
    return EvolutionStubs.database(kind, summary);
  }

  /** One named step: a change, a wait, or the verification. */
  sealed interface Step permits Change, Wait, Verify, Own {
    String name();
  }

  record Change(String name, Supplier<ChangeResult> action) implements Step {}

  record Wait(String name, Supplier<String> until) implements Step {}

  record Verify(String name) implements Step {}

  /** A step that says itself in the timeline (or not at all, when it does nothing). */
  record Own(String name, Consumer<Run> body) implements Step {}

  private PhaseSteps() {}

  /** The steps that take the cluster from {@code plan}'s "before" to {@code phase}. */
  static List<Step> of(Phase phase, PhasePlan plan, ClusterTarget target) {
    String p = phase.name() + " · ";
    ActivityOptions change = EvolutionStubs.CHANGE;
    ActivityOptions wait = EvolutionStubs.WAIT;
    List<Step> steps = new ArrayList<>();
    SnapshotRateWindow window = plan.zonesToChange().isEmpty() || !SnapshotRateWindow.applies()
        ? null : new SnapshotRateWindow(phase, target, GuardSettings.defaults());
    if (plan.disruptionBudgetDuring() != null) {
      steps.add(new Change(Steps.LOCK_CONSTRAINTS, () -> platform(change, p + "lock budget "
          + plan.disruptionBudgetDuring()).applyDisruptionBudget(target,
              plan.disruptionBudgetDuring())));
    }
    if (window != null) {
      steps.add(new Own(Steps.SNAPSHOT_RATE, window::open));
    }
    if (plan.scaleTo() != null) {
      steps.add(new Change(Steps.SCALE, () -> platform(change, p + "scale "
          + plan.nodesBefore() + "→" + plan.scaleTo()).scaleNodes(target, plan.scaleTo())));
    }
    steps.add(new Wait(Steps.AWAIT_PODS_READY, () -> {
      var r = platform(wait, p + "await " + phase.nodes() + " pods Ready")
          .awaitNodesReady(target, phase.nodes());
      return r.ready() + " of " + r.wanted() + " pods Ready";
    }));
    steps.add(new Wait(Steps.AWAIT_NODES_LIVE, () -> {
      var r = database(wait, p + "await " + phase.nodes() + " nodes live")
          .awaitLiveNodes(target, phase.nodes());
      return r.ready() + " of " + r.wanted() + " nodes live";
    }));
    if (!plan.zonesToChange().isEmpty()) {
      steps.add(new Change(Steps.SET_REPLICATION, () -> database(change, p + "replication "
          + plan.replicationBefore() + "→" + plan.replicationAfter())
          .setReplicationFactor(target, phase.replicationFactor())));
      steps.add(new Wait(Steps.AWAIT_REPLICATION, () -> {
        if (window != null && window.open()) {
          return window.awaitReplicated(wait);
        }
        var r = database(wait, p + "await the ranges at RF " + phase.replicationFactor())
            .awaitReplicated(target, Planner.CLEAN_READINGS_REQUIRED);
        return "no under-replicated or unavailable ranges on " + r.consecutiveCleanReadings()
            + " consecutive readings";
      }));
      if (window != null) {
        steps.add(new Own(Steps.RESTORE_SNAPSHOT_RATE, window::close));
      }
    }
    if (phase.wantsReaderPath()) {
      steps.add(new Change(Steps.READER_USER, () -> database(change, p + "reader user")
          .ensureReadOnlyUser(target)));
      steps.add(new Change(Steps.READER_SERVICE, () -> platform(change, p + "reader path")
          .ensureReaderService(target)));
    }
    steps.add(new Verify(Steps.VERIFY));
    if (plan.disruptionBudgetAfter() != null) {
      steps.add(new Change(Steps.RELAX_CONSTRAINTS, () -> platform(change, p + "relax budget "
          + plan.disruptionBudgetAfter()).applyDisruptionBudget(target,
              plan.disruptionBudgetAfter())));
    }
    return steps;
  }

  /** Runs the steps; an abort stops them ({@code RunStopped}). */
  static void run(Run run, Phase phase, ClusterTarget target, List<Step> steps) {
    String p = phase.name();
    for (Step step : steps) {
      if (step instanceof Change c) {
        run.changeStep(p, c.name(), c.action());
      } else if (step instanceof Wait w) {
        run.awaitStep(p, w.name(), w.until());
      } else if (step instanceof Own o) {
        o.body().accept(run);
      } else {
        verify(run, phase, target);
      }
    }
  }

  /** Observes again; throws a non-retryable VerificationFailed when the phase does not show. */
  private static void verify(Run run, Phase phase, ClusterTarget target) {
    run.timeline().step(phase.name(), Steps.VERIFY);
    ClusterObservation verified = run.abortable(
        () -> EvolutionStubs.observe(target, phase.name() + " · verify"));
    List<String> left = Planner.discrepancies(target, verified, phase);
    if (!left.isEmpty()) {
      throw FailureKind.VERIFICATION_FAILED.failure("the changes were made but the cluster does"
          + " not show " + phase.name() + ": " + String.join("; ", left));
    }
    run.timeline().done(phase.nodes() + " node(s), RF " + phase.replicationFactor()
        + " on every zone" + (phase.wantsReaderPath() ? ", reader path present" : ""));
  }
}
