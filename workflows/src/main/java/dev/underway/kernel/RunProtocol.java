package dev.underway.kernel;

import io.temporal.failure.ActivityFailure;
import io.temporal.failure.ApplicationFailure;
import io.temporal.failure.CanceledFailure;
import io.temporal.workflow.Workflow;
import java.util.List;
import java.util.function.Supplier;

/**
 * The protocol every runbook's workflow follows, owned by the kernel: the workflow method calls
 * {@link #execute}, which validates the request, refuses it before anything changes, marks the
 * run started, runs the body (the business sequence), ends the run as the body's {@link Ending}
 * says (or as an accepted abort, a Temporal cancellation or a failure says), and waits for
 * running handlers before the run completes. The runbook gives its words for the endings
 * ({@link #afterAbort}, {@link #afterCancel}, {@link #refusal}) and its result ({@link
 * #result}); a runbook whose operator commands run activities runs each ending inside its own
 * lock ({@link #ending}). A runbook with gates extends {@link GatedRunProtocol}.
 *
 * @param <R> the runbook's result record
 */
public abstract class RunProtocol<R> {

  private final Run run;

  /**
   * @param runbook the runbook's name, e.g. {@code cluster-evolution}
   * @param temporalAddress printed in the gates' commands when it is not the default; or null
   * @param own the runbook's own failure types (which of them are refusals), besides the
   *     kernel's {@link FailureKind}s
   */
  protected RunProtocol(String runbook, String temporalAddress, List<? extends FailureType> own) {
    run = new Run(runbook, temporalAddress);
    run.endings.declare(own);
  }

  /** The run every handler and the body use. */
  protected final Run run() {
    return run;
  }

  /**
   * The protocol: see the class. {@code validation} lists every problem of the request (empty
   * when it is valid); {@code body} returns how the run completed, or throws {@link
   * RunStopped}.
   */
  protected final R execute(RunSetup setup, Supplier<List<String>> validation,
      Supplier<Ending> body) {
    run.configure(setup.targetKey(), setup.approval(), setup.requestedBy(), setup.dryRun(),
        setup.sequence());
    run.timeline().step(Timeline.RUN, Run.VALIDATE);
    List<String> problems = validation.get();
    if (!problems.isEmpty()) {
      throw ending(() -> run.endings.fail(refusal(String.join("; ", problems)),
          FailureKind.INVALID_REQUEST.type(), true));
    }
    run.timeline().done("request is valid");
    run.started(setup.targetKey());
    try {
      Ending ended = ran(body);
      return ending(() -> run.endings.end(ended, this::result));
    } catch (ApplicationFailure | ActivityFailure | CanceledFailure e) {
      throw ending(() -> run.endings.cancelledByTemporal(e)
          ? run.endings.cancelled(afterCancel()) : run.endings.failure(e));
    }
  }

  /** The body's ending: as it returned it, or as it stopped (an abort worded here). */
  private Ending ran(Supplier<Ending> body) {
    try {
      return body.get();
    } catch (RunStopped stopped) {
      Ending e = stopped.ending();
      return e.state() == RunState.ABORTED && e.text() == null
          ? run.endings.aborted(afterAbort()) : e;
    }
  }

  /**
   * Runs the run's ending, {@code end} (its undos, state and message; the result, or the failure
   * that ends the run), and returns once no handler runs any more, so that an update's
   * activities are not cut off. A runbook whose operator commands run activities overrides it
   * to run {@code end} holding its own lock (no command then interleaves with the rollback) and
   * to wait for the handlers as its recorded runs waited. Called once per ending; a run whose
   * ending is a failure (see {@link Sequence#endsFailedUnlessCompleted}) calls it again to
   * translate that failure, which it passes on as it is.
   */
  protected <T> T ending(Supplier<T> end) {
    try {
      return end.get();
    } finally {
      Workflow.await(Workflow::isEveryHandlerFinished);
    }
  }

  /** The runbook's result, made from how the run ended (its text the run's final message). */
  protected abstract R result(Ending ending);

  /** The runbook's words after "Aborted by ... at ...": what stays done, what to do next. */
  protected String afterAbort() {
    return "";
  }

  /** The runbook's words after "Cancelled through Temporal at ...: taken as an abort.". */
  protected String afterCancel() {
    return "";
  }

  /** How a refused request is told, {@code problems} being every problem found. */
  protected String refusal(String problems) {
    return FailureType.REFUSED + ": " + problems;
  }
}
