package dev.underway.activities.support.guard;

import dev.underway.guard.GuardSettings;
import dev.underway.guard.GuardState;
import java.time.Duration;
import java.util.function.Consumer;

/**
 * The latency guard every data-moving step shares (the backfill, the verify, the sandbox's
 * base-backup copy, the CockroachDB snapshot rate; later the tenant copies and the server move's
 * initial copy).
 *
 * <p>Before the step starts, {@link #awaitBaseline} samples the foreground with the probe, at a
 * fixed rate on a thread of the guard's own, for the baseline p99 (an attempt resumed from a
 * {@link GuardState} that carries one keeps it). During the step the probe keeps sampling; after
 * every slice of work the step calls {@link #restAfter} and rests as long as it says: the guard
 * compares the rolling p99 with the budget ({@code ratio} x baseline, never under the floor, or
 * the absolute budget) and moves the duty cycle, additive increase while under budget,
 * multiplicative decrease while over (as gh-ost's nice-ratio and TCP). It never stops the step:
 * at its lowest duty the step keeps a minimum rate and the state says so. A step that sets a
 * rate instead of resting (a byte rate, a cluster setting) calls {@link #adjust} and scales its
 * rate by the duty.
 *
 * <p>Thread-safe: the sampler thread writes readings, the step's thread reads the state.
 */
public final class LatencyGuard implements AutoCloseable {

  private final GuardSettings settings;
  private final ForegroundProbe probe;
  private volatile GuardState state;

  private LatencyGuard(GuardSettings settings, ForegroundProbe probe, GuardState resume) {
    this.settings = settings == null ? GuardSettings.defaults() : settings;
    this.probe = probe;
    this.state = resume;
  }

  /**
   * A guard for one step attempt; the probe starts sampling at once on the guard's thread.
   *
   * @param resume the last state a previous attempt heartbeated (its baseline is kept), or null
   */
  public static LatencyGuard open(GuardSettings settings, ForegroundProbe probe,
      GuardState resume) {
    return new LatencyGuard(settings, probe, resume);
  }

  /**
   * Samples the baseline for {@link GuardSettings#baselineMillisOrDefault()} unless the resumed
   * state carries one; calls {@code tick} about every second meanwhile (the step heartbeats).
   */
  public void awaitBaseline(Consumer<GuardState> tick) {
    // skeleton: filled in by the guard's implementation
  }

  /**
   * After a slice of work that took {@code worked}: moves the duty cycle from the rolling p99,
   * and returns the rest to take before the next slice ({@code worked x (1 - duty) / duty}).
   */
  public Duration restAfter(Duration worked) {
    return Duration.ZERO;
  }

  /** Moves the duty cycle from the rolling p99 now; returns it (for steps that set a rate). */
  public double adjust() {
    return 1.0;
  }

  /** The operator's new ratio (the absolute budget, if any, no longer applies). */
  public void ratio(double ratio) {
    // skeleton
  }

  /** What the guard sees and does now (heartbeated by the step). */
  public GuardState state() {
    return state == null ? new GuardState(GuardState.OFF, null, null, null, null, 1.0, 0L, null,
        null) : state;
  }

  /** Stops the sampler and closes the probe. */
  @Override
  public void close() {
    try {
      if (probe != null) {
        probe.close();
      }
    } catch (Exception e) {
      // the probe's connection is the guard's own: nothing else depends on its close
    }
  }
}
