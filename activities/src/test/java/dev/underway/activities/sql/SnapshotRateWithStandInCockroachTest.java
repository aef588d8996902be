package dev.underway.activities.sql;

import static dev.underway.activities.sql.CockroachDialect.SNAPSHOT_REBALANCE_RATE;
import static dev.underway.activities.sql.CockroachDialect.SNAPSHOT_RECOVERY_RATE;
import static dev.underway.activities.sql.StandInCockroach.MIB;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.underway.activities.support.guard.ForegroundProbe;
import dev.underway.guard.GuardSettings;
import dev.underway.guard.GuardState;
import dev.underway.kernel.ChangeResult;
import dev.underway.workflows.evolution.contract.DatabaseActivities;
import dev.underway.workflows.evolution.model.ClusterTarget;
import dev.underway.workflows.evolution.model.PacedReplication;
import dev.underway.workflows.evolution.model.SnapshotRate;
import io.temporal.activity.ActivityOptions;
import io.temporal.common.RetryOptions;
import io.temporal.testing.TestActivityEnvironment;
import java.lang.reflect.Proxy;
import java.sql.Connection;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The snapshot rate activities against a STAND-IN CockroachDB ({@link StandInCockroach}: its
 * cluster settings as CockroachDB keeps them, its ranges moving after a zone change): the
 * setting is read as found, lowered while the latency guard is slowed and never above the value
 * found, and put back exactly; each activity run twice changes nothing more. The production
 * activities, {@link SnapshotPacing} and the real {@code LatencyGuard} run unchanged; the
 * foreground is an in-memory probe whose latency the test sets.
 */
class SnapshotRateWithStandInCockroachTest {

  private static final ClusterTarget TARGET = ClusterTarget.of("db", "cockroachdb",
      "cockroachdb-public", "app").withSql("127.0.0.1", 26257, "disable");
  /** A guard that samples every 5 ms, with a baseline of a fraction of a second. */
  static final GuardSettings GUARD = new GuardSettings(1.25, 2L, null, null, null, 200L, 5L);
  /** What the baseline activity answered before the phase moved data: p99 1 ms. */
  static final GuardState BASELINE = new GuardState(GuardState.FREE, 1.0, 1.0, 2.0, 1.25, 1.0,
      0L, null, "baseline p99 1.0 ms");

  private final TestActivityEnvironment env = TestActivityEnvironment.newInstance();

  @AfterEach
  void tearDown() {
    env.close();
  }

  /** The foreground as the guard's probe feels it: {@link #millis} a reading. */
  static final class Foreground implements ForegroundProbe {
    volatile long millis = 1;

    @Override
    public Duration sample() {
      return Duration.ofMillis(millis);
    }
  }

  static SqlDatabaseActivities activities(StandInCockroach cockroach, Foreground foreground) {
    ConnectionFactory noDatabase = (t, c) -> (Connection) Proxy.newProxyInstance(
        SnapshotRateWithStandInCockroachTest.class.getClassLoader(),
        new Class<?>[] {Connection.class}, (p, m, a) -> null);
    return new SqlDatabaseActivities(noDatabase, t -> new SqlCredentials("root", null, null),
        cockroach, Duration.ofMillis(10), null, Duration.ofSeconds(20), cockroach.clock)
        .probingWith((target, settings) -> foreground);
  }

  private DatabaseActivities stub(StandInCockroach cockroach, Foreground foreground) {
    env.registerActivitiesImplementations(activities(cockroach, foreground));
    return env.newActivityStub(DatabaseActivities.class, ActivityOptions.newBuilder()
        .setStartToCloseTimeout(Duration.ofMinutes(2))
        .setRetryOptions(RetryOptions.newBuilder().setMaximumAttempts(1).build())
        .build());
  }

  /** Ranges with two voters under a zone that asks for three: the wait holds until released. */
  private static StandInCockroach moving() {
    return new StandInCockroach(5, 3, "RANGE default");
  }

