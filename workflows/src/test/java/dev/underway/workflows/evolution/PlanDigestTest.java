package dev.underway.workflows.evolution;

import static org.assertj.core.api.Assertions.assertThat;

import dev.underway.workflows.evolution.model.PhasePlan;
import java.util.List;
import org.junit.jupiter.api.Test;

/** A plan's digest names what it changes, not how a release words it (see PlanDigest). */
class PlanDigestTest {

  private static PhasePlan plan(int nodesAfter, List<String> changes, List<String> warnings) {
    return new PhasePlan("phase-1", 1, nodesAfter, 1, 2, 0, 0, nodesAfter, List.of("RANGE default"),
        true, true, 0, null, changes, warnings);
  }

  @Test
  void rewordingAPlanKeepsItsDigestChangingItDoesNot() {
    String digest = PlanDigest.of(Requests.TARGET, plan(2, List.of("scale 1 -> 2"),
        List.of("RF 2 tolerates ZERO node failures")));
    assertThat(digest).matches("[0-9a-f]{8}");
    assertThat(PlanDigest.of(Requests.TARGET, plan(2, List.of("scale the StatefulSet: 1 -> 2"),
        List.of("another release's wording", "and one more warning"))))
        .as("a newer release words the gate differently: decisions already made still match")
        .isEqualTo(digest);
    assertThat(PlanDigest.of(Requests.TARGET, plan(3, List.of("scale 1 -> 3"), List.of())))
        .isNotEqualTo(digest);
    assertThat(PlanDigest.of(Requests.TARGET, plan(2, List.of("scale 1 -> 2",
        "revoke CREATE on schema public from PUBLIC"), List.of())))
        .as("one more change is another plan").isNotEqualTo(digest);
  }
}
