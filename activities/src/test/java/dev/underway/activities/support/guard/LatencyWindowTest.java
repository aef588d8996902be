package dev.underway.activities.support.guard;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.data.Offset.offset;

import org.junit.jupiter.api.Test;

/** The rolling window's percentiles, span and fresh readings, on the caller's clock. */
class LatencyWindowTest {

  private static final long MS = 1_000_000;

  @Test
  void percentilesOfTheReadingsInTheSpan() {
    LatencyWindow w = new LatencyWindow(1_000 * MS, 1_000);
    for (int i = 1; i <= 100; i++) {
      w.record(i * MS, i * 100L); // 0.1 ms .. 10 ms
    }
    LatencyWindow.Reading r = w.rolling(100 * MS);
    assertThat(r.samples()).isEqualTo(100);
    assertThat(r.p95Ms()).isCloseTo(9.5, offset(0.01));
    assertThat(r.p99Ms()).isCloseTo(9.9, offset(0.01));
  }

  @Test
  void oldReadingsFallOutOfTheSpanAndTheRing() {
    LatencyWindow w = new LatencyWindow(100 * MS, 50);
    w.record(0, 50_000); // 50 ms, long ago
    for (int i = 1; i <= 10; i++) {
      w.record((200 + i) * MS, 1_000);
    }
    assertThat(w.rolling(250 * MS).samples()).isEqualTo(10);
    assertThat(w.rolling(250 * MS).p99Ms()).isCloseTo(1.0, offset(0.01));

    for (int i = 0; i < 60; i++) {
      w.record((220 + i) * MS, 2_000);
    }
    assertThat(w.rolling(280 * MS).samples()).isEqualTo(50); // the ring keeps the last 50
    assertThat(w.rolling(280 * MS).p99Ms()).isCloseTo(2.0, offset(0.01));
  }

  @Test
  void freshReadingsAreThoseBegunSinceAChange() {
    LatencyWindow w = new LatencyWindow(1_000 * MS, 1_000);
    for (int i = 0; i < 30; i++) {
      w.record(i * MS, 9_000);
    }
    for (int i = 30; i < 40; i++) {
      w.record(i * MS, 1_000);
    }
    LatencyWindow.Reading fresh = w.since(30 * MS, 40 * MS);
    assertThat(fresh.samples()).isEqualTo(10);
    assertThat(fresh.p99Ms()).isCloseTo(1.0, offset(0.01));
    assertThat(w.since(100 * MS, 100 * MS).samples()).isZero();
  }
}
