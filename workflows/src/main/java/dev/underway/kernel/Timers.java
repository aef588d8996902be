package dev.underway.kernel;

import io.temporal.workflow.Promise;
import io.temporal.workflow.TimerOptions;
import io.temporal.workflow.Workflow;
import java.time.Duration;
import java.util.function.Supplier;

/**
 * Waits on timers that carry a summary, so that every timer bar on the run's page says what it
 * waits for (a timer of {@code Workflow.await(Duration, ...)} shows only its id). Workflow
 * code.
 */
public final class Timers {
  private Timers() {}

  /**
   * As {@code Workflow.await(timeout, condition)}, and with the same commands (one timer,
   * started even when the condition holds already, left running when the condition comes
   * true first), on a timer named {@code summary}: true when the condition came true first.
   */
  public static boolean await(Duration timeout, String summary, Supplier<Boolean> condition) {
    Promise<Void> timer = Workflow.newTimer(timeout,
        TimerOptions.newBuilder().setSummary(summary).build());
    Workflow.await(() -> timer.isCompleted() || condition.get());
    return !timer.isCompleted();
  }

  /** A duration as a person reads it: {@code 1 min}, {@code 90 s}, {@code 2 h 30 min}. */
  public static String words(Duration d) {
    if (d.toSeconds() < 120 && d.toSeconds() % 60 != 0) {
      return d.toMillis() % 1000 == 0 ? d.toSeconds() + " s" : d.toMillis() + " ms";
    }
    long h = d.toHours();
    long min = d.toMinutesPart();
    if (h == 0) {
      return d.toMinutes() + " min";
    }
    return h >= 48 && h % 24 == 0 && min == 0 ? h / 24 + " days"
        : h + " h" + (min == 0 ? "" : " " + min + " min");
  }
}
