package dev.underway.sandbox.report;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class FiguresTest {

  @Test
  void durationsAreRoundedNotTruncated() {
    assertThat(Figures.duration(0)).isEqualTo("0 ms");
    assertThat(Figures.duration(412)).isEqualTo("412 ms");
    assertThat(Figures.duration(999)).isEqualTo("999 ms");
    assertThat(Figures.duration(1000)).isEqualTo("1.0 s");
    assertThat(Figures.duration(6_900)).isEqualTo("6.9 s");
    assertThat(Figures.duration(6_960)).isEqualTo("7.0 s");
    assertThat(Figures.duration(59_940)).isEqualTo("59.9 s");
    assertThat(Figures.duration(59_960)).as("not 60.0 s").isEqualTo("1 min 00 s");
    assertThat(Figures.duration(75_000)).isEqualTo("1 min 15 s");
    assertThat(Figures.duration(252_400)).isEqualTo("4 min 12 s");
    assertThat(Figures.duration(252_600)).isEqualTo("4 min 13 s");
    assertThat(Figures.duration(3_599_600)).isEqualTo("1 h 00 min");
    assertThat(Figures.duration(3_725_000)).isEqualTo("1 h 02 min");
    assertThat(Figures.duration(-1500)).isEqualTo("-1.5 s");
  }

  @Test
  void ratesHaveTheDecimalsTheyNeed() {
    assertThat(Figures.rate(200)).isEqualTo("200");
    assertThat(Figures.rate(199.5)).isEqualTo("200");
    assertThat(Figures.rate(37.54)).isEqualTo("37.5");
    assertThat(Figures.rate(0.254)).isEqualTo("0.25");
    assertThat(Figures.rate(Double.NaN)).isEqualTo("-");
    assertThat(Figures.ratio(1.1)).isEqualTo("1.10\u00d7");
    assertThat(Figures.ms(null)).isEqualTo("-");
    assertThat(Figures.ms(2.46)).isEqualTo("2.5");
  }

  @Test
  void aSubSecondPhaseSaysSoInsteadOfARate() {
    assertThat(Figures.tooShortForRate(400)).isEqualTo("400 ms \u2014 too short for a rate");
  }
}
