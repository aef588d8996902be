package dev.underway.sandbox.engine.postgres;

import dev.underway.activities.support.guard.BytePacer;
import dev.underway.activities.support.guard.LatencyGuard;
import dev.underway.guard.GuardState;
import java.io.InterruptedIOException;
import java.time.Duration;
import java.util.Locale;
import java.util.function.Consumer;

/**
 * Counts the bytes a base backup's copy has made, reports them with the rate, and holds the copy
 * back: never faster than {@code maxBytesPerSecond} (0: no such limit), as {@code pg_basebackup
 * --max-rate} does, and, with a latency guard, as the guard says: under a ceiling, a byte rate of
 * duty x ceiling ({@link BytePacer}); without one, a rest after each chunk ({@link
 * LatencyGuard#restAfter}, work a slice, rest a slice). The primary keeps serving while its files
 * are read.
 */
final class CopyMeter {

  private final long maxBytesPerSecond;
  private final LatencyGuard guard;
  private final BytePacer pacer;
  private final Consumer<CopyMeter> progress;
  private final long startedNanos = System.nanoTime();
  private long bytes;
  private long restedNanos;

  /** A copy without a guard, at most {@code maxBytesPerSecond} (0: as fast as the disk goes). */
  CopyMeter(long maxBytesPerSecond, java.util.function.LongConsumer progress) {
    this(maxBytesPerSecond, null, m -> progress.accept(m.bytes()));
  }

  /**
   * A copy paced by {@code guard} (null: none) beneath {@code maxBytesPerSecond} (0: no
   * ceiling), reporting itself to {@code progress} after every chunk.
   */
  CopyMeter(long maxBytesPerSecond, LatencyGuard guard, Consumer<CopyMeter> progress) {
    if (maxBytesPerSecond < 0) {
      throw new IllegalArgumentException("maxBytesPerSecond must be >= 0");
    }
    this.maxBytesPerSecond = maxBytesPerSecond;
    this.guard = guard;
    this.pacer = guard != null && maxBytesPerSecond > 0 ? guard.pacer(maxBytesPerSecond) : null;
    this.progress = progress;
  }

  void copied(long n) throws InterruptedIOException {
    copied(n, Duration.ZERO);
  }

  /** {@code n} more bytes were copied, which took {@code worked}: holds the copy as it must. */
  void copied(long n, Duration worked) throws InterruptedIOException {
    bytes += n;
    try {
      if (pacer != null) {
        long start = System.nanoTime();
        pacer.pace(n);
        restedNanos += System.nanoTime() - start;
      } else if (guard != null) {
        Duration rest = guard.restAfter(worked);
        if (!rest.isZero()) {
          Thread.sleep(rest.toMillis(), (int) (rest.toNanos() % 1_000_000));
          restedNanos += rest.toNanos();
        }
      }
      if (maxBytesPerSecond > 0) {
        long dueNanos = bytes * 1_000_000_000L / maxBytesPerSecond;
        long aheadMillis = (dueNanos - (System.nanoTime() - startedNanos)) / 1_000_000L;
        if (aheadMillis > 0) {
          Thread.sleep(aheadMillis);
        }
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new InterruptedIOException("base backup interrupted");
    }
    progress.accept(this);
  }

  long bytes() {
    return bytes;
  }

  /** The copy's average rate so far, bytes a second. */
  long bytesPerSecond() {
    long nanos = Math.max(1, System.nanoTime() - startedNanos);
    return Math.round(bytes * 1e9 / nanos);
  }

  /**
   * The rate the copy is held to now: duty x ceiling under a ceiling with a guard, the ceiling
   * without a guard; null without a ceiling (the guard's rests then hold it).
   */
  Long targetBytesPerSecond() {
    return pacer != null ? Long.valueOf(pacer.bytesPerSecond())
        : maxBytesPerSecond > 0 ? Long.valueOf(maxBytesPerSecond) : null;
  }

  /** The guard's state now; null without a guard. */
  GuardState guardState() {
    return guard == null ? null : guard.state();
  }

  /** How long the guard held the copy back so far. */
  Duration rested() {
    return Duration.ofNanos(restedNanos);
  }

  /** {@code 48 MiB copied at 12.3 MiB/s (held to 16.0 MiB/s); latency guard slowed: ...}. */
  String describe() {
    StringBuilder s = new StringBuilder().append(bytes / (1024 * 1024)).append(" MiB copied at ")
        .append(mib(bytesPerSecond()));
    Long target = targetBytesPerSecond();
    if (target != null) {
      s.append(" (held to ").append(mib(target)).append(')');
    }
    GuardState state = guardState();
    if (state != null) {
      s.append("; ").append(state.summary());
    }
    return s.toString();
  }

  private static String mib(long bytesPerSecond) {
    return String.format(Locale.ROOT, "%.1f MiB/s", bytesPerSecond / (1024.0 * 1024.0));
  }
}
