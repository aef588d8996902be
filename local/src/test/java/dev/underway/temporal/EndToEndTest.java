package dev.underway.temporal;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import org.junit.jupiter.api.Test;

class EndToEndTest {

  @Test
  void requiredWhereCiRunSaysSoOrCiIsTrue() {
    assertThat(EndToEnd.required(Map.of())).isFalse();
    assertThat(EndToEnd.required(Map.of(EndToEnd.REQUIRE_ENV, "true"))).isTrue();
    assertThat(EndToEnd.required(Map.of("CI", "true"))).isTrue();
    assertThat(EndToEnd.required(Map.of("CI", "false", EndToEnd.REQUIRE_ENV, "no"))).isFalse();
  }
}
