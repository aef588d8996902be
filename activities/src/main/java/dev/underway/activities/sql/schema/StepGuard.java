package dev.underway.activities.sql.schema;

import dev.underway.activities.support.Polling;
import dev.underway.activities.support.guard.ForegroundProbe;
import dev.underway.activities.support.guard.LatencyGuard;
import dev.underway.guard.GuardSettings;
import dev.underway.guard.GuardState;
import dev.underway.workflows.schema.contract.BackfillProgress;
import dev.underway.workflows.schema.contract.BackfillSettings;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.function.Consumer;

/**
 * The latency guard as the backfill and the verify use it: opened before the first batch (or
 * chunk) from the step's {@link GuardSettings}, resumed from the state a previous attempt
 * heartbeated (its baseline kept), asked after every batch how long to rest, told the operator's
 * ratio, and remembering its last {@value BackfillProgress#GUARD_CHANGES_KEPT} changes of mode
 * for the timeline. The rest is taken in slices of at most {@link #REST_SLICE}, the step told
 * after each (it heartbeats).
 */
final class StepGuard implements AutoCloseable {

  private static final org.slf4j.Logger log = org.slf4j.LoggerFactory.getLogger(StepGuard.class);

  /** The longest sleep between two heartbeats while resting. */
  static final Duration REST_SLICE = Duration.ofSeconds(1);
  /** How long runs recorded before the guard (an absolute budget) sample a baseline. */
  static final long LEGACY_BASELINE_MILLIS = 1_000;

  private final LatencyGuard guard;
  private final GuardSettings settings;
  private Double ratioApplied;

  private StepGuard(LatencyGuard guard, GuardSettings settings) {
    this.guard = guard;
    this.settings = settings;
  }

  /**
   * A guard over {@code probe}, resumed from {@code resume}'s state and changes (null: a first
   * attempt, which samples its baseline).
   */
  static StepGuard open(GuardSettings settings, ForegroundProbe probe, GuardState resume,
      List<GuardState> changesBefore) {
    GuardSettings s = settings == null ? GuardSettings.defaults() : settings;
    return new StepGuard(LatencyGuard.open(s, probe, resume, changesBefore), s);
  }

  /**
   * The guard's settings of a backfill: its own, or for a run recorded before the guard (none)
   * its {@code latencyBudgetMillis} as an absolute budget over its {@code latencyProbe} (null: the
   * default probe), or no guard when it had no budget, so that such a run behaves as before.
   */
  static GuardSettings of(BackfillSettings s) {
    if (s.guard() != null) {
      return s.guard();
    }
    if (s.latencyBudgetMillis() == null) {
      return GuardSettings.disabled();
    }
    String probe = s.latencyProbe() == null || s.latencyProbe().isBlank() ? null
        : s.latencyProbe();
    return new GuardSettings(null, null, s.latencyBudgetMillis(), probe, null,
        LEGACY_BASELINE_MILLIS, null);
  }

  GuardSettings settings() {
    return settings;
  }

  /** Samples the baseline unless resumed with one; {@code tick} about every second. */
  void awaitBaseline(Consumer<GuardState> tick) {
    guard.awaitBaseline(tick);
  }

  /**
   * Applies the operator's ratio ({@code set-ratio}) when it changed since the last call; null
   * once one was applied: back to the request's ratio (if the request had one).
   */
  void ratio(Double operators) {
    if (Objects.equals(operators, ratioApplied)) {
      return;
    }
    if (operators != null && !(operators >= 1.0 && operators < Double.POSITIVE_INFINITY)) {
      // set by hand in the control row: the workflow's set-ratio refuses it before
      log.warn("The control row's guard ratio {} is not a number of at least 1: ignored",
          operators);
      ratioApplied = operators;
      return;
    }
    if (operators != null) {
      guard.ratio(operators);
    } else if (settings.ratio() != null || settings.budgetMillis() == null) {
      guard.ratio(settings.ratioOrDefault());
    }
    ratioApplied = operators;
  }

  /**
   * After a slice of work that took {@code worked}: the guard moves its duty cycle and says how
   * long to rest before the next slice.
   */
  Duration restFor(Duration worked) {
    Duration rest = guard.restAfter(worked);
    return rest == null || rest.isNegative() ? Duration.ZERO : rest;
  }

  /**
   * Rests {@code rest} in slices of at most {@link #REST_SLICE}, telling {@code tick} after
   * each (the step heartbeats); returns the nanoseconds rested.
   */
  long rest(Duration rest, Runnable tick) {
    long rested = 0;
    while (rest.toNanos() > 0) {
      Duration slice = rest.compareTo(REST_SLICE) > 0 ? REST_SLICE : rest;
      long t0 = System.nanoTime();
      Polling.pause(slice.toMillis() < 1 ? Duration.ofMillis(1) : slice);
      rested += System.nanoTime() - t0;
      rest = rest.minus(slice);
      tick.run();
    }
    return rested;
  }

  GuardState state() {
    return guard.state();
  }

  /** The guard's last changes of mode, oldest first (for the timeline). */
  List<GuardState> changes() {
    return guard.changes();
  }

  /**
   * Whether the guard has judged the foreground since the step started (a rolling p99 against
   * the budget), or is off; until then the step does not speed up.
   */
  boolean judged() {
    GuardState s = guard.state();
    return GuardState.OFF.equals(s.mode()) || s.p99Ms() != null;
  }

  /** Whether the guard holds the step below full duty (the batch must not grow). */
  boolean slowed() {
    String mode = guard.state().mode();
    return GuardState.SLOWED.equals(mode) || GuardState.FLOOR.equals(mode);
  }

  /**
   * Why the step is slowed, for the progress's {@code throttle}: e.g. {@code "latency: p99 4.1 ms
   * = 1.52x baseline 2.7 ms > 1.25x, duty 40%"}; null while free.
   */
  String throttle() {
    GuardState s = guard.state();
    if (GuardState.BASELINE.equals(s.mode())) {
      return "latency guard: sampling the foreground's baseline";
    }
    if (!slowed()) {
      return null;
    }
    String why = s.reason() != null ? s.reason() : s.summary();
    return "latency: " + why + (GuardState.FLOOR.equals(s.mode()) ? ""
        : String.format(java.util.Locale.ROOT, "; duty %d%%", Math.round(s.duty() * 100)));
  }

  @Override
  public void close() {
    guard.close();
  }
}
