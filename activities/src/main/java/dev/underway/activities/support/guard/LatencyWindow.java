package dev.underway.activities.support.guard;

import org.HdrHistogram.Histogram;

/**
 * The probe's recent readings (a ring of the last {@code capacity}, each with when it was
 * taken) and their percentiles over a rolling span, computed with HdrHistogram (microseconds,
 * three significant digits). Time is the caller's (nanoseconds, as {@link System#nanoTime}), so
 * the window is as testable as the controller. Thread-safe.
 */
final class LatencyWindow {

  /** Percentiles of the readings in a span; {@code samples} zero: none (the others are 0). */
  record Reading(int samples, double p95Ms, double p99Ms) {}

  private final long spanNanos;
  private final long[] at;
  private final long[] micros;
  private final Histogram histogram = new Histogram(3);
  private int next;
  private int size;

  /**
   * @param spanNanos how far back a rolling reading looks
   * @param capacity the most readings kept (older ones fall out even within the span)
   */
  LatencyWindow(long spanNanos, int capacity) {
    if (spanNanos <= 0 || capacity <= 0) {
      throw new IllegalArgumentException("a latency window needs a span and a capacity");
    }
    this.spanNanos = spanNanos;
    this.at = new long[capacity];
    this.micros = new long[capacity];
  }

  synchronized void record(long atNanos, long readingMicros) {
    at[next] = atNanos;
    micros[next] = Math.max(0, readingMicros);
    next = (next + 1) % at.length;
    size = Math.min(size + 1, at.length);
  }

  /** The readings of the last span before {@code nowNanos}. */
  Reading rolling(long nowNanos) {
    return since(Long.MIN_VALUE, nowNanos);
  }

  /**
   * The readings taken at or after {@code fromNanos} within the last span before {@code
   * nowNanos} (the guard's fresh evidence after a change of duty).
   */
  synchronized Reading since(long fromNanos, long nowNanos) {
    long oldest = nowNanos - spanNanos;
    histogram.reset();
    for (int i = 0; i < size; i++) {
      long t = at[i];
      if (t - oldest >= 0 && (fromNanos == Long.MIN_VALUE || t - fromNanos >= 0)) {
        histogram.recordValue(micros[i]);
      }
    }
    long n = histogram.getTotalCount();
    if (n == 0) {
      return new Reading(0, 0, 0);
    }
    return new Reading((int) n, histogram.getValueAtPercentile(95) / 1000.0,
        histogram.getValueAtPercentile(99) / 1000.0);
  }
}
