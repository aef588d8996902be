package dev.underway.kernel;

import io.temporal.failure.ActivityFailure;
import io.temporal.failure.CanceledFailure;
import io.temporal.workflow.CancellationScope;
import io.temporal.workflow.Workflow;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Supplier;

/**
 * Steps an abort stops: each runs its activities in a cancellation scope that an accepted abort
 * cancels, so the abort takes effect at once even while the step is being retried. An attempt
 * already running may still finish its (idempotent) change. Each answers null or false when an
 * abort stopped it (or had been accepted before it began); {@link Run} turns that into {@link
 * RunStopped}.
 */
final class AbortableSteps {

  private final Decisions decisions;
  private final RunView view;
  private final Timeline timeline;
  /** The scope of the step in progress, cancelled by an abort. */
  private CancellationScope stepScope;

  AbortableSteps(Decisions decisions, RunView view, Timeline timeline) {
    this.decisions = decisions;
    this.view = view;
    this.timeline = timeline;
  }

  boolean abortRequested() {
    return decisions.abort() != null;
  }

  /** An abort was accepted: the step in progress, if any, is cancelled. */
  void cancelRunning(String why) {
    if (stepScope != null) {
      stepScope.cancel(why);
    }
  }

  /**
   * {@code call}'s answer, or null when an abort stopped it. Runs of sequences whose steps an
   * abort does not cancel run it uncancelled, as they did.
   */
  <T> T abortable(Supplier<T> call) {
    if (abortRequested()) {
      return null;
    }
    if (!view.sequence().cancelsSteps()) {
      return call.get();
    }
    List<T> result = new ArrayList<>(1);
    return inScope(() -> result.add(call.get())) ? result.get(0) : null;
  }

  /** A mutating step, in the timeline. False when an abort was accepted before or during it. */
  boolean change(String stage, String step, Supplier<ChangeResult> action) {
    if (abortRequested()) {
      return false;
    }
    timeline.step(stage, step);
    ChangeResult r = abortable(action);
    if (r == null) {
      timeline.finish(Timeline.ABORTED, "aborted: the step was cancelled; an attempt already"
          + " running may still complete its change (it is idempotent: a new run converges)");
      return false;
    }
    timeline.done(r.object() + ": " + r.outcome().name().toLowerCase() + " (" + r.detail()
        + ")");
    return true;
  }

  /** A wait, in the timeline; an abort cancels it (in every sequence). False when aborted. */
  boolean await(String stage, String step, Supplier<String> wait) {
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
}
