package dev.underway.guard;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonInclude;

/**
 * What the latency guard sees and does now: a data-moving step carries it in its heartbeat
 * details (an attempt that resumes starts from it: the baseline is not sampled again under the
 * step's own load) and in the progress the status and the run's page show.
 *
 * @param mode {@link #BASELINE} (sampling the baseline, the step not started), {@link #FREE}
 *     (full duty, within budget), {@link #SLOWED} (duty lowered: over budget, or climbing back
 *     from it), {@link #FLOOR} (at the lowest duty: the step keeps its minimum rate and says
 *     so), {@link #OFF} (no guard)
 * @param baselineP99Ms the foreground's p99 before the step (null while sampling)
 * @param p99Ms the rolling p99 now
 * @param budgetMs the p99 the guard holds the foreground under
 * @param ratio the operator's ratio in force (null under an absolute budget)
 * @param duty the fraction of time the step works, from the lowest duty to 1
 * @param restMillis the rest after each slice of work now
 * @param since when this mode began (ISO-8601, the activity's clock)
 * @param reason one sentence on why, e.g. {@code "p99 4.1 ms = 1.52x baseline 2.7 ms > 1.25x"}
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
@JsonIgnoreProperties(ignoreUnknown = true)
public record GuardState(
    String mode,
    Double baselineP99Ms,
    Double p99Ms,
    Double budgetMs,
    Double ratio,
    double duty,
    Long restMillis,
    String since,
    String reason) {

  public static final String BASELINE = "baseline";
  public static final String FREE = "free";
  public static final String SLOWED = "slowed";
  public static final String FLOOR = "floor";
  public static final String OFF = "off";

  /** The p99 now as a multiple of the baseline; null while either is unknown. */
  public Double p99Ratio() {
    return p99Ms == null || baselineP99Ms == null || baselineP99Ms <= 0 ? null
        : p99Ms / baselineP99Ms;
  }

  /** One line for the timeline and the status. */
  public String summary() {
    StringBuilder s = new StringBuilder("latency guard ").append(mode);
    if (baselineP99Ms != null) {
      s.append(String.format(java.util.Locale.ROOT, ": baseline p99 %.1f ms", baselineP99Ms));
    }
    Double r = p99Ratio();
    if (p99Ms != null) {
      s.append(String.format(java.util.Locale.ROOT, ", p99 %.1f ms", p99Ms));
      if (r != null) {
        s.append(String.format(java.util.Locale.ROOT, " (%.2fx)", r));
      }
    }
    if (budgetMs != null) {
      s.append(String.format(java.util.Locale.ROOT, ", budget %.1f ms", budgetMs));
    }
    s.append(String.format(java.util.Locale.ROOT, ", duty %d%%", Math.round(duty * 100)));
    if (reason != null && !FREE.equals(mode)) {
      s.append(" — ").append(reason);
    }
    return s.toString();
  }
}
