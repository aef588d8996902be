package dev.underway.workflows.schema;

import dev.underway.kernel.Run;
import dev.underway.kernel.Timeline;
import io.temporal.failure.ApplicationFailure;
import io.temporal.workflow.Workflow;
import io.temporal.workflow.WorkflowLock;
import java.util.function.Supplier;

/**
 * One change at a time: the operator's updates that run activities ({@code revert}, {@code
 * throttle}, {@code unthrottle}, {@code set-batch}) and the run's own moves they must not
 * interleave with (a flag step, the start of the contract, the ending with its rollback) each
 * hold the SDK's workflow lock while they run. A command that waited checks again, once it holds
 * the lock, that it still applies, and is refused with a sentence when it does not; the run ends
 * only once every handler has finished, so an accepted command is applied or refused, never
 * lost.
 *
 * <p>Only waiting changes the commands a run sends (one waits for the other's activities), so
 * version {@value #SERIALISED} is asked only when the lock is taken by someone else or a handler
 * still runs at the end: a run that never met another records no marker and sends what it sent
 * before, and a run recorded before the lock replays as it ran (nothing waited).
 */
final class CommandLock {

  /** The change id of serialising the operator's commands with the run's own moves. */
  static final String SERIALISED = "serialised-updates";
  /** The timeline step while the run waits for an operator's command to finish. */
  static final String STEP = "operator";
  /** The failure type of a command refused after it was accepted (it waited, then found...). */
  static final String REFUSED = "OperatorCommandRefused";

  private final Run run;
  private final WorkflowLock lock = Workflow.newWorkflowLock();
  /** What holds the lock, e.g. "revert by carol"; null when free. */
  private String holder;
  /** The run has begun to end: commands are refused from now on. */
  private boolean ending;

  CommandLock(Run run) {
    this.run = run;
  }

  /**
   * An operator's command: runs {@code body} holding the lock (after the holder, if any), unless
   * {@code refusal}, asked once the lock is held, finds a reason it no longer applies: then it
   * is refused with that sentence, changing nothing. (Asked again: without a wait it says what
   * the validator said. A run recorded before {@value #SERIALISED} that met another went on at
   * once, unchecked, as it did.)
   */
  String command(String what, Supplier<String> refusal, Supplier<String> body) {
    boolean held = take(what, false);
    try {
      String why = !held ? null : ending && serialised() ? endingRefusal() : refusal.get();
      if (why != null) {
        throw ApplicationFailure.newNonRetryableFailure(what + " refused: " + why, REFUSED);
      }
      return body.get();
    } finally {
      release(held);
    }
  }

  /** One of the run's own moves: {@code body} holding the lock, waiting (on the timeline). */
  <T> T step(String what, Supplier<T> body) {
    boolean held = take(what, true);
    try {
      return body.get();
    } finally {
      release(held);
    }
  }

  /**
   * How the run ends (the kernel's template calls it through its {@code ending} hook): from now
   * on every command is refused; {@code end} (the rollback, the result) runs holding the lock,
   * and the run returns once every handler has finished.
   */
  <T> T ending(Supplier<T> end) {
    ending = true;
    boolean held = take("the run's ending", true);
    try {
      return end.get();
    } finally {
      release(held);
      awaitHandlers();
    }
  }

  boolean ending() {
    return ending;
  }

  /** Why a command is refused once the run has begun to end. */
  String endingRefusal() {
    return "the run is ending (at " + run.timeline().position() + "): nothing is left to"
        + " change; if it did not complete, its rollback puts the table back itself";
  }

  /** Waits until no signal or update handler runs any more (a run recorded before: not). */
  void awaitHandlers() {
    if (!Workflow.isEveryHandlerFinished() && serialised()) {
      Workflow.newDetachedCancellationScope(() -> Workflow.await(Workflow::isEveryHandlerFinished))
          .run();
    }
  }

  /**
   * Takes the lock for {@code what}; false when another holds it and the run was recorded
   * before {@value #SERIALISED} (it went on at once then). The wait is not cancellable: the
   * holder's activities end it. A wait of the run's own ({@code shown}) is on its timeline.
   */
  private boolean take(String what, boolean shown) {
    if (lock.isHeld()) {
      if (!serialised()) {
        return false;
      }
      if (shown) {
        String other = holder;
        run.timeline().record(Timeline.RUN, STEP, Timeline.STARTED, "waiting for the operator's "
            + other + " to finish");
        acquire();
        run.timeline().finish(Timeline.COMPLETED, "waited for the operator's " + other);
      } else {
        acquire();
      }
    } else {
      acquire();
    }
    holder = what;
    return true;
  }

  private void acquire() {
    Workflow.newDetachedCancellationScope(lock::lock).run();
  }

  private void release(boolean held) {
    if (held) {
      holder = null;
      lock.unlock();
    }
  }

  /** Whether this run serialises (asked only where it waits: see the class). */
  static boolean serialised() {
    return Workflow.getVersion(SERIALISED, Workflow.DEFAULT_VERSION, 1) >= 1;
  }
}
