package dev.underway.sandbox.load;

import dev.underway.sandbox.report.Figures;
import java.util.Locale;

/**
 * Live numbers for a progress line. Counts lag by at most a second (they are collected once a
 * second and at every mark).
 *
 * @param elapsedMs since start
 * @param phase current phase
 * @param step current step
 * @param opsPerSecond successful operations per second over the last second
 * @param ok successful operations so far
 * @param failed failed operations so far
 * @param missed operations not even started because the backlog was full
 * @param p99Ms p99 latency of the last few seconds; null when nothing succeeded in them
 * @param readerPathInUse whether a reader URL is currently known
 */
public record LoadSnapshot(
    long elapsedMs,
    String phase,
    String step,
    double opsPerSecond,
    long ok,
    long failed,
    long missed,
    Double p99Ms,
    boolean readerPathInUse) {

  /**
   * e.g. {@code load 98 ops/s, p99 3.2 ms, 0 errors [phase-1 / scale]}, its figures written as
   * the report writes them.
   */
  public String progressLine() {
    return String.format(Locale.ROOT, "load %s ops/s, p99 %s, %d error%s%s [%s]",
        Figures.rate(opsPerSecond), p99Ms == null ? "-" : Figures.ms(p99Ms) + " ms",
        failed, failed == 1 ? "" : "s",
        readerPathInUse ? ", reads on reader path" : "",
        step == null || step.isEmpty() ? phase : phase + " / " + step);
  }
}
