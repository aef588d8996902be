package dev.underway.workflows.schema;

import dev.underway.kernel.DecisionRefused;
import dev.underway.kernel.Run;
import dev.underway.kernel.RunStopped;
import dev.underway.kernel.Timeline;
import dev.underway.kernel.Timers;
import dev.underway.guard.GuardSettings;
import dev.underway.targets.PostgresTarget;
import dev.underway.workflows.schema.contract.BackfillControl;
import dev.underway.workflows.schema.contract.BackfillProgress;
import dev.underway.workflows.schema.contract.BackfillResult;
import dev.underway.workflows.schema.contract.BackfillSettings;
import dev.underway.workflows.schema.contract.SchemaChangeActivities;
import dev.underway.workflows.schema.contract.TableChange;
import io.temporal.failure.ActivityFailure;
import io.temporal.failure.CanceledFailure;
import io.temporal.workflow.Async;
import io.temporal.workflow.Promise;
import io.temporal.workflow.Workflow;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * The backfill, supervised: one long heartbeating activity, its progress read from its control
 * row for the status, an abort that waits for the attempt to stop before the rollback, and the
 * operator's {@code throttle}, {@code unthrottle}, {@code set-batch} and {@code set-ratio}, which
 * reach it through that control row (one at a time, see {@link CommandLock}); each carries the
 * others' settings through unchanged. Runs started with the latency guard ({@value
 * SchemaChangeWorkflowImpl#LATENCY_GUARD}) pass the request's {@link GuardSettings} and show
 * every change of the guard's mode in the timeline ({@link GuardChanges}).
 */
final class Backfill {

  /** The change id of the wait for a cancelled backfill to stop before the rollback. */
  static final String ABORT_WAITS = "backfill-abort-waits";

  /**
   * How often the status shows the running backfill's progress (a read of its control row):
   * every minute for the first hour, then every ten minutes, so that even a backfill of days
   * keeps its history far below Temporal's limit (each read is about a dozen events).
   */
  static final Duration PROGRESS_EVERY = Duration.ofMinutes(1);
  static final Duration PROGRESS_LATER = Duration.ofMinutes(10);
  static final int FREQUENT_POLLS = 60;

  private final Run run;
  private final CommandLock commands;
  private final SchemaChangeRequest request;
  private final PostgresTarget target;
  private final TableChange change;
  private final String owner;
  private final SchemaPlan plan;
  /** The latency guard's settings; null in runs started before the guard. */
  private final GuardSettings guard;
  private final GuardChanges guardChanges = new GuardChanges();
  private BackfillProgress progress;
  private BackfillResult result;
  /** The backfill is running: throttle, unthrottle, set-batch apply to it. */
  private boolean running;
  private BackfillControl control = new BackfillControl(false, null, null, null);

  /** @param guarded whether the run began with the latency guard ({@code guardSettings}) */
  Backfill(Run run, CommandLock commands, SchemaChangeRequest request, SchemaPlan plan,
      String owner, boolean guarded) {
    this.run = run;
    this.commands = commands;
    this.request = request;
    this.target = request.target();
    this.change = request.change();
    this.plan = plan;
    this.owner = owner;
    this.guard = guarded ? request.guardSettings() : null;
  }

