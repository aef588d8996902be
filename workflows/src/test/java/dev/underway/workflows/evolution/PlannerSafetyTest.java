package dev.underway.workflows.evolution;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.underway.kernel.Failures;
import dev.underway.workflows.evolution.model.ClusterObservation;
import dev.underway.workflows.evolution.model.DatabaseState;
import dev.underway.workflows.evolution.model.Licence;
import dev.underway.workflows.evolution.model.Phase;
import dev.underway.workflows.evolution.model.PhasePlan;
import dev.underway.workflows.evolution.model.PlatformState;
import dev.underway.workflows.evolution.model.RangeHealth;
import dev.underway.workflows.evolution.model.ClusterTarget;
import dev.underway.workflows.evolution.model.ZoneReplication;
import io.temporal.failure.ApplicationFailure;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/**
 * What the planner promises about system zones, ranges, the licence and the reader user: the
 * gate, {@code verify} ({@link Planner#discrepancies}) and the projection all agree.
 */
class PlannerSafetyTest {

  private static final ClusterTarget T = Requests.TARGET;
  private static final Phase P0 = Phase.DEFAULTS.get(0);
  private static final Phase P1 = Phase.DEFAULTS.get(1);
  private static final Phase P2 = Phase.DEFAULTS.get(2);

  /** Every zone of {@link InMemoryCluster#ZONES}: RANGE default gets {@code data}, the rest {@code system}. */
  private static DatabaseState db(int nodes, boolean reader, int data, int system) {
    List<ZoneReplication> zones = new ArrayList<>();
    for (String z : InMemoryCluster.ZONES) {
      zones.add(new ZoneReplication(z, z.equals("RANGE default") ? data : system));
    }
    return new DatabaseState("CockroachDB CCL v25.4.0", nodes, zones, reader, true);
  }

  private static ClusterObservation at(int nodes, boolean reader, DatabaseState db) {
    return new ClusterObservation(new PlatformState(nodes, nodes, reader, nodes >= 3 ? 1 : 0),
        db);
  }

  private static Map<String, Integer> zones(ClusterObservation o) {
    return o.database().zones().stream()
        .collect(Collectors.toMap(ZoneReplication::target, ZoneReplication::numReplicas));
  }

  // ---- system zones ------------------------------------------------------------------------

  @Test
  void phase2LeavesTheSystemRangesAtCockroachDbsDefaultOfFive() {
    ClusterObservation phase1 = at(2, true, db(2, true, 2, 2));
    PhasePlan plan = Planner.plan(T, phase1, P2);
    assertThat(plan.zonesToChange()).hasSize(InMemoryCluster.ZONES.size());
    assertThat(String.join("\n", plan.changes()))
        .contains("num_replicas = 3 on 1 zone configuration(s) (RANGE default)")
        .contains("num_replicas = 5 (CockroachDB's default for system ranges: not pinned to the"
            + " factor) on 6 zone configuration(s) (DATABASE system, RANGE meta, RANGE liveness,"
            + " RANGE system, TABLE system.public.replication_constraint_stats,"
            + " TABLE system.public.replication_stats)")
        .contains("no learner (SHOW CLUSTER RANGES)");

    ClusterObservation after = Planner.project(phase1, plan);
    assertThat(zones(after)).containsEntry("RANGE default", 3).containsEntry("RANGE meta", 5)
        .containsEntry("DATABASE system", 5).containsEntry("RANGE liveness", 5);
    assertThat(after.effectiveReplicationFactor()).isEqualTo(3);
    assertThat(Planner.discrepancies(T, after, P2)).isEmpty();
    assertThat(Planner.plan(T, after, P2).alreadyThere()).isTrue();
  }

  @Test
  void aFreshThreeNodeClusterIsAlreadyAtPhase2AndItsSystemZonesAreNotPinned() {
    ClusterObservation fresh = at(3, true, db(3, true, 3, 5));
    assertThat(Planner.plan(T, fresh, P2).alreadyThere()).isTrue();
    assertThat(Planner.discrepancies(T, fresh, P2)).isEmpty();
  }

