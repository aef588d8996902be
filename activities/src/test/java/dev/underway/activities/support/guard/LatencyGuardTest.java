package dev.underway.activities.support.guard;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.underway.guard.GuardSettings;
import dev.underway.guard.GuardState;
import java.sql.SQLException;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The guard with an in-memory foreground: each reading is a pure function of the guard's own
 * duty cycle and a load the test sets ({@code 1 ms x (1 + load x duty)}), read on the guard's
 * sampler thread at a 1 ms rate. Waits are Awaitility's, on the guard's state.
 */
class LatencyGuardTest {

  /** Fast sampling, a short baseline, no floor (the simulated baseline is 1 ms). */
  private static final GuardSettings FAST = new GuardSettings(1.25, 0L, null, null, null, 300L,
      1L);

  private final AtomicReference<LatencyGuard> guard = new AtomicReference<>();
  private volatile double load;
  private final AtomicInteger readings = new AtomicInteger();

  private final CountDownLatch opened = new CountDownLatch(1);

  private final ForegroundProbe simulated = () -> {
    opened.await(); // the first reading waits for the test to hold the guard
    readings.incrementAndGet();
    double duty = guard.get().state().duty();
    return Duration.ofNanos(Math.round(1_000_000 * (1 + load * duty)));
  };

  @AfterEach
  void close() {
    if (guard.get() != null) {
      guard.get().close();
    }
  }

  private LatencyGuard open(GuardSettings settings, ForegroundProbe probe, GuardState resume) {
    LatencyGuard g = LatencyGuard.open(settings, probe, resume);
    guard.set(g);
    opened.countDown();
    return g;
  }

  @Test
  void takesTheBaselineTickingMeanwhileThenRunsFree() {
    LatencyGuard g = open(new GuardSettings(1.25, 0L, null, null, null, 1_500L, 1L), simulated,
        null);
    assertThat(g.state().mode()).isEqualTo(GuardState.BASELINE);
    List<GuardState> ticks = new CopyOnWriteArrayList<>();

    g.awaitBaseline(ticks::add);

    assertThat(ticks).isNotEmpty().allMatch(t -> GuardState.BASELINE.equals(t.mode()));
    GuardState s = g.state();
    assertThat(s.mode()).isEqualTo(GuardState.FREE);
    assertThat(s.baselineP99Ms()).isCloseTo(1.0, org.assertj.core.data.Offset.offset(0.01));
    assertThat(s.budgetMs()).isCloseTo(1.25, org.assertj.core.data.Offset.offset(0.02));
    assertThat(s.duty()).isEqualTo(1.0);
    assertThat(g.restAfter(Duration.ofMillis(500))).isZero();
    assertThat(g.changes()).extracting(GuardState::mode)
        .containsExactly(GuardState.BASELINE, GuardState.FREE);
  }

