package dev.underway.activities.sql;

import static org.assertj.core.api.Assertions.assertThat;

import dev.underway.activities.sql.RangeChecks.RangeReplicas;
import dev.underway.workflows.evolution.model.RangeHealth;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** Ranges judged from their replicas, with CockroachDB's rule for the voters a zone needs. */
class RangeChecksTest {

  @Test
  void neededVotersFollowsTheAllocatorsRule() {
    assertThat(RangeChecks.neededVoters(3, 3)).isEqualTo(3);
    assertThat(RangeChecks.neededVoters(5, 3)).as("system ranges on 3 nodes").isEqualTo(3);
    assertThat(RangeChecks.neededVoters(5, 4)).as("made odd").isEqualTo(3);
    assertThat(RangeChecks.neededVoters(5, 7)).isEqualTo(5);
    assertThat(RangeChecks.neededVoters(2, 2)).as("an even factor asked for").isEqualTo(2);
    assertThat(RangeChecks.neededVoters(3, 2)).as("at least 3 once reduced").isEqualTo(3);
    assertThat(RangeChecks.neededVoters(1, 3)).isEqualTo(1);
  }

  private static RangeReplicas range(long id, List<Integer> voters, List<Integer> learners) {
    return new RangeReplicas(id, voters, learners);
  }

  @Test
  void rangesWithTooFewVotersOrALearnerAreNotDone() {
    Set<Integer> live = Set.of(1, 2, 3);
    RangeHealth h = RangeChecks.health(List.of(
        range(1, List.of(1, 2, 3), List.of()),
        range(2, List.of(1, 2), List.of(3)),   // up-replicating: the third is still a learner
        range(3, List.of(1, 2), List.of()),    // not started yet
        range(4, List.of(2, 3, 1), List.of())), 3, live);
    assertThat(h).isEqualTo(new RangeHealth(4, 2, 0, 1));
    assertThat(RangeChecks.health(List.of(range(1, List.of(1, 2, 3), List.of())), 3, live)
        .healthy()).isTrue();
  }

  @Test
  void votersOnDeadNodesDoNotCountAndAMinorityIsUnavailable() {
    RangeHealth h = RangeChecks.health(List.of(
        range(1, List.of(1, 2, 3), List.of()),
        range(2, List.of(1, 3), List.of())), 2, Set.of(1, 2));
    // range 1: 2 of 3 voters live (quorum kept), fewer than 2 wanted? no: 2 live >= 2 wanted
    // range 2: 1 of 2 voters live: under-replicated and no majority
    assertThat(h).isEqualTo(new RangeHealth(2, 1, 1, 0));
  }
}
