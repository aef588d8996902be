package dev.underway.workflows.evolution;

import dev.underway.guard.GuardSettings;
import dev.underway.guard.GuardState;
import dev.underway.kernel.Run;
import dev.underway.workflows.evolution.contract.DatabaseActivities;
import dev.underway.workflows.evolution.model.ClusterTarget;
import dev.underway.workflows.evolution.model.PacedReplication;
import dev.underway.workflows.evolution.model.Phase;
import dev.underway.workflows.evolution.model.SnapshotRate;
import io.temporal.activity.ActivityOptions;
import io.temporal.workflow.Workflow;

/**
 * The snapshot rate during a phase's data-moving steps, on the latency guard: before the phase
 * moves data, the setting is read and its undo registered with the kernel's compensation (the
 * value found, exactly), then the guard samples the foreground's baseline; the replication wait
 * lowers the rate while the guard says so ({@link DatabaseActivities#awaitReplicatedPaced}); a
 * step of its own puts the value found back, and the undo is dropped. A run that does not
 * complete (rejected, aborted, failed, cancelled) restores it through the undo. Where the
 * database has no such setting (the sandbox's PostgreSQL) nothing of this shows: the phase runs
 * as before.
 *
 * <p>Runs recorded before {@value #CHANGE} replay without it ({@link #applies}).
 */
final class SnapshotRateWindow {

  /** The change id: the evolution's phases pace the snapshot rate (version 1). */
  static final String CHANGE = "snapshot-rate-guard";

  private final Phase phase;
  private final ClusterTarget target;
  private final GuardSettings guard;
  private SnapshotRate found;
  private GuardState baseline;
  private String undo;

  SnapshotRateWindow(Phase phase, ClusterTarget target, GuardSettings guard) {
    this.phase = phase;
    this.target = target;
    this.guard = guard;
  }

  /**
   * Whether this run paces the snapshot rate: asked once per run that reaches a phase with a
   * replication change, where the first such phase builds its steps.
   */
  static boolean applies() {
    return Workflow.getVersion(CHANGE, Workflow.DEFAULT_VERSION, 1) >= 1;
  }

  /** Whether the setting was found (and its undo registered). */
  boolean open() {
    return found != null;
  }

  /** Reads the setting, registers its undo, samples the guard's baseline. */
  void open(Run run) {
    String p = phase.name() + " · ";
    SnapshotRate rate = run.abortable(() -> database(EvolutionStubs.OBSERVE,
        p + "read the snapshot rate").readSnapshotRate(target));
    if (!rate.applicable()) {
      return;
    }
    run.timeline().step(phase.name(), Steps.SNAPSHOT_RATE);
    undo = "snapshot rate back to " + rate.describe();
    run.addCompensation(undo, () -> database(EvolutionStubs.CHANGE, p + "restore the snapshot"
        + " rate").restoreSnapshotRate(target, rate));
    found = rate;
    baseline = run.abortable("sampling the foreground's baseline", () -> database(
        EvolutionStubs.WAIT, p + "latency guard: baseline").guardBaseline(target, guard));
    run.timeline().done("found " + rate.describe() + "; " + baseline.summary()
        + "; the guard lowers the rate during the replication wait, never above what was found");
  }

  /** The replication wait, the rate paced by the guard; its line for the timeline. */
  String awaitReplicated(ActivityOptions wait) {
    PacedReplication r = database(wait, phase.name() + " · await the ranges at RF "
        + phase.replicationFactor() + " (snapshot rate on the latency guard)")
        .awaitReplicatedPaced(target, Planner.CLEAN_READINGS_REQUIRED, found, guard, baseline);
    return "no under-replicated or unavailable ranges on "
        + r.replication().consecutiveCleanReadings() + " consecutive readings; "
        + r.rateSummary() + (r.guard() == null ? "" : "; " + r.guard().summary());
  }

  /** Puts the value found back as a step of its own; the undo is no longer needed. */
  void close(Run run) {
    if (!open()) {
      return;
    }
    run.changeStep(phase.name(), Steps.RESTORE_SNAPSHOT_RATE, () -> database(
        EvolutionStubs.CHANGE, phase.name() + " · restore the snapshot rate")
        .restoreSnapshotRate(target, found));
    run.dropCompensation(undo);
    found = null;
  }

  private static DatabaseActivities database(ActivityOptions kind, String summary) {
    return EvolutionStubs.database(kind, summary);
  }
}