  /** The ranges start moving (as after the zone change); the wait ends once they are right. */
  private static void release(StandInCockroach cockroach) {
    cockroach.setNumReplicas(null, "RANGE default", 3);
  }

  @Test
  void theRateIsReadAsFoundTwiceTheSameAtItsDefault() {
    StandInCockroach cockroach = moving();
    DatabaseActivities db = stub(cockroach, new Foreground());

    SnapshotRate first = db.readSnapshotRate(TARGET);
    SnapshotRate second = db.readSnapshotRate(TARGET);

    assertThat(first).isEqualTo(second);
    assertThat(first.applicable()).isTrue();
    assertThat(first.settings()).singleElement().satisfies(s -> {
      assertThat(s.name()).isEqualTo(SNAPSHOT_REBALANCE_RATE);
      assertThat(s.bytesPerSecond()).isEqualTo(32 * MIB);
      assertThat(s.explicit()).isFalse();
    });
    assertThat(first.describe()).isEqualTo("kv.snapshot_rebalance.max_rate = 32 MiB (default)");
    assertThat(cockroach.snapshotStatements).as("reading changes nothing").isEmpty();
  }

  @Test
  void aReleaseBeforeV232HasBothRatesAndAnExplicitValueIsKeptToTheByte() {
    StandInCockroach cockroach = moving().withRecoveryRate();
    cockroach.snapshotSet.put(SNAPSHOT_REBALANCE_RATE, 48 * MIB + 1);

    SnapshotRate found = stub(cockroach, new Foreground()).readSnapshotRate(TARGET);

    assertThat(found.settings()).extracting(SnapshotRate.Setting::name)
        .containsExactly(SNAPSHOT_REBALANCE_RATE, SNAPSHOT_RECOVERY_RATE);
    assertThat(found.settings().get(0)).satisfies(s -> {
      assertThat(s.explicit()).isTrue();
      assertThat(s.storedValue()).isEqualTo(String.valueOf(48 * MIB + 1));
      assertThat(s.bytesPerSecond()).isEqualTo(48 * MIB + 1);
    });
  }

  @Test
  void aSlowedGuardLowersTheRateDuringTheWaitNeverAboveTheValueFoundAndRestoreBringsItBack()
      throws Exception {
    StandInCockroach cockroach = moving().withRecoveryRate();
    Foreground foreground = new Foreground();
    DatabaseActivities db = stub(cockroach, foreground);
    List<PacedReplication> heartbeats = new CopyOnWriteArrayList<>();
    env.setActivityHeartbeatListener(PacedReplication.class, heartbeats::add);
    SnapshotRate found = db.readSnapshotRate(TARGET);

    CompletableFuture<PacedReplication> wait = CompletableFuture.supplyAsync(
        () -> db.awaitReplicatedPaced(TARGET, 3, found, GUARD, BASELINE));
    await().atMost(Duration.ofSeconds(20)).until(() -> !heartbeats.isEmpty());
    assertThat(cockroach.snapshotRate(SNAPSHOT_REBALANCE_RATE)).as("free: the value found")
        .isEqualTo(32 * MIB);
    foreground.millis = 20; // the foreground feels the snapshots: p99 20x its baseline
    await().atMost(Duration.ofSeconds(30)).until(() ->
        cockroach.snapshotRate(SNAPSHOT_REBALANCE_RATE) < 32 * MIB
            && cockroach.snapshotRate(SNAPSHOT_RECOVERY_RATE) < 32 * MIB);
    await().atMost(Duration.ofSeconds(30)).until(() -> heartbeats.get(heartbeats.size() - 1)
        .guard().mode().equals(GuardState.SLOWED) || heartbeats.get(heartbeats.size() - 1)
        .guard().mode().equals(GuardState.FLOOR));
    release(cockroach);
    PacedReplication done = wait.get(60, TimeUnit.SECONDS);

    assertThat(done.done()).isTrue();
    assertThat(done.foundBytesPerSecond()).isEqualTo(32 * MIB);
    assertThat(done.lowestBytesPerSecond()).isLessThan(32 * MIB)
        .isGreaterThanOrEqualTo(SnapshotPacing.FLOOR_BYTES_PER_SECOND);
    assertThat(done.rateSummary()).contains("of 32.0 MiB/s found");
    assertThat(cockroach.snapshotStatements).as("never above the value found, never below the"
        + " floor").allSatisfy(sql -> {
          long bytes = Long.parseLong(sql.replaceAll(".*= '([0-9]+)'$", "$1"));
          assertThat(bytes).isBetween(SnapshotPacing.FLOOR_BYTES_PER_SECOND, 32 * MIB);
        });
    assertThat(heartbeats).as("the heartbeat carries the rate and the guard's state")
        .anySatisfy(h -> {
          assertThat(h.rateBytesPerSecond()).isLessThan(32 * MIB);
          assertThat(h.guard().baselineP99Ms()).isEqualTo(1.0);
        });

    ChangeResult restored = db.restoreSnapshotRate(TARGET, found);
    ChangeResult again = db.restoreSnapshotRate(TARGET, found);

    assertThat(restored.outcome()).isEqualTo(ChangeResult.Outcome.UPDATED);
    assertThat(cockroach.snapshotStatements).endsWith(
        "RESET CLUSTER SETTING kv.snapshot_rebalance.max_rate",
        "RESET CLUSTER SETTING kv.snapshot_recovery.max_rate");
    assertThat(cockroach.snapshotSet).as("both back at their defaults, as found").isEmpty();
    assertThat(again.outcome()).as("run twice: nothing more to do")
        .isEqualTo(ChangeResult.Outcome.UNCHANGED);
  }

