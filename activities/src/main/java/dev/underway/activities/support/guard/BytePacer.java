package dev.underway.activities.support.guard;

import java.time.Duration;
import java.util.function.DoubleSupplier;

/**
 * Paces a bulk copy to {@code duty x ceiling} bytes per second (a token bucket with a burst of
 * {@link #BURST}): the copy calls {@link #pace} after each chunk and is held as long as the
 * bytes sent so far are ahead of the rate. The duty is read at each call (the guard's {@link
 * LatencyGuard#adjust}), so the rate follows the guard. {@link #delayNanos} is the pure part.
 */
public final class BytePacer {

  /** How far ahead of the rate a copy may run (one chunk of a burst, not a stall per chunk). */
  public static final Duration BURST = Duration.ofMillis(100);

  private final long ceilingBytesPerSecond;
  private final DoubleSupplier duty;
  private long paidUntilNanos = Long.MIN_VALUE;

  /**
   * @param ceilingBytesPerSecond the rate at full duty (e.g. what the disk allows)
   * @param duty the duty cycle now, in (0, 1]
   */
  public BytePacer(long ceilingBytesPerSecond, DoubleSupplier duty) {
    if (ceilingBytesPerSecond <= 0) {
      throw new IllegalArgumentException("a copy's ceiling must be a positive byte rate");
    }
    this.ceilingBytesPerSecond = ceilingBytesPerSecond;
    this.duty = duty;
  }

  /** The byte rate now: the duty times the ceiling, at least one byte per second. */
  public long bytesPerSecond() {
    double d = duty.getAsDouble();
    return Math.max(1, Math.round(ceilingBytesPerSecond * Math.max(0, Math.min(1, d))));
  }

  /**
   * After {@code bytes} more were sent at {@code nowNanos}: how long to wait before sending more
   * (zero while within the burst).
   */
  public synchronized long delayNanos(long bytes, long nowNanos) {
    long burst = BURST.toNanos();
    if (paidUntilNanos == Long.MIN_VALUE || paidUntilNanos - (nowNanos - burst) < 0) {
      paidUntilNanos = nowNanos - burst; // idle: at most one burst of credit
    }
    double cost = Math.max(0, bytes) * 1e9 / bytesPerSecond();
    paidUntilNanos += (long) Math.min(cost, Long.MAX_VALUE / 4.0);
    long ahead = paidUntilNanos - nowNanos;
    return Math.max(0, ahead);
  }

  /** After {@code bytes} more were sent: waits as long as the rate asks. */
  public void pace(long bytes) throws InterruptedException {
    long delay = delayNanos(bytes, System.nanoTime());
    if (delay > 0) {
      Thread.sleep(delay / 1_000_000, (int) (delay % 1_000_000));
    }
  }
}