  @Test
  void phase1StillSetsTheSystemZonesToTwoExplicitly() {
    // a fresh 1-node cluster: data 3, system 5; Phase 1 asks for an even factor on purpose
    PhasePlan plan = Planner.plan(T, at(1, false, db(1, false, 3, 5)), P1);
    assertThat(plan.zonesToChange()).containsAll(InMemoryCluster.ZONES);
    assertThat(String.join("\n", plan.changes()))
        .contains("num_replicas = 2 on 7 zone configuration(s)")
        .doesNotContain("default for system ranges");
    assertThat(zones(Planner.project(at(1, false, db(1, false, 3, 5)), plan)).values())
        .containsOnly(2);
  }

  @Test
  void verifyWantsSystemZonesAtLeastAtTheFactor() {
    // pinned at 3 by an earlier run: at least the factor, accepted
    assertThat(Planner.discrepancies(T, at(3, true, db(3, true, 3, 3)), P2)).isEmpty();
    assertThat(Planner.discrepancies(T, at(3, true, db(3, true, 3, 2)), P2))
        .contains("RANGE meta has num_replicas 2, phase wants at least 3 (CockroachDB's default"
            + " 5 for system ranges)");
    assertThat(Planner.discrepancies(T, at(2, true, db(2, true, 2, 5)), P1))
        .contains("RANGE meta has num_replicas 5, phase wants 2");
  }

  // ---- ranges ------------------------------------------------------------------------------

  @Test
  void verifyLooksAtTheRangesThemselves() {
    DatabaseState zonesRight = db(3, true, 3, 5);
    assertThat(Planner.discrepancies(T, at(3, true,
        zonesRight.withRanges(new RangeHealth(40, 3, 0, 2))), P2))
        .containsExactly("the ranges are not fully replicated: 40 range(s): 3 under-replicated,"
            + " 2 with a learner replica still being added");
    assertThat(Planner.discrepancies(T, at(3, true,
        zonesRight.withRanges(new RangeHealth(40, 0, 0, 0))), P2)).isEmpty();
    assertThat(Planner.discrepancies(T, at(3, true, zonesRight), P2))
        .as("not observed (an old history): nothing to say").isEmpty();
  }

  // ---- licence -----------------------------------------------------------------------------

  private static List<String> warnings(Phase phase, ClusterObservation o) {
    return Planner.plan(T, o, phase).warnings();
  }

  @Test
  void everyCockroachGateCarriesTheLicenceFactsPhase0Included() {
    // Phase 0 of a fresh single-node cluster started with start + init: the clock runs already
    DatabaseState fresh = db(1, false, 3, 5).withLicence(Licence.NONE);
    List<String> phase0 = warnings(P0, at(1, false, fresh));
    assertThat(phase0).anySatisfy(w -> assertThat(w)
        .startsWith("No licence key is set")
        .contains("7 days after the cluster was initialised")
        .contains("only start-single-node and cockroach demo are exempt")
        .contains("more than 5 concurrent open transactions are then rejected")
        .contains("not when it grows"));

    DatabaseState free = db(2, true, 2, 2)
        .withLicence(new Licence(true, "Free", "2027-03-01T00:00:00Z", 20L));
    assertThat(warnings(P2, at(2, true, free))).anySatisfy(w -> assertThat(w)
        .startsWith("A licence key of type Free is set, valid until 2027-03-01T00:00:00Z"
            + " (20 day(s) left when observed)")
        .contains("Free keys also need telemetry"));

    DatabaseState expired = db(2, true, 2, 2)
        .withLicence(new Licence(true, "Enterprise", "2026-01-01T00:00:00Z", -3L));
    assertThat(warnings(P2, at(2, true, expired))).anySatisfy(w -> assertThat(w)
        .contains("EXPIRED 3 day(s) before this observation").contains("Renew the key now"));

    DatabaseState enterprise = db(2, true, 2, 2)
        .withLicence(new Licence(true, "Enterprise", "2027-06-01T00:00:00Z", 200L));
    assertThat(warnings(P2, at(2, true, enterprise))).anySatisfy(w -> assertThat(w)
        .contains("A set key is no proof that it is valid"));

    // observed before licence facts existed: the boolean still decides the words
    assertThat(warnings(P2, at(2, true, db(2, true, 2, 2)))).anySatisfy(w -> assertThat(w)
        .startsWith("A licence key is set. A set key is no proof"));
  }

