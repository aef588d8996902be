package dev.underway.kernel;

import io.temporal.workflow.Promise;
import io.temporal.workflow.TimerOptions;
import io.temporal.workflow.Workflow;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.function.Function;
import java.util.function.Supplier;
import org.slf4j.Logger;

/**
 * A run that does not go on: state HOLDING (search attribute too) with the reason as its
 * message, either while a runbook's health check finds its target unhealthy (re-checked at
 * growing intervals) or for a reason of the runbook's own until it releases the hold.
 */
final class Holding {

  private static final Logger log = Workflow.getLogger(Holding.class);

  private final RunView view;
  private final Timeline timeline;
  private final AbortableSteps steps;

  Holding(RunView view, Timeline timeline, AbortableSteps steps) {
    this.view = view;
    this.timeline = timeline;
    this.steps = steps;
  }

  /**
   * The first healthy observation ({@code observed} when it is healthy already), or null when an
   * abort stopped the hold. Nothing else happens while holding. Runs of sequences that did not
   * hold go on at once.
   */
  <T> T whileUnhealthy(String stage, T observed, Function<T, List<String>> problems,
      Supplier<T> observe) {
    List<String> found = view.sequence().holdsWhileUnhealthy() ? problems.apply(observed)
        : List.of();
    if (found.isEmpty()) {
      return observed;
    }
    timeline.step(stage, Run.HOLD);
    view.setState(RunState.HOLDING);
    long since = Workflow.currentTimeMillis();
    Duration interval = Run.HOLD_FIRST_RECHECK;
    T now = observed;
    while (!found.isEmpty()) {
      String reasons = String.join("; ", found);
      view.say("Holding at " + stage + " because the target is unhealthy: " + reasons
          + ". Nothing is changed while holding; re-checking every " + interval
          + " (up to " + Run.HOLD_MAX_RECHECK + "). Fix it, or abort the run.");
      timeline.progress(reasons + "; next check at "
          + Instant.ofEpochMilli(Workflow.currentTimeMillis()).plus(interval));
      log.warn("Holding {} at {}: {}", view.target(), stage, reasons);
      now = abortedDuring(stage, interval, reasons) ? null : steps.abortable(observe);
      if (now == null) {
        view.say(null);
        timeline.finish(Timeline.ABORTED, "aborted while holding: " + reasons);
        return null;
      }
      found = problems.apply(now);
      interval = interval.multipliedBy(2).compareTo(Run.HOLD_MAX_RECHECK) > 0
          ? Run.HOLD_MAX_RECHECK : interval.multipliedBy(2);
    }
    view.say(null);
    timeline.done("healthy again after "
        + Duration.ofMillis(Workflow.currentTimeMillis() - since).toSeconds() + " s");
    view.setState(RunState.RUNNING);
    return now;
  }

  /** Waits {@code interval} (a named timer where the sequence has them); true when aborted. */
  private boolean abortedDuring(String stage, Duration interval, String reasons) {
    if (!view.sequence().waitsOnNamedTimers()) {
      return Workflow.await(interval, steps::abortRequested);
    }
    Promise<Void> timer = Workflow.newTimer(interval, TimerOptions.newBuilder()
        .setSummary(stage + " · hold: " + reasons).build());
    Workflow.await(() -> steps.abortRequested() || timer.isCompleted());
    return steps.abortRequested();
  }

  /** The run holds for {@code why} (the runbook's own reason) until {@link #released}. */
  void holding(String why) {
    view.say(why);
    if (view.state() != RunState.HOLDING) {
      view.setState(RunState.HOLDING);
    } else {
      view.refresh();
    }
  }

  /** The hold of {@link #holding} is over: the run runs again. */
  void released() {
    view.say(null);
    if (view.state() == RunState.HOLDING) {
      view.setState(RunState.RUNNING);
    }
  }
}