  /**
   * The step: its progress read every {@link #PROGRESS_EVERY}, later {@link #PROGRESS_LATER}
   * (the history grows with the time it takes, slowly, not with the table). An abort stops the
   * run once the cancelled attempt has stopped.
   */
  void run() {
    run.timeline().step(SchemaChangeWorkflowImpl.BACKFILL, SchemaChangeWorkflowImpl.BACKFILL);
    BackfillSettings settings = new BackfillSettings(plan.keyColumns(),
        request.batchSizeOrDefault(), targetBatchMillis(),
        SchemaChangeRequest.duration(request.maxReplicaLag(),
            SchemaChangeRequest.DEFAULT_MAX_REPLICA_LAG).toMillis(),
        request.latencyBudget() == null ? null
            : Duration.parse(request.latencyBudget()).toMillis(),
        request.latencyProbe(), BackfillSettings.DEFAULT_MIN_BATCH_SIZE,
        BackfillSettings.DEFAULT_MAX_BATCH_SIZE, guard);
    running = true;
    List<Promise<BackfillResult>> attempt = new ArrayList<>(1);
    try {
      result = run.abortable(() -> {
        SchemaChangeActivities walk = SchemaStubs.of(SchemaStubs.WALK, "backfill");
        Promise<BackfillResult> done = Async.function(walk::backfill, target, change, settings);
        attempt.add(done);
        int polls = 0;
        while (!Timers.await(progressInterval(polls), progressSummary(polls++),
            done::isCompleted)) {
          showProgress();
        }
        return done.get();
      });
    } catch (RunStopped aborted) {
      running = false;
      awaitStopped(attempt);
      run.timeline().finish(Timeline.ABORTED, "aborted during the backfill"
          + (progress == null ? "" : " at " + progress.summary()));
      throw aborted;
    } finally {
      running = false;
    }
    run.timeline().done(result.rowsUpdated() + " row(s) in " + result.batches()
        + " batch(es), " + Math.round(result.rowsPerSecond()) + " rows/s, "
        + result.attempts() + " attempt(s), throttled " + result.throttledMillis()
        + " ms" + (result.triggersSkipped() == null ? "" : "; " + result.triggersSentence()));
  }

  /** The expected duration the expand gate shows. */
  BackfillDuration duration() {
    return new BackfillDuration(plan.rows(), plan.rowsExact(), request.batchSizeOrDefault(),
        targetBatchMillis(), guard);
  }

  private long targetBatchMillis() {
    return SchemaChangeRequest.duration(request.targetBatchTime(),
        SchemaChangeRequest.DEFAULT_TARGET_BATCH_TIME).toMillis();
  }

  /** The progress timer's summary: what its bar on the run's page waits for. */
  static String progressSummary(int polls) {
    return SchemaChangeWorkflowImpl.BACKFILL + " · next progress read in "
        + Timers.words(progressInterval(polls)) + " (the backfill runs meanwhile)";
  }

  /** How long after the {@code polls}-th progress read the next one comes. */
  static Duration progressInterval(int polls) {
    return polls < FREQUENT_POLLS ? PROGRESS_EVERY : PROGRESS_LATER;
  }

  private void showProgress() {
    try {
      BackfillProgress p = SchemaStubs.of(SchemaStubs.QUICK, "backfill · progress")
          .progress(target, change);
      if (p != null) {
        progress = p;
        run.timeline().progress(p.summary());
        for (String line : guardChanges.newLines(p.guardChanges())) {
          run.timeline().record(SchemaChangeWorkflowImpl.BACKFILL, GuardChanges.STEP,
              Timeline.COMPLETED, line);
        }
        run.progress(BackfillCard.of(p, control, plan.rowsExact(), request.latencyBudget()));
      }
    } catch (ActivityFailure e) {
      // only the status's figures are late; the backfill goes on
    }
  }

  /**
   * After an abort cancelled the backfill: waits until its attempt has stopped (it sees the
   * cancellation at its next heartbeat), so that the rollback does not drop columns under a
   * batch still running. Runs recorded before this wait ({@value #ABORT_WAITS}) went on at once.
   */
  private static void awaitStopped(List<Promise<BackfillResult>> attempt) {
    if (attempt.isEmpty() || Workflow.getVersion(ABORT_WAITS, Workflow.DEFAULT_VERSION, 1)
        == Workflow.DEFAULT_VERSION) {
      return;
    }
    Workflow.newDetachedCancellationScope(() -> {
      try {
        attempt.get(0).get();
      } catch (ActivityFailure | CanceledFailure stopped) {
        // cancelled (or failed) as it stopped: what was waited for
      }
    }).run();
  }

  /** The backfill's figures, null before it completed. */
  BackfillResult result() {
    return result;
  }

