package dev.underway.kernel;

import java.util.List;
import java.util.Locale;

/**
 * How far the running step is, as the run's page shows it (no JSON): any runbook sets it with
 * {@code Run.progress} each time it learns it; the page shows it while that step runs.
 *
 * @param done units done so far
 * @param total units to do, or null when unknown
 * @param totalEstimated whether {@code total} is an estimate (shown with {@code ~})
 * @param unit what is counted, plural, e.g. {@code rows}
 * @param perSecond the rate, rounded, in units per second; null when unknown
 * @param etaSeconds seconds left at that rate; null when unknown or while paused
 * @param state what the step is doing now in words, starting with {@code running} while it
 *     moves: {@code running}, {@code running, slowed: latency: probe 80 ms > 50 ms}, {@code
 *     paused: replica lag: standby1 3.2 s > 1.5 s}, {@code paused: throttled by alice: deploy}
 *     (any other start means paused: no ETA is shown)
 * @param details further lines, each {@code name: value} (batch size, a guard's state)
 * @param at when these figures were read (ISO-8601), or null
 */
public record StepProgress(long done, Long total, boolean totalEstimated, String unit,
    Long perSecond, Long etaSeconds, String state, List<String> details, String at) {

  public StepProgress {
    details = details == null ? List.of() : List.copyOf(details);
  }

  /** {@code 12,345}: thousands separated, as people read counts. */
  public static String count(long n) {
    return String.format(Locale.ROOT, "%,d", n);
  }

  /** {@code 45 s}, {@code 3 min 20 s}, {@code 2 h 05 min}. */
  public static String duration(long seconds) {
    if (seconds < 60) {
      return seconds + " s";
    }
    if (seconds < 3600) {
      return seconds / 60 + " min " + seconds % 60 + " s";
    }
    return seconds / 3600 + " h " + String.format(Locale.ROOT, "%02d", seconds % 3600 / 60)
        + " min";
  }

  /** The figures as Markdown lines, for the run's page. */
  String markdown() {
    StringBuilder b = new StringBuilder();
    b.append("- **Done:** ").append(count(done)).append(' ').append(unit);
    if (total != null) {
      b.append(" of ").append(totalEstimated ? "~" : "").append(count(total))
          .append(totalEstimated ? " (estimated)" : "");
      if (total > 0) {
        b.append(" · ").append(Math.min(100, done * 100 / total)).append('%');
      }
    }
    b.append('\n');
    b.append("- **Rate:** ").append(perSecond == null ? "not known yet"
        : count(perSecond) + " " + unit + "/s").append('\n');
    b.append("- **ETA:** ").append(etaSeconds != null ? duration(etaSeconds)
        : paused() ? "none while " + RunDetails.text(state) : "not known yet").append('\n');
    b.append("- **State:** ").append(RunDetails.text(state)).append('\n');
    for (String d : details) {
      int colon = d.indexOf(": ");
      b.append("- ").append(colon < 0 ? RunDetails.text(d) : "**" + RunDetails.text(
          d.substring(0, colon)) + ":** " + RunDetails.text(d.substring(colon + 2))).append('\n');
    }
    return b.toString();
  }

  private boolean paused() {
    return state != null && !state.startsWith("running");
  }
}
