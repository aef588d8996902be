package dev.underway.guard;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonInclude;

/**
 * How the latency guard holds a data-moving step to what the foreground can bear: before the
 * step it samples the foreground's latency for a baseline; during it, it compares a rolling p99
 * with {@code ratio} times that baseline (never below {@code floorMillis}) and sets the step's
 * duty cycle (work a slice, rest a slice). Every field is optional; null means its default.
 *
 * @param ratio the budget as a multiple of the baseline p99 (default {@value #DEFAULT_RATIO})
 * @param floorMillis the budget is never below this many milliseconds, so that a baseline of a
 *     fraction of a millisecond does not make noise look like harm
 * @param budgetMillis an absolute budget in milliseconds instead of the ratio (the operator's
 *     number); null: the ratio decides
 * @param probe the SQL the probe runs (a statement the application runs, in a transaction that
 *     is rolled back); null: the step's default probe, which feels what writers feel (a lock of
 *     a random row, rolled back)
 * @param off true: no guard (the step runs at full duty; only the benchmark's reference runs so)
 * @param baselineMillis how long the baseline is sampled before the step starts
 * @param sampleEveryMillis how often the probe runs, on its own thread and connection
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
@JsonIgnoreProperties(ignoreUnknown = true)
public record GuardSettings(
    Double ratio,
    Long floorMillis,
    Long budgetMillis,
    String probe,
    Boolean off,
    Long baselineMillis,
    Long sampleEveryMillis) {

  public static final double DEFAULT_RATIO = 1.25;
  public static final long DEFAULT_BASELINE_MILLIS = 10_000;
  public static final long DEFAULT_SAMPLE_EVERY_MILLIS = 50;

  /** Every default: ratio {@value #DEFAULT_RATIO}, the step's own probe. */
  public static GuardSettings defaults() {
    return new GuardSettings(null, null, null, null, null, null, null);
  }

  /** No guard: the step runs at full duty. */
  public static GuardSettings disabled() {
    return new GuardSettings(null, null, null, null, true, null, null);
  }

  /** The defaults with {@code ratio}. */
  public static GuardSettings ofRatio(double ratio) {
    return new GuardSettings(ratio, null, null, null, null, null, null);
  }

  public double ratioOrDefault() {
    return ratio == null ? DEFAULT_RATIO : ratio;
  }

  public boolean isOff() {
    return Boolean.TRUE.equals(off);
  }

  public long baselineMillisOrDefault() {
    return baselineMillis == null ? DEFAULT_BASELINE_MILLIS : baselineMillis;
  }

  public long sampleEveryMillisOrDefault() {
    return sampleEveryMillis == null ? DEFAULT_SAMPLE_EVERY_MILLIS : sampleEveryMillis;
  }

  /** These settings with another ratio (the operator's {@code set-ratio}). */
  public GuardSettings withRatio(double newRatio) {
    return new GuardSettings(newRatio, floorMillis, null, probe, off, baselineMillis,
        sampleEveryMillis);
  }
}
