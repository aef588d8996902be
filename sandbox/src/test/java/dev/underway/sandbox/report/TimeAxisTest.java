package dev.underway.sandbox.report;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import dev.underway.sandbox.report.TimeAxis.Wait;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The one time-to-x mapping of both charts, with long gate waits compressed. */
class TimeAxisTest {

  private static final double LEFT = 64;
  private static final double WIDTH = 872;

  /** 13 s of load, a 4 min 12 s wait, 30 s of change, a 5 s wait, 20 s, a 3 min wait, 10 s. */
  private static final List<Wait> WAITS = List.of(new Wait(13_000, 265_000, "expand"),
      new Wait(295_000, 300_000, "switch-reads"), new Wait(320_000, 500_000, "contract"));
  private static final long SPAN = 510_000;

  private final TimeAxis axis = TimeAxis.of(SPAN, WAITS, LEFT, WIDTH);

  @Test
  void theAxisRunsFromLeftToRightAndIsMonotone() {
    assertThat(axis.x(0)).isEqualTo(LEFT);
    assertThat(axis.x(SPAN)).isCloseTo(LEFT + WIDTH, within(1e-9));
    double previous = axis.x(0);
    for (long t = 1; t <= SPAN; t += 7) {
      double x = axis.x(t);
      assertThat(x).as("x(%d)", t).isGreaterThan(previous);
      previous = x;
    }
    assertThat(axis.x(-5_000)).as("clamped").isEqualTo(LEFT);
    assertThat(axis.x(SPAN + 5_000)).as("clamped").isEqualTo(LEFT + WIDTH);
  }

  @Test
  void onlyLongWaitsAreCompressedEachToAFixedWidth() {
    assertThat(axis.breaks()).extracting(TimeAxis.Break::phase)
        .containsExactly("expand", "contract");
    for (TimeAxis.Break b : axis.breaks()) {
      assertThat(b.x1() - b.x0()).isEqualTo(TimeAxis.BREAK_WIDTH);
      assertThat(axis.x(b.fromMs())).isEqualTo(b.x0());
      assertThat(axis.x(b.toMs())).isCloseTo(b.x1(), within(1e-9));
    }
    // the change's own time shares the rest at one scale, the short wait included
    double perSecond = (WIDTH - 2 * TimeAxis.BREAK_WIDTH) / ((SPAN - 252_000 - 180_000) / 1000.0);
    assertThat(axis.x(13_000) - axis.x(0)).isCloseTo(13 * perSecond, within(1e-6));
    assertThat(axis.x(295_000) - axis.x(265_000)).isCloseTo(30 * perSecond, within(1e-6));
    assertThat(axis.x(300_000) - axis.x(295_000)).as("a 5 s wait is drawn as it is")
        .isCloseTo(5 * perSecond, within(1e-6));
    assertThat(axis.x(510_000) - axis.x(500_000)).isCloseTo(10 * perSecond, within(1e-6));
    assertThat(perSecond).as("the change gets the width: over 9 px a second, not 1.7")
        .isGreaterThan(9);
  }

  @Test
  void aMarkInsideAWaitLandsInsideItsSegment() {
    TimeAxis.Break expand = axis.breaks().get(0);
    for (long t : new long[] {13_001, 100_000, 264_999, 265_000}) {
      assertThat(axis.x(t)).as("x(%d)", t).isBetween(expand.x0(), expand.x1());
      assertThat(axis.inBreak(t)).isEqualTo(t < 265_000);
    }
    assertThat(axis.x(265_001)).isGreaterThan(expand.x1());
    assertThat(axis.x(12_999)).isLessThan(expand.x0());
  }

  @Test
  void aWaitThatCompressingWouldWidenIsDrawnAsItIs() {
    // ten hours of load with a 20 s wait: at 0.02 px a second the wait is under a pixel
    TimeAxis longRun = TimeAxis.of(36_000_000, List.of(new Wait(1_000_000, 1_020_000, "g")),
        LEFT, WIDTH);
    assertThat(longRun.breaks()).isEmpty();
    assertThat(longRun.x(18_000_000)).isCloseTo(LEFT + WIDTH / 2, within(1e-6));
    // a run that is nothing but waiting has nothing to give the width to: linear
    TimeAxis allWaiting = TimeAxis.of(60_000, List.of(new Wait(0, 60_000, "g")), LEFT, WIDTH);
    assertThat(allWaiting.breaks()).isEmpty();
    assertThat(allWaiting.x(30_000)).isCloseTo(LEFT + WIDTH / 2, within(1e-6));
  }

  @Test
  void manyWaitsTakeAQuarterOfTheWidthAtMost() {
    List<Wait> waits = new java.util.ArrayList<>();
    for (int i = 0; i < 20; i++) {
      waits.add(new Wait(i * 100_000L + 10_000, i * 100_000L + 100_000, "g" + i));
    }
    TimeAxis many = TimeAxis.of(2_000_000, waits, LEFT, WIDTH);
    assertThat(many.breaks()).hasSize(20);
    double compressed = many.breaks().stream().mapToDouble(b -> b.x1() - b.x0()).sum();
    assertThat(compressed).isLessThanOrEqualTo(WIDTH / 4 + 1e-9);
  }

  @Test
  void ticksAreRoundTimesOutsideTheBreaksAndApart() {
    double gap = 44;
    List<Long> ticks = axis.ticks(gap);
    assertThat(ticks).isNotEmpty().first().isEqualTo(0L);
    for (int i = 0; i < ticks.size(); i++) {
      long t = ticks.get(i);
      assertThat(axis.inBreak(t)).as("tick %d", t).isFalse();
      assertThat(t % 1000).isZero();
      for (TimeAxis.Break b : axis.breaks()) {
        assertThat(Math.min(Math.abs(axis.x(t) - b.x0()), Math.abs(axis.x(t) - b.x1())))
            .as("tick %d beside a break", t).isGreaterThanOrEqualTo(gap / 2);
      }
      if (i > 0) {
        assertThat(axis.x(t) - axis.x(ticks.get(i - 1))).isGreaterThanOrEqualTo(gap);
      }
    }
    assertThat(axis.inMinutes()).isTrue();
    assertThat(axis.tickLabel(270_000)).isEqualTo("4:30");
    assertThat(TimeAxis.of(60_000, List.of(), LEFT, WIDTH).tickLabel(30_000)).isEqualTo("30");
  }

  @Test
  void theWaitsOfAReportRunFromTheGateUntilTheNextMarkNotTheGates() {
    LoadReport r = SyntheticSchemaRun.report();
    List<Wait> waits = TimeAxis.waits(r);
    assertThat(waits).extracting(Wait::phase)
        .containsExactly("expand", "switch-reads", "stop-old-writes", "contract");
    assertThat(waits.get(0).toMs() - waits.get(0).fromMs())
        .isEqualTo(SyntheticSchemaRun.EXPAND_GATE_WAIT);
    assertThat(waits.get(1).toMs() - waits.get(1).fromMs())
        .as("an approval the gate waits on after (1 of 2) does not end the wait")
        .isEqualTo(90_000);
  }
}
