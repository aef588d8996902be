package dev.underway.sandbox.report;

import java.util.Locale;

/**
 * How the sandbox writes durations, rates and ratios, in the terminal and in the report alike:
 * {@code 412 ms}, {@code 6.9 s}, {@code 4 min 05 s}, {@code 1 h 02 min}; {@code 200},
 * {@code 37.5}, {@code 0.25}; {@code 1.10×}.
 */
public final class Figures {
  private Figures() {}

  /** A duration rounded to what a person reads: ms below a second, tenths below a minute. */
  public static String duration(long ms) {
    if (ms < 0) {
      return "-" + duration(-ms);
    }
    if (ms < 1000) {
      return ms + " ms";
    }
    long tenths = Math.round(ms / 100.0);
    if (tenths < 600) {
      return String.format(Locale.ROOT, "%d.%d s", tenths / 10, tenths % 10);
    }
    long s = Math.round(ms / 1000.0);
    if (s < 3600) {
      return String.format(Locale.ROOT, "%d min %02d s", s / 60, s % 60);
    }
    long min = Math.round(ms / 60_000.0);
    return String.format(Locale.ROOT, "%d h %02d min", min / 60, min % 60);
  }

  /**
   * A number with as many decimals as it needs to be read: none from 100 (or when whole), one
   * from 10, two below.
   */
  public static String number(double v) {
    if (Double.isNaN(v) || Double.isInfinite(v)) {
      return "-";
    }
    if (v == Math.rint(v) && Math.abs(v) < 1e15) {
      return Long.toString((long) v);
    }
    double a = Math.abs(v);
    return String.format(Locale.ROOT, a >= 100 ? "%.0f" : a >= 10 ? "%.1f" : "%.2f", v);
  }

  /** A rate per second, e.g. {@code 199.5 ops/s} as {@code 200}: see {@link #number}. */
  public static String rate(double perSecond) {
    return number(perSecond);
  }

  /** A ratio to the baseline, e.g. {@code 1.10×}. */
  public static String ratio(double v) {
    return String.format(Locale.ROOT, "%.2f\u00d7", v);
  }

  /** A latency in milliseconds, to a tenth. */
  public static String ms(Double v) {
    return v == null ? "-" : String.format(Locale.ROOT, "%.1f", v);
  }

  /** What a phase shorter than the load's counting interval shows instead of a rate. */
  public static String tooShortForRate(long durationMs) {
    return duration(durationMs) + " \u2014 too short for a rate";
  }
}
