package dev.underway.workflows.schema;

import static org.assertj.core.api.Assertions.assertThat;

import dev.underway.guard.GuardState;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The guard's changes of mode reach the timeline once each, however often they are read. */
class GuardChangesTest {

  private static GuardState at(String mode, String since, double duty) {
    return new GuardState(mode, 2.0, 3.0, 2.5, 1.25, duty, 0L, since, "p99 3.0 ms = 1.50x"
        + " baseline 2.0 ms > 1.25x");
  }

  @Test
  void eachChangeIsShownOnceOldestFirst() {
    GuardChanges g = new GuardChanges();
    GuardState a = at(GuardState.FREE, "2026-12-07T21:00:00Z", 1.0);
    GuardState b = at(GuardState.SLOWED, "2026-12-07T21:00:10.250Z", 0.4);
    assertThat(g.newLines(List.of(b, a))).containsExactly(GuardChanges.line(a),
        GuardChanges.line(b));
    assertThat(GuardChanges.line(b)).startsWith("latency guard slowed: baseline p99 2.0 ms")
        .contains("duty 40%").endsWith("(since 2026-12-07T21:00:10Z)");
    assertThat(g.newLines(List.of(a, b))).as("read again").isEmpty();
    GuardState c = at(GuardState.FREE, "2026-12-07T21:01:00Z", 1.0);
    assertThat(g.newLines(List.of(a, b, c))).containsExactly(GuardChanges.line(c));
    assertThat(g.newLines(null)).isEmpty();
  }

  @Test
  void manyChangesBetweenTwoReadsAreCountedNotListed() {
    GuardChanges g = new GuardChanges();
    List<GuardState> flapping = List.of(
        at(GuardState.SLOWED, "2026-12-07T21:00:01Z", 0.5),
        at(GuardState.FREE, "2026-12-07T21:00:02Z", 1.0),
        at(GuardState.SLOWED, "2026-12-07T21:00:03Z", 0.5),
        at(GuardState.FREE, "2026-12-07T21:00:04Z", 1.0),
        at(GuardState.SLOWED, "2026-12-07T21:00:05Z", 0.5));
    List<String> lines = g.newLines(flapping);
    assertThat(lines).hasSize(1 + GuardChanges.SHOWN_PER_READ);
    assertThat(lines.get(0)).isEqualTo("2 earlier change(s) of the latency guard's mode between"
        + " 2026-12-07T21:00:01Z and 2026-12-07T21:00:02Z (not listed)");
    assertThat(lines.get(3)).endsWith("(since 2026-12-07T21:00:05Z)");
    assertThat(g.newLines(flapping)).isEmpty();
  }

  @Test
  void aChangeWithoutATimeIsSkipped() {
    assertThat(new GuardChanges().newLines(List.of(at(GuardState.FREE, null, 1.0),
        at(GuardState.FREE, "yesterday", 1.0)))).isEmpty();
  }
}
