package dev.underway.kernel;

import io.temporal.failure.ActivityFailure;
import io.temporal.failure.ApplicationFailure;
import io.temporal.workflow.Workflow;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import org.slf4j.Logger;

/**
 * The undos steps registered before they opened something (samples-java's {@code Saga}): run
 * newest first, in a detached cancellation scope (an abort or a Temporal cancellation cannot
 * stop them), each recorded in the timeline, when a run does not complete.
 */
final class Compensations {

  private static final Logger log = Workflow.getLogger(Compensations.class);

  private final Deque<Compensation> undos = new ArrayDeque<>();
  private final Timeline timeline;

  Compensations(Timeline timeline) {
    this.timeline = timeline;
  }

  void add(String name, Runnable undo) {
    undos.push(new Compensation(name, undo));
  }

  void drop(String name) {
    undos.removeIf(c -> c.name().equals(name));
  }

  /** Runs every registered undo, newest first; returns what each did (and why one failed). */
  List<String> runAll() {
    List<String> done = new ArrayList<>();
    if (undos.isEmpty()) {
      return done;
    }
    Workflow.newDetachedCancellationScope(() -> {
      while (!undos.isEmpty()) {
        Compensation c = undos.pop();
        timeline.step(Timeline.RUN, Run.UNDO);
        try {
          c.undo().run();
          timeline.finish(Timeline.UNDONE, c.name());
          done.add(c.name());
        } catch (ActivityFailure | ApplicationFailure e) {
          String why = reason(e);
          timeline.finish(Timeline.FAILED, c.name() + ": " + why
              + " (undo it by hand: see the runbook)");
          done.add(c.name() + " (FAILED: " + why + "; undo it by hand)");
          log.error("Undo '{}' failed", c.name(), e);
        }
      }
    }).run();
    return done;
  }

  /** How a run that did not complete says what its undos did. */
  static String undone(List<String> done) {
    return done.isEmpty() ? " Nothing was rolled back automatically."
        : " Undone: " + String.join("; ", done) + ". Nothing else was rolled back automatically.";
  }

  /** A failure's own sentence: an application failure's message without its type and flags. */
  static String reason(RuntimeException e) {
    Throwable cause = e instanceof ActivityFailure af && af.getCause() != null ? af.getCause() : e;
    return cause instanceof ApplicationFailure app ? app.getOriginalMessage() : cause.getMessage();
  }
}