  /** The status's sentence while it runs; null otherwise. */
  String sentence() {
    return running && progress != null ? "Backfill: " + progress.summary()
        + (progress.guard() == null ? "" : "; " + progress.guard().summary()) : null;
  }

  // ---- the operator's commands --------------------------------------------------------------

  /**
   * Why throttle, unthrottle, set-batch or set-ratio cannot apply to {@code b} now; null when
   * they can.
   */
  static String refusal(Backfill b, Run run) {
    return b != null && b.running ? null : "the backfill is not running (the run is at "
        + run.timeline().position() + "): throttle, unthrottle, set-batch and set-ratio apply"
        + " to it";
  }

  /** Why set-ratio cannot apply to {@code b} (running): its run has no latency guard. */
  static String ratioRefusal(Backfill b) {
    return b.guard != null ? null : "this run began before the latency guard: its backfill has"
        + " no ratio to set (throttle, unthrottle and set-batch apply to it)";
  }

  /** The validator of set-ratio's ratio. */
  static void validateRatio(OperatorCommand c) {
    if (c.ratio() == null) {
      throw new DecisionRefused("set-ratio needs ratio, " + RequestValidation.RATIO_RULE);
    }
    if (RequestValidation.ratioProblem(c.ratio()) != null) {
      throw new DecisionRefused("set-ratio's ratio " + c.ratio() + " is out of range: "
          + RequestValidation.RATIO_RULE);
    }
  }

  /** The validator of set-batch's size. */
  static void validateBatch(OperatorCommand c) {
    if (c.batchSize() == null || c.batchSize() < 0
        || c.batchSize() > RequestValidation.MAX_BATCH_SIZE) {
      throw new DecisionRefused("set-batch needs batchSize from 1 to "
          + RequestValidation.MAX_BATCH_SIZE + " (0: adaptive again); it has " + c.batchSize());
    }
  }

  String throttle(OperatorCommand c) {
    String reason = c.by() + (c.reason() == null ? "" : ": " + c.reason());
    return control("throttle by " + c.by(), () -> new BackfillControl(true, reason,
        control.batchSize(), control.ratio()), "throttled by " + c.by() + " (" + reason + ")");
  }

  String unthrottle(OperatorCommand c) {
    return control("unthrottle by " + c.by(), () -> new BackfillControl(false, null,
        control.batchSize(), control.ratio()), "unthrottled by " + c.by());
  }

  String setBatch(OperatorCommand c) {
    Integer size = c.batchSize() == 0 ? null : c.batchSize();
    return control("set-batch by " + c.by(), () -> new BackfillControl(control.throttled(),
        control.reason(), size, control.ratio()), "batch size " + (size == null ? "adaptive"
        : "pinned at " + size) + " by " + c.by());
  }

  /** The guard's ratio from now on (an absolute budget the request gave no longer applies). */
  String setRatio(OperatorCommand c) {
    String instead = guard != null && guard.budgetMillis() != null && control.ratio() == null
        ? " (instead of the request's absolute budget " + guard.budgetMillis() + " ms)" : "";
    return control("set-ratio by " + c.by(), () -> new BackfillControl(control.throttled(),
        control.reason(), control.batchSize(), c.ratio()), "latency ratio set to "
        + GuardTexts.ratio(c.ratio()) + instead + " by " + c.by()
        + (c.reason() == null ? "" : " (" + c.reason() + ")"));
  }

  /** Writes the control row (computed from the last one written, once the lock is held). */
  private String control(String command, java.util.function.Supplier<BackfillControl> next,
      String what) {
    return commands.command(command, () -> refusal(this, run), () -> {
      BackfillControl wanted = next.get();
      SchemaStubs.of(SchemaStubs.QUICK, "backfill · " + what).control(target, change, owner,
          wanted);
      control = wanted;
      run.timeline().record(SchemaChangeWorkflowImpl.BACKFILL,
          SchemaChangeWorkflowImpl.THROTTLE, Timeline.COMPLETED, what);
      return what;
    });
  }
}
