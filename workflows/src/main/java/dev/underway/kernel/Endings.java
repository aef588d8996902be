package dev.underway.kernel;

import io.temporal.failure.ActivityFailure;
import io.temporal.failure.ApplicationFailure;
import io.temporal.failure.CanceledFailure;
import io.temporal.workflow.CancellationScope;
import io.temporal.workflow.Workflow;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;
import org.slf4j.Logger;

/**
 * How a run ends: completed; rejected, aborted or expired (its undos run first, and where its
 * sequence says so it ends Failed with that kind); cancelled through Temporal (taken as an
 * abort); refused before any change; or failed (a step that failed for good, a failure raised by
 * the runbook). Each says its {@link Outcome} and clears the open gate ({@link RunView#ended}).
 * Knows which failure types are refusals: the kernel's and the runbook's own.
 */
final class Endings {

  private static final Logger log = Workflow.getLogger(Endings.class);

  private final RunView view;
  private final Timeline timeline;
  private final Decisions decisions;
  private final Compensations compensations;
  private final List<FailureType> kinds = new ArrayList<>(List.of(FailureKind.values()));

  Endings(RunView view, Timeline timeline, Decisions decisions, Compensations compensations) {
    this.view = view;
    this.timeline = timeline;
    this.decisions = decisions;
    this.compensations = compensations;
  }

  /** The runbook's own failure types, besides the kernel's. */
  void declare(List<? extends FailureType> own) {
    kinds.addAll(own);
  }

  private boolean refusal(String type) {
    return kinds.stream().anyMatch(k -> k.type().equals(type) && k.refusal());
  }

  /** Ends the run as {@code end}; one that did not complete first runs its compensations. */
  void finish(RunState end, String text) {
    List<String> undos = end != RunState.COMPLETED && end != RunState.DRY_RUN_COMPLETED
        ? compensations.runAll() : List.of();
    view.say(undos.isEmpty() ? text : text + Compensations.undone(undos));
    view.ended(end);
    log.info("Run for {} ended {}: {}", view.target() == null ? "?" : view.target(), end, text);
  }

  /**
   * Ends the run as {@code ending} says and returns the runbook's result, made from the ending
   * with the run's final message; where the sequence says so, a run that did not complete ends
   * Failed with that kind instead, the result as the failure's details.
   */
  <R> R end(Ending ending, Function<Ending, R> result) {
    finish(ending.state(), ending.text());
    R r = result.apply(ending.withText(view.message()));
    if (ending.completed() || !view.sequence().endsFailedUnlessCompleted()) {
      return r;
    }
    throw ApplicationFailure.newNonRetryableFailure(view.message(),
        FailureKind.ending(ending.state()).type(), r);
  }

  /** An accepted abort, worded where the run is: who, why, where, then {@code afterwards}. */
  Ending aborted(String afterwards) {
    String where = timeline.position();
    Decision abort = decisions.abort();
    String text = "Aborted" + (abort == null ? "" : " by " + abort.by()
        + (abort.comment() == null ? "" : " (" + abort.comment() + ")"))
        + " at " + where + ". " + afterwards;
    timeline.record(timeline.stage() == null ? Timeline.RUN : timeline.stage(), Run.ABORT,
        Timeline.COMPLETED, text);
    return new Ending(RunState.ABORTED, where, text);
  }

  /** Whether {@code e} is a Temporal cancellation that this run's sequence takes as an abort. */
  boolean cancelledByTemporal(RuntimeException e) {
    boolean canceled = e instanceof CanceledFailure
        || (e instanceof ActivityFailure af && af.getCause() instanceof CanceledFailure);
    return canceled && view.sequence().takesCancellationAsAbort()
        && CancellationScope.current().isCancelRequested();
  }

  /**
   * The run was cancelled through Temporal: recorded as an abort, its undos run (in a detached
   * scope: the cancellation cannot stop them); returns the failure that ends the run Canceled.
   */
  CanceledFailure cancelled(String afterwards) {
    String text = "Cancelled through Temporal at " + timeline.position() + ": taken as an abort. "
        + afterwards;
    Workflow.newDetachedCancellationScope(() -> {
      timeline.failInProgress("cancelled through Temporal");
      timeline.record(timeline.stage() == null ? Timeline.RUN : timeline.stage(), Run.ABORT,
          Timeline.COMPLETED, text);
      List<String> undos = compensations.runAll();
      view.say(undos.isEmpty() ? text : text + Compensations.undone(undos));
      view.ended(RunState.CANCELED);
    }).run();
    log.info("Run for {} cancelled through Temporal: {}", view.target(), text);
    return new CanceledFailure(text);
  }

  /**
   * The failure that ends a run with {@code text}: a refusal ({@code nothingChanged}) says so;
   * any other first runs the undos and says what they undid.
   */
  ApplicationFailure fail(String text, String type, boolean nothingChanged) {
    timeline.failInProgress(text);
    view.say(text + (nothingChanged ? "" : Compensations.undone(compensations.runAll())));
    view.ended(nothingChanged ? RunState.REFUSED : RunState.FAILED);
    return ApplicationFailure.newNonRetryableFailure(view.message(), type);
  }

  /**
   * The failure that ends a run for {@code e}: raised by the runbook's code (a refusal, a
   * failed verification) or by a step that failed for good; an ending's own failure (see
   * {@link #end}) and anything else as it is.
   */
  RuntimeException failure(RuntimeException e) {
    if (e instanceof ApplicationFailure af && FailureKind.of(af.getType()).ending()) {
      return af; // how the run ends (see end): not a failure to report again
    }
    if (e instanceof ApplicationFailure af) {
      String why = af.getOriginalMessage();
      boolean refused = refusal(af.getType());
      return fail(refused ? why : timeline.position() + ": " + why, af.getType(), refused);
    }
    if (e instanceof ActivityFailure af) {
      Throwable cause = af.getCause();
      String type = cause instanceof ApplicationFailure app ? app.getType() : "ActivityFailed";
      String why = cause instanceof ApplicationFailure app ? app.getOriginalMessage()
          : cause == null ? af.getMessage() : cause.getMessage();
      return fail(timeline.position() + " failed: " + why, type, false);
    }
    return e;
  }
}
