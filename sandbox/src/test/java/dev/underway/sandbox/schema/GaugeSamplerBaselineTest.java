package dev.underway.sandbox.schema;

import static org.assertj.core.api.Assertions.assertThat;

import dev.underway.guard.GuardState;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The window the backfill's guard sampled its baseline in, from its changes of mode. */
class GaugeSamplerBaselineTest {

  private static GuardState mode(String mode, String since) {
    return new GuardState(mode, null, null, null, 1.25, 1.0, null, since, null);
  }

  @Test
  void fromTheBaselinesSinceToTheNextModes() {
    Instant[] w = GaugeSampler.baselineWindow(List.of(
        mode(GuardState.BASELINE, "2026-12-08T00:00:00Z"),
        mode(GuardState.FREE, "2026-12-08T00:00:10.500Z"),
        mode(GuardState.SLOWED, "2026-12-08T00:00:12Z")));
    assertThat(w).containsExactly(Instant.parse("2026-12-08T00:00:00Z"),
        Instant.parse("2026-12-08T00:00:10.500Z"));
  }

  @Test
  void noWindowUntilTheBaselineEndedOrWithoutOne() {
    assertThat(GaugeSampler.baselineWindow(null)).isNull();
    assertThat(GaugeSampler.baselineWindow(List.of(
        mode(GuardState.BASELINE, "2026-12-08T00:00:00Z")))).as("still sampling").isNull();
    assertThat(GaugeSampler.baselineWindow(List.of(mode(GuardState.OFF, "2026-12-08T00:00:00Z"))))
        .as("the guard off").isNull();
  }
}
