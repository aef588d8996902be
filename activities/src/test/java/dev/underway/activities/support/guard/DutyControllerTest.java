package dev.underway.activities.support.guard;

import static org.assertj.core.api.Assertions.assertThat;

import dev.underway.guard.GuardState;
import java.util.Random;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.DoubleRange;
import org.junit.jupiter.api.Test;

/**
 * The controller against a simulated foreground whose p99 rises with the step's duty cycle:
 * {@code p99 = baseline x (1 + load x duty)}. Pure: no thread, no clock.
 */
class DutyControllerTest {

  private final DutyController controller = DutyController.standard();

  /** The foreground: what the step's duty does to its p99 under {@code load}. */
  private static double p99(double baseline, double load, double duty) {
    return baseline * (1 + load * duty);
  }

  private record Run(double duty, String mode, double p99) {}

  private Run run(double baseline, double load, double ratio, Run from, int steps) {
    double budget = ratio * baseline;
    double duty = from.duty();
    String mode = from.mode();
    double seen = from.p99();
    for (int i = 0; i < steps; i++) {
      seen = p99(baseline, load, duty);
      DutyController.Step step = controller.next(duty, seen, budget, baseline);
      assertThat(step.duty()).as("duty after step %d", i).isGreaterThanOrEqualTo(
          DutyController.MIN_DUTY).isLessThanOrEqualTo(1.0);
      duty = step.duty();
      mode = step.mode();
    }
    return new Run(duty, mode, p99(baseline, load, duty));
  }

  private static Run start() {
    return new Run(1.0, GuardState.FREE, 0);
  }

  @Test
  void aStepThatDoublesTheLatencySettlesUnderTheRatio() {
    Run settled = run(2.7, 1.0, 1.25, start(), 50);

    assertThat(settled.p99()).isLessThanOrEqualTo(1.25 * 2.7);
    assertThat(settled.duty()).isBetween(0.1, 0.25); // 0.25 would be exactly at the ratio
    assertThat(settled.mode()).isEqualTo(GuardState.SLOWED);
  }

  @Property
  void convergesUnderTheRatioOrHoldsItsFloorNeverZero(
      @ForAll @DoubleRange(min = 0.2, max = 30) double load,
      @ForAll @DoubleRange(min = 0.3, max = 50) double baseline,
      @ForAll @DoubleRange(min = 1.05, max = 3) double ratio) {
    Run settled = run(baseline, load, ratio, start(), 200);

    if (settled.p99() > ratio * baseline) {
      // only a load the step's minimum rate alone pushes past the ratio keeps it over
      assertThat(p99(baseline, load, DutyController.MIN_DUTY)).isGreaterThan(ratio * baseline);
      assertThat(settled.duty()).isEqualTo(DutyController.MIN_DUTY);
      assertThat(settled.mode()).isEqualTo(GuardState.FLOOR);
    } else {
      // and it gives away no more than the ratio asks: it stopped rising because the p99 is in
      // the band just under the budget (or at full duty, or at its floor)
      double band = baseline + (ratio * baseline - baseline) * controller.band();
      assertThat(settled.duty() == 1.0 || settled.duty() == DutyController.MIN_DUTY
          || settled.p99() > band).as("settled at duty %s, p99 %s, band from %s",
          settled.duty(), settled.p99(), band).isTrue();
    }
  }

  @Test
  void recoversToFullDutyWhenTheLoadDrops() {
    Run floor = run(2.0, 50.0, 1.25, start(), 40);
    assertThat(floor.duty()).isEqualTo(DutyController.MIN_DUTY);
    assertThat(floor.mode()).isEqualTo(GuardState.FLOOR);

    Run recovered = run(2.0, 0.05, 1.25, floor, 19);

    assertThat(recovered.duty()).isEqualTo(1.0);
    assertThat(recovered.mode()).isEqualTo(GuardState.FREE);
  }

  @Test
  void aNoisyForegroundStaysUnderTheRatioOnAverageAndNeverStopsTheStep() {
    Random noise = new Random(19);
    double baseline = 2.7;
    double budget = 1.25 * baseline;
    double duty = 1.0;
    String mode = GuardState.FREE;
    double sum = 0;
    int over = 0;
    int steps = 2000;
    for (int i = 0; i < steps; i++) {
      double seen = p99(baseline, 1.5, duty) * (1 + 0.08 * noise.nextGaussian());
      if (i >= 100) {
        sum += seen;
        over += seen > budget ? 1 : 0;
      }
      DutyController.Step step = controller.next(duty, seen, budget, baseline);
      duty = step.duty();
      mode = step.mode();
      assertThat(duty).isGreaterThanOrEqualTo(DutyController.MIN_DUTY);
    }
    assertThat(sum / (steps - 100)).isLessThanOrEqualTo(budget);
    assertThat(over).as("decisions over budget").isLessThan((steps - 100) / 3);
  }

  @Test
  void holdsInsideTheBandInsteadOfFlapping() {
    // baseline 1.0, budget 1.25: rises at or under 1.125, holds above it, falls above 1.25
    DutyController.Step held = controller.next(0.4, 1.2, 1.25, 1.0);
    assertThat(held.duty()).isEqualTo(0.4);
    assertThat(held.mode()).isEqualTo(GuardState.SLOWED);
    assertThat(held.verdict()).isEqualTo(DutyController.Verdict.BAND);

    DutyController.Step up = controller.next(0.4, 1.1, 1.25, 1.0);
    assertThat(up.duty()).isEqualTo(0.45);
    assertThat(up.mode()).isEqualTo(GuardState.SLOWED); // climbing back, not free yet
    assertThat(controller.next(0.95, 1.1, 1.25, 1.0).mode()).isEqualTo(GuardState.FREE);

    DutyController.Step down = controller.next(0.4, 1.3, 1.25, 1.0);
    assertThat(down.duty()).isEqualTo(0.24);
    assertThat(down.mode()).isEqualTo(GuardState.SLOWED);
    assertThat(controller.next(0.06, 1.3, 1.25, 1.0).mode()).isEqualTo(GuardState.FLOOR);
  }
}
