package dev.underway.activities.support.guard;

import dev.underway.guard.GuardSettings;
import dev.underway.guard.GuardState;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.function.Consumer;
import org.HdrHistogram.Histogram;

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
 * multiplicative decrease while over (as gh-ost's nice-ratio and TCP; {@link DutyController}).
 * It never stops the step: at its lowest duty the step keeps a minimum rate and the state says
 * so. A step that sets a rate instead of resting (a byte rate, a cluster setting) calls {@link
 * #adjust} and scales its rate by the duty ({@link #pacer} for a copy's bytes).
 *
 * <p>The rolling p99 covers the last {@value #WINDOW_SAMPLES} readings' time (5 s at the default
 * 50 ms); after a change of duty the guard acts again only on {@value #FRESH_SAMPLES} readings
 * taken since (one slow stretch is not punished twice).
 *
 * <p>Thread-safe: the sampler thread writes readings and moves the duty, the step's thread
 * reads the state.
 */
public final class LatencyGuard implements AutoCloseable {

  /**
   * The default lowest budget, 1 ms. Measured with the default probe (a row lock, rolled back,
   * every 50 ms) on an idle local PostgreSQL 17 on this project's shared 2-core machines, the
   * statement's p50 is 0.17-0.20 ms and its p99 0.4-1.1 ms; the p99 of one 5-second window
   * ranges from 0.2 to 0.9 ms on a quiet machine and up to 2.4 ms while other processes share
   * its cores. A floor of 2 ms (the first choice) was over the probe's p99 in every sandbox
   * backfill measured: the guard never acted, and the ratio made no difference to the
   * foreground. A reading now includes its rollback (a second round trip, as an application's
   * transaction has), which lifts the probe's baseline p99 to about 1-2.5 ms under the
   * sandbox's load, so that at 1 ms the ratio, not the floor, sets the budget there, while a
   * quiet window's noise (under 0.9 ms) stays under it.
   */
  public static final long DEFAULT_FLOOR_MILLIS = 1;
  /** The longest rest after one slice of work (the step heartbeats at least this often). */
  public static final Duration MAX_REST = Duration.ofSeconds(10);
  /** The rolling window, in readings. */
  public static final int WINDOW_SAMPLES = 100;
  /** Readings needed after a change of duty before the next decision. */
  public static final int FRESH_SAMPLES = 20;
  /** The most changes of mode kept for the timeline. */
  public static final int CHANGES_KEPT = GuardJournal.KEPT;
  private static final int MIN_BASELINE_SAMPLES = 10;

  private final GuardSettings settings;
  private final ForegroundProbe probe;
  private final DutyController controller = DutyController.standard();
  private final long everyNanos;
  private final LatencyWindow window;
  private final Histogram baselineReadings = new Histogram(3);
  private final GuardJournal journal;
  private final Sampler sampler;

  // guarded by this
  private Double ratio;
  private Double absoluteMs;
  private Double baselineMs;
  private boolean baselining;
  private double duty = 1.0;
  private String mode;
  private String since;
  private Double p99Ms;
  private long restMillis;
  private long lastChangeNanos = System.nanoTime();
  private int failuresInARow;
  private String lastFailure;
  private String reason;
  private boolean resumed;

  private LatencyGuard(GuardSettings settings, ForegroundProbe probe, GuardState resume,
      List<GuardState> earlier) {
    this.settings = settings == null ? GuardSettings.defaults() : settings;
    this.probe = probe;
    this.everyNanos = Duration.ofMillis(Math.max(1,
        this.settings.sampleEveryMillisOrDefault())).toNanos();
    this.window = new LatencyWindow(everyNanos * WINDOW_SAMPLES, WINDOW_SAMPLES * 4);
    this.ratio = this.settings.ratioOrDefault();
    this.absoluteMs = this.settings.budgetMillis() == null ? null
        : this.settings.budgetMillis().doubleValue();
    this.journal = new GuardJournal(earlier);
    if (this.settings.isOff()) {
      this.mode = GuardState.OFF;
      this.since = Instant.now().toString();
      this.sampler = null;
      publish("the guard is off: the step runs at full duty");
      return;
    }
    if (resume != null && resume.baselineP99Ms() != null) {
      this.baselineMs = resume.baselineP99Ms();
      this.duty = Math.max(controller.minDuty(), Math.min(1.0, resume.duty()));
      this.mode = controller.mode(duty);
      this.since = resume.since() == null || !mode.equals(resume.mode())
          ? Instant.now().toString() : resume.since();
      this.p99Ms = resume.p99Ms();
      this.resumed = true;
      publish(Budget.f("resumed with the baseline p99 %.1f ms of an earlier attempt",
          baselineMs));
    } else {
      this.mode = GuardState.BASELINE;
      this.since = Instant.now().toString();
      publish("the baseline is not sampled yet");
    }
    this.sampler = probe == null ? null
        : new Sampler(probe, Duration.ofNanos(everyNanos), this::onReading);
    if (sampler != null) {
      sampler.start();
    }
  }

  /**
   * A guard for one step attempt; the probe starts sampling at once on the guard's thread.
   *
   * @param resume the last state a previous attempt heartbeated (its baseline is kept), or null
   */
  public static LatencyGuard open(GuardSettings settings, ForegroundProbe probe,
      GuardState resume) {
    return new LatencyGuard(settings, probe, resume, null);
  }

  /** As {@link #open(GuardSettings, ForegroundProbe, GuardState)}, continuing {@code changes}. */
  public static LatencyGuard open(GuardSettings settings, ForegroundProbe probe,
      GuardState resume, List<GuardState> changes) {
    return new LatencyGuard(settings, probe, resume, changes);
  }

  /**
   * Samples the baseline for {@link GuardSettings#baselineMillisOrDefault()} unless the resumed
   * state carries one; calls {@code tick} about every second meanwhile (the step heartbeats).
   * Waits for at least a few readings (up to three times as long) when the probe is slow; with
   * none at all, the floor is the budget and the state says so.
   */
  public void awaitBaseline(Consumer<GuardState> tick) {
    synchronized (this) {
      if (!GuardState.BASELINE.equals(mode) || baselining) {
        return;
      }
      baselining = true;
      baselineReadings.reset();
      publish("sampling the foreground for the baseline");
    }
    long start = System.nanoTime();
    long length = Duration.ofMillis(Math.max(0, settings.baselineMillisOrDefault())).toNanos();
    long end = start + length;
    long hardEnd = start + 3 * length + Duration.ofSeconds(1).toNanos();
    try {
      while (true) {
        long now = System.nanoTime();
        if ((now - end >= 0 && baselineCount() >= MIN_BASELINE_SAMPLES) || now - hardEnd >= 0) {
          break;
        }
        long wait = Math.min(Duration.ofSeconds(1).toNanos(),
            now - end < 0 ? end - now : everyNanos * 2);
        Thread.sleep(Math.max(1, wait / 1_000_000));
        synchronized (this) {
          publish(Budget.f("sampling the foreground for the baseline: %d readings, %.0f of %.0f"
              + " s", baselineReadings.getTotalCount(), (System.nanoTime() - start) / 1e9,
              length / 1e9));
        }
        if (tick != null) {
          tick.accept(state());
        }
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    finishBaseline(start);
  }

  private synchronized long baselineCount() {
    return baselineReadings.getTotalCount();
  }

  private synchronized void finishBaseline(long start) {
    baselining = false;
    long n = baselineReadings.getTotalCount();
    baselineMs = n == 0 ? null : baselineReadings.getValueAtPercentile(99) / 1000.0;
    duty = 1.0;
    lastChangeNanos = System.nanoTime();
    changeMode(GuardState.FREE);
    String from = Budget.f(" from %d readings over %.1f s", n, (System.nanoTime() - start) / 1e9);
    publish(baselineMs == null
        ? "no probe reading finished while sampling the baseline: the budget is the floor"
        : Budget.f("baseline p99 %.1f ms", baselineMs) + from + ", budget "
            + Budget.f("%.1f ms", budget().ms()));
  }

  /**
   * After a slice of work that took {@code worked}: moves the duty cycle from the rolling p99,
   * and returns the rest to take before the next slice ({@code worked x (1 - duty) / duty},
   * at most {@link #MAX_REST}).
   */
  public Duration restAfter(Duration worked) {
    if (settings.isOff()) {
      return Duration.ZERO;
    }
    synchronized (this) {
      evaluate(System.nanoTime());
      double nanos = Math.max(0, worked.toNanos()) * (1 - duty) / duty;
      Duration rest = Duration.ofNanos((long) Math.min(nanos, MAX_REST.toNanos()));
      restMillis = rest.toMillis();
      publish(reason);
      return rest;
    }
  }

  /** Moves the duty cycle from the rolling p99 now; returns it (for steps that set a rate). */
  public double adjust() {
    if (settings.isOff()) {
      return 1.0;
    }
    synchronized (this) {
      evaluate(System.nanoTime());
      return duty;
    }
  }

  /** A pacer for a copy of at most {@code ceilingBytesPerSecond}, scaled by this guard's duty. */
  public BytePacer pacer(long ceilingBytesPerSecond) {
    return new BytePacer(ceilingBytesPerSecond, this::adjust);
  }

  /** The operator's new ratio (the absolute budget, if any, no longer applies). */
  public synchronized void ratio(double newRatio) {
    if (!(newRatio >= 1.0) || Double.isInfinite(newRatio)) {
      throw new IllegalArgumentException("the guard's ratio must be a number of at least 1 (the"
          + " foreground's p99 over its baseline); " + newRatio + " is not");
    }
    ratio = newRatio;
    absoluteMs = null;
    publish(reason);
  }

  /** What the guard sees and does now (heartbeated by the step). */
  public GuardState state() {
    return journal.state();
  }

  /** The last {@value #CHANGES_KEPT} changes of mode, oldest first (for the timeline). */
  public List<GuardState> changes() {
    return journal.changes();
  }

  private void onReading(long atNanos, long micros, Exception failure) {
    window.record(atNanos, micros);
    synchronized (this) {
      if (failure == null) {
        failuresInARow = 0;
      } else {
        failuresInARow++;
        lastFailure = Sampler.describe(failure);
      }
      if (baselining) {
        baselineReadings.recordValue(Math.max(0, micros));
      } else if (!GuardState.BASELINE.equals(mode)) {
        evaluate(atNanos);
      }
    }
  }

  /** One decision on the readings since the last change of duty, when there are enough. */
  private void evaluate(long nowNanos) {
    if (GuardState.BASELINE.equals(mode) || GuardState.OFF.equals(mode)) {
      return;
    }
    LatencyWindow.Reading fresh = window.since(lastChangeNanos, nowNanos);
    if (fresh.samples() < FRESH_SAMPLES) {
      return;
    }
    Budget budget = budget();
    DutyController.Step step = controller.next(duty, fresh.p99Ms(), budget.ms(),
        baselineMs == null ? 0 : baselineMs);
    if (step.changed(duty)) {
      lastChangeNanos = nowNanos;
    }
    duty = step.duty();
    p99Ms = fresh.p99Ms();
    changeMode(step.mode());
    String reason = budget.judge(fresh.p99Ms());
    if (GuardState.FLOOR.equals(mode)) {
      reason += Budget.f("; at the floor: the step keeps %.0f%% duty, its minimum rate",
          controller.minDuty() * 100);
    }
    publish(reason);
  }

  private Budget budget() {
    long floor = settings.floorMillis() == null ? DEFAULT_FLOOR_MILLIS : settings.floorMillis();
    return new Budget(baselineMs, absoluteMs == null ? ratio : null, absoluteMs, floor);
  }

  private void changeMode(String next) {
    if (!next.equals(mode)) {
      mode = next;
      since = Instant.now().toString();
    }
  }

  private void publish(String sentence) {
    reason = sentence;
    String why = sentence;
    if (failuresInARow >= 3) {
      why = sentence + Budget.f("; the probe failed %d times in a row (%s): its failures count as"
          + " slow readings", failuresInARow, lastFailure);
    }
    Budget budget = budget();
    boolean off = GuardState.OFF.equals(mode);
    journal.publish(new GuardState(mode, baselineMs, p99Ms, off ? null : budget.ms(),
        off || absoluteMs != null ? null : ratio, duty, restMillis, since, why),
        resumed && journal.state() == null);
  }

  /** Stops the sampler and closes the probe. */
  @Override
  public void close() {
    if (sampler != null) {
      sampler.close();
    }
    try {
      if (probe != null) {
        probe.close();
      }
    } catch (Exception e) {
      // the probe's connection is the guard's own: nothing else depends on its close
    }
  }
}
