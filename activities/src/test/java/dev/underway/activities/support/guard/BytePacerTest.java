package dev.underway.activities.support.guard;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

/** A copy's byte rate follows the guard's duty: the token bucket on the caller's clock. */
class BytePacerTest {

  private static final long MS = 1_000_000;
  private static final long MIB = 1 << 20;

  @Test
  void holdsACopyToTheDutyTimesTheCeiling() {
    AtomicReference<Double> duty = new AtomicReference<>(1.0);
    BytePacer pacer = new BytePacer(100 * MIB, duty::get);

    // within the burst (100 ms of credit at 100 MiB/s): no wait
    assertThat(pacer.delayNanos(5 * MIB, 0)).isZero();
    assertThat(pacer.bytesPerSecond()).isEqualTo(100 * MIB);

    duty.set(0.25); // 25 MiB/s: each further MiB costs 40 ms
    long now = 0;
    long waited = 0;
    for (int i = 0; i < 50; i++) {
      long delay = pacer.delayNanos(MIB, now);
      waited += delay;
      now += delay; // the copy waits as told, sending nothing meanwhile
    }
    // 55 MiB sent at 0.05 s then 50 at 40 ms: about 2 s (less the first burst's credit)
    assertThat(now).isBetween(1_800 * MS, 2_000 * MS);
    assertThat(pacer.bytesPerSecond()).isEqualTo(25 * MIB);
    assertThat(waited).isEqualTo(now);
  }

  @Test
  void anIdleCopyGetsOneBurstOfCreditNotMore() {
    BytePacer pacer = new BytePacer(10 * MIB, () -> 1.0);
    assertThat(pacer.delayNanos(MIB, 0)).isZero();
    // an hour idle, then 10 MiB at once: one burst (1 MiB) of credit, the rest waits ~0.9 s
    long delay = pacer.delayNanos(10 * MIB, 3_600_000 * MS);
    assertThat(delay).isBetween(850 * MS, 950 * MS);
  }

  @Test
  void theLowestDutyStillMoves() {
    BytePacer pacer = new BytePacer(100 * MIB, () -> DutyController.MIN_DUTY);
    assertThat(pacer.bytesPerSecond()).isEqualTo(5 * MIB);
  }
}