  @Test
  void thePostgresqlSandboxHasNoLicenceWarning() {
    ClusterObservation local = new ClusterObservation(
        new PlatformState(1, 1, false, 0, PlatformState.LOCAL),
        new DatabaseState("PostgreSQL 17", 1,
            List.of(new ZoneReplication("synchronous_standby_names", 1)), false, true,
            DatabaseState.POSTGRESQL));
    assertThat(warnings(P1, local)).noneMatch(w -> w.contains("licence"));
  }

  // ---- the reader user ---------------------------------------------------------------------

  @Test
  void anExistingRoleThatMustNotBecomeTheReaderIsRefusedAtEveryPlan() {
    DatabaseState unsafe = db(1, true, 1, 1)
        .withReaderUserProblems(List.of("it is a superuser", "it owns 3 object(s)"));
    for (Phase phase : List.of(P0, P1)) {
      assertThatThrownBy(() -> Planner.plan(T, at(1, false, unsafe), phase))
          .isInstanceOfSatisfying(ApplicationFailure.class, f -> {
            assertThat(f.getType()).isEqualTo(Failures.INVALID_REQUEST);
            assertThat(f.isNonRetryable()).isTrue();
            assertThat(f.getOriginalMessage()).startsWith(Planner.REFUSED)
                .contains("the existing role underway_reader")
                .contains("it is a superuser; it owns 3 object(s)")
                .contains("Name a role of its own in target.readerUser");
          });
    }
    assertThat(Planner.discrepancies(T, at(2, true, db(2, true, 2, 2)
        .withReaderUserProblems(List.of("it may INSERT into public.items"))), P1))
        .containsExactly("read-only user underway_reader is not read-only: it may INSERT into"
            + " public.items");
  }

  @Test
  void publicCreateIsAWarningWithTheExactRevokeOrAnOptInChangeOfItsOwn() {
    DatabaseState phase1 = db(2, true, 2, 2).withPublicCanCreate(true);
    ClusterObservation fromPhase0 = at(1, false, db(1, false, 1, 1).withPublicCanCreate(true));

    PhasePlan warned = Planner.plan(T, fromPhase0, P1);
    assertThat(warned.warnings()).anySatisfy(w -> assertThat(w)
        .contains("PUBLIC (every role) may CREATE in schema public of database app")
        .contains("REVOKE CREATE ON SCHEMA public FROM PUBLIC")
        .contains("target.revokePublicCreate: true"));
    assertThat(warned.changes()).noneMatch(c -> c.contains("REVOKE"));
    assertThat(Planner.plan(T, at(2, true, phase1), P1).alreadyThere())
        .as("without the option nothing else to do: no gate").isTrue();

    ClusterTarget optIn = T.withRevokePublicCreate(true).withTableOwners(List.of("app_owner"));
    PhasePlan revoking = Planner.plan(optIn, at(2, true, phase1), P1);
    assertThat(revoking.alreadyThere()).as("the revocation alone opens a gate").isFalse();
    assertThat(revoking.changes()).singleElement().asString()
        .startsWith("revoke CREATE on schema public from PUBLIC in database app (REVOKE CREATE ON"
            + " SCHEMA public FROM PUBLIC), after granting CREATE on schema public explicitly to"
            + " app_owner");
    assertThat(revoking.warnings()).noneMatch(w -> w.contains("PUBLIC (every role)"));
    ClusterObservation after = Planner.project(at(2, true, phase1), revoking);
    assertThat(after.database().publicCanCreate()).isFalse();
    assertThat(Planner.plan(optIn, after, P1).alreadyThere()).isTrue();

    assertThat(Planner.plan(optIn, at(1, false, db(1, false, 1, 1)
        .withPublicCanCreate(true)), P0).changes()).as("no reader path, no revocation")
        .noneMatch(c -> c.contains("REVOKE"));
  }
}