  @Test
  void slowsWhenTheStepPushesThePastTheRatioThenRecovers() {
    LatencyGuard g = open(FAST, simulated, null);
    g.awaitBaseline(null);

    load = 2.0; // at full duty the foreground's p99 is 3x its baseline
    await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
      GuardState s = g.state();
      assertThat(s.mode()).isEqualTo(GuardState.SLOWED);
      assertThat(s.p99Ms()).isLessThanOrEqualTo(s.budgetMs());
    });
    GuardState slowed = g.state();
    assertThat(slowed.duty()).isLessThan(0.125 + 1e-9); // 1 + 2 x duty <= 1.25
    assertThat(slowed.reason()).contains("baseline 1.0 ms").contains("1.25x");
    Duration rest = g.restAfter(Duration.ofMillis(100));
    assertThat(rest.toMillis()).isEqualTo(Math.round(100 * (1 - slowed.duty()) / slowed.duty()));
    assertThat(g.state().restMillis()).isEqualTo(rest.toMillis());

    load = 0.0;
    await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
      assertThat(g.state().duty()).isEqualTo(1.0);
      assertThat(g.state().mode()).isEqualTo(GuardState.FREE);
    });
    assertThat(g.changes()).extracting(GuardState::mode).containsSubsequence(
        GuardState.BASELINE, GuardState.FREE, GuardState.SLOWED, GuardState.FREE);
    assertThat(g.changes()).allMatch(c -> c.since() != null);
  }

  @Test
  void atTheFloorKeepsTheMinimumRateAndSaysSo() {
    LatencyGuard g = open(FAST, simulated, null);
    g.awaitBaseline(null);

    load = 100.0; // even 5% duty is 6x the baseline
    await().atMost(Duration.ofSeconds(10)).until(() -> GuardState.FLOOR.equals(
        g.state().mode()));

    assertThat(g.adjust()).isEqualTo(DutyController.MIN_DUTY);
    assertThat(g.state().reason()).contains("at the floor").contains("5% duty");
    assertThat(g.restAfter(Duration.ofMillis(100)).toMillis()).isEqualTo(1_900);
    assertThat(g.restAfter(Duration.ofSeconds(5))).isEqualTo(LatencyGuard.MAX_REST);
  }

  @Test
  void aRaisedRatioLetsTheStepBackUp() {
    LatencyGuard g = open(FAST, simulated, null);
    g.awaitBaseline(null);
    load = 1.0;
    await().atMost(Duration.ofSeconds(10)).until(() -> g.state().duty() < 0.3);

    g.ratio(3.0); // 1 + duty <= 3: full duty is within it

    await().atMost(Duration.ofSeconds(10)).until(() -> g.state().duty() == 1.0);
    assertThat(g.state().ratio()).isEqualTo(3.0);
    assertThat(g.state().budgetMs()).isCloseTo(3.0, org.assertj.core.data.Offset.offset(0.05));
    assertThatThrownBy(() -> g.ratio(0.5)).hasMessageContaining("at least 1");
  }

  @Test
  void offNeitherSamplesNorSlows() {
    LatencyGuard g = open(GuardSettings.disabled(), simulated, null);
    List<GuardState> ticks = new CopyOnWriteArrayList<>();

    g.awaitBaseline(ticks::add);
    load = 100.0;

    assertThat(g.state().mode()).isEqualTo(GuardState.OFF);
    assertThat(g.state().reason()).contains("off");
    assertThat(g.restAfter(Duration.ofSeconds(1))).isZero();
    assertThat(g.adjust()).isEqualTo(1.0);
    assertThat(ticks).isEmpty();
    assertThat(readings.get()).isZero();
  }

  @Test
  void aResumedAttemptKeepsItsBaselineAndDuty() {
    GuardState earlier = new GuardState(GuardState.SLOWED, 1.0, 1.2, 1.25, 1.25, 0.3, 233L,
        "2026-12-08T00:00:00Z", "p99 1.2 ms");
    load = 0.45; // at 30% duty: 1.135 ms, inside the band under the budget, so it holds
    LatencyGuard g = open(FAST, simulated, earlier);
    List<GuardState> ticks = new CopyOnWriteArrayList<>();

    g.awaitBaseline(ticks::add);
    await().atMost(Duration.ofSeconds(10)).until(() -> g.state().p99Ms() != null
        && g.state().p99Ms() > 1.13);

    assertThat(ticks).isEmpty();
    assertThat(g.state().baselineP99Ms()).isEqualTo(1.0);
    assertThat(g.state().duty()).isEqualTo(0.3);
    assertThat(g.state().mode()).isEqualTo(GuardState.SLOWED);
    assertThat(g.state().since()).isEqualTo("2026-12-08T00:00:00Z");
    assertThat(g.changes()).isEmpty();
    // and it goes on from there: no load, back to full duty on the kept baseline
    load = 0.0;
    await().atMost(Duration.ofSeconds(10)).until(() -> g.state().duty() == 1.0);
    assertThat(g.state().baselineP99Ms()).isEqualTo(1.0);
    assertThat(g.changes()).extracting(GuardState::mode).containsExactly(GuardState.FREE);
  }

  @Test
  void aProbeThatKeepsFailingSlowsNothingByItselfAndIsNamed() {
    AtomicInteger calls = new AtomicInteger();
    ForegroundProbe failing = () -> {
      calls.incrementAndGet();
      throw new SQLException("relation \"gone\" does not exist", "42P01");
    };
    LatencyGuard g = open(FAST, failing, null);

    g.awaitBaseline(null);
    await().atMost(Duration.ofSeconds(10)).until(() -> calls.get() > 100);

    GuardState s = g.state();
    assertThat(s.mode()).isIn(GuardState.FREE, GuardState.SLOWED, GuardState.FLOOR);
    assertThat(s.reason()).contains("the probe failed").contains("42P01");
    assertThat(g.restAfter(Duration.ofMillis(10))).isLessThanOrEqualTo(LatencyGuard.MAX_REST);
  }
}
