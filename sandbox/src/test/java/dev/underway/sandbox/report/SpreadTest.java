package dev.underway.sandbox.report;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The median and spread of a figure over the runs of {@code --repeat}. */
class SpreadTest {

  @Test
  void anOddCountHasItsMiddleValueAsMedian() {
    Spread s = Spread.of(List.of(2.71, 2.10, 3.99));
    assertThat(s.median()).isEqualTo(2.71);
    assertThat(s.min()).isEqualTo(2.10);
    assertThat(s.max()).isEqualTo(3.99);
    assertThat(s.runs()).as("in run order").containsExactly(2.71, 2.10, 3.99);
    assertThat(s.text("%.2f")).isEqualTo("2.71 (2.10-3.99)");
  }

  @Test
  void anEvenCountHasTheMeanOfItsTwoMiddleValues() {
    Spread s = Spread.of(List.of(4.0, 1.0, 3.0, 2.0));
    assertThat(s.median()).isEqualTo(2.5);
    assertThat(s.min()).isEqualTo(1.0);
    assertThat(s.max()).isEqualTo(4.0);
  }

  @Test
  void runsWithoutTheFigureAreKeptButNotCounted() {
    Spread s = Spread.of(Arrays.asList(5.0, null, 1.0, Double.NaN, 3.0));
    assertThat(s.median()).isEqualTo(3.0);
    assertThat(s.count()).isEqualTo(3);
    assertThat(s.runs()).hasSize(5).containsNull();
  }

  @Test
  void noRunWithTheFigureHasNoMedian() {
    Spread s = Spread.of(Arrays.asList(null, null));
    assertThat(s.median()).isNull();
    assertThat(s.min()).isNull();
    assertThat(s.count()).isZero();
    assertThat(s.text("%.1f")).isEqualTo("-");
  }

  @Test
  void oneRunOrEqualRunsShowNoSpread() {
    assertThat(Spread.one(1.234).text("%.2f")).isEqualTo("1.23");
    assertThat(Spread.one(1.234).median()).isEqualTo(1.234);
    assertThat(Spread.of(List.of(2.0, 2.001)).text("%.1f")).as("equal as printed")
        .isEqualTo("2.0");
  }
}