  @Test
  void anExplicitValueFoundIsSetBackToTheByteAndTheWaitRunTwiceRaisesNothing() {
    StandInCockroach cockroach = StandInCockroach.settledAt3(3);
    cockroach.snapshotSet.put(SNAPSHOT_REBALANCE_RATE, 48 * MIB + 1);
    Foreground foreground = new Foreground();
    foreground.millis = 20; // slowed from the first decision
    DatabaseActivities db = stub(cockroach, foreground);
    SnapshotRate found = db.readSnapshotRate(TARGET);

    PacedReplication first = db.awaitReplicatedPaced(TARGET, 3, found, GUARD, BASELINE);
    PacedReplication second = db.awaitReplicatedPaced(TARGET, 3, found, GUARD, BASELINE);

    assertThat(first.done()).isTrue();
    assertThat(second.done()).isTrue();
    assertThat(cockroach.snapshotStatements).allSatisfy(sql -> assertThat(Long.parseLong(
        sql.replaceAll(".*= '([0-9]+)'$", "$1"))).isLessThanOrEqualTo(48 * MIB + 1));

    db.restoreSnapshotRate(TARGET, found);
    assertThat(cockroach.snapshotRate(SNAPSHOT_REBALANCE_RATE)).isEqualTo(48 * MIB + 1);
    assertThat(cockroach.snapshotSet).containsKey(SNAPSHOT_REBALANCE_RATE);
    assertThat(db.restoreSnapshotRate(TARGET, found).outcome())
        .isEqualTo(ChangeResult.Outcome.UNCHANGED);
  }

  @Test
  void theBaselineIsSampledBeforeThePhaseMovesDataTwiceAlike() {
    StandInCockroach cockroach = moving();
    Foreground foreground = new Foreground();
    foreground.millis = 3;
    DatabaseActivities db = stub(cockroach, foreground);

    GuardState first = db.guardBaseline(TARGET, GUARD);
    GuardState second = db.guardBaseline(TARGET, GUARD);

    assertThat(first.baselineP99Ms()).isEqualTo(3.0, org.assertj.core.data.Offset.offset(0.1));
    assertThat(second.baselineP99Ms()).isEqualTo(first.baselineP99Ms(),
        org.assertj.core.data.Offset.offset(0.1));
    assertThat(first.mode()).isEqualTo(GuardState.FREE);
    assertThat(cockroach.snapshotStatements).as("sampling changes nothing").isEmpty();
  }
}
