package dev.underway.activities.support.guard;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** The budget and the sentences that compare a reading with it. */
class BudgetTest {

  @Test
  void aRatioOfTheBaseline() {
    Budget b = new Budget(2.7, 1.25, null, 2);
    assertThat(b.ms()).isCloseTo(3.375, org.assertj.core.data.Offset.offset(1e-9));
    assertThat(b.judge(4.1)).isEqualTo("p99 4.1 ms = 1.52x baseline 2.7 ms > 1.25x");
    assertThat(b.judge(3.0)).isEqualTo("p99 3.0 ms = 1.11x baseline 2.7 ms <= 1.25x");
  }

  @Test
  void neverUnderTheFloor() {
    Budget b = new Budget(0.4, 1.25, null, 2);
    assertThat(b.ms()).isEqualTo(2.0);
    assertThat(b.floorBinds()).isTrue();
    assertThat(b.judge(2.5))
        .isEqualTo("p99 2.5 ms > floor 2.0 ms (1.25x baseline 0.4 ms is below it)");
    assertThat(new Budget(null, 1.25, null, 2).judge(1.0))
        .isEqualTo("p99 1.0 ms <= floor 2.0 ms (no baseline)");
  }

  @Test
  void anAbsoluteBudgetIsTheOperatorsNumber() {
    Budget b = new Budget(0.4, null, 50.0, 2);
    assertThat(b.ms()).isEqualTo(50.0);
    assertThat(b.judge(61)).isEqualTo("p99 61.0 ms > budget 50.0 ms");
  }
}
