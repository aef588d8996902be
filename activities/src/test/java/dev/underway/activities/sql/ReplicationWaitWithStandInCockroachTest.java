package dev.underway.activities.sql;

import static org.assertj.core.api.Assertions.assertThat;

import dev.underway.workflows.evolution.contract.DatabaseActivities;
import dev.underway.activities.sql.StandInCockroach.Reading;
import dev.underway.workflows.evolution.model.ReplicationProgress;
import dev.underway.workflows.evolution.model.ClusterTarget;
import io.temporal.activity.ActivityOptions;
import io.temporal.common.RetryOptions;
import io.temporal.testing.TestActivityEnvironment;
import java.lang.reflect.Proxy;
import java.sql.Connection;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * "Replication done" against a STAND-IN CockroachDB ({@link StandInCockroach}: ranges that move
 * one by one after the zone change, range metrics published 10-20 s late): the wait ends only
 * when the replicas themselves are right, and no reading taken within the settle time counts.
 * The production activity and range check run unchanged; only CockroachDB's answers are
 * simulated. CockroachRealClusterTest runs the real statements where a cockroach binary exists.
 */
class ReplicationWaitWithStandInCockroachTest {

  private static final ClusterTarget TARGET = ClusterTarget.of("db", "cockroachdb", "cockroachdb-public",
      "app").withSql("127.0.0.1", 26257, "disable");
  private static final Duration SETTLE = Duration.ofSeconds(20);

  private final TestActivityEnvironment env = TestActivityEnvironment.newInstance();

  @AfterEach
  void tearDown() {
    env.close();
  }

  private DatabaseActivities activities(StandInCockroach cockroach) {
    ConnectionFactory noDatabase = (t, c) -> (Connection) Proxy.newProxyInstance(
        getClass().getClassLoader(), new Class<?>[] {Connection.class}, (p, m, a) -> null);
    env.registerActivitiesImplementations(new SqlDatabaseActivities(noDatabase,
        t -> new SqlCredentials("root", null, null), cockroach, Duration.ofMillis(1), null,
        SETTLE, cockroach.clock));
    return env.newActivityStub(DatabaseActivities.class, ActivityOptions.newBuilder()
        .setStartToCloseTimeout(Duration.ofMinutes(1))
        .setRetryOptions(RetryOptions.newBuilder().setMaximumAttempts(1).build())
        .build());
  }

  @Test
  void cleanButStaleMetricsDoNotEndTheWaitWhileTheRangesStillMove() {
    StandInCockroach cockroach = new StandInCockroach(10, 2, "RANGE default", "RANGE meta");
    DatabaseActivities db = activities(cockroach);
    db.setReplicationFactor(TARGET, 3);
    long changedAt = cockroach.clock.millis();

    ReplicationProgress done = db.awaitReplicated(TARGET, 3);

    List<Reading> seen = cockroach.readings;
    // the trap was there: metrics clean while the replicas were still moving
    assertThat(seen).anySatisfy(r -> {
      assertThat(r.metricsClean()).isTrue();
      assertThat(r.rangesRight()).isFalse();
    });
    // and the wait did not fall for it: done only with the ranges right, and stayed right
    assertThat(cockroach.rightAt(cockroach.clock.millis())).isTrue();
    assertThat(seen.subList(seen.size() - 3, seen.size()))
        .allSatisfy(r -> assertThat(r.rangesRight() && r.metricsClean()).isTrue());
    assertThat(seen.get(seen.size() - 3).atMillis() - changedAt)
        .as("first counted reading, ms after the change").isGreaterThanOrEqualTo(
            SETTLE.toMillis());
    assertThat(done.rangesChecked()).isEqualTo(10);
    assertThat(done.rangesWithLearners()).isZero();
    assertThat(done.underReplicatedRanges()).isZero();
  }

  @Test
  void metricsThatStayCleanLongerThanTheSettleTimeCannotEndTheWaitEither() {
    // a store whose status lags: its metrics describe the cluster of a minute ago, clean
    StandInCockroach cockroach = new StandInCockroach(10, 2, "RANGE default");
    cockroach.metricDelay = Duration.ofSeconds(60);
    DatabaseActivities db = activities(cockroach);
    db.setReplicationFactor(TARGET, 3);
    long changedAt = cockroach.clock.millis();

    db.awaitReplicated(TARGET, 3);

    List<Reading> seen = cockroach.readings;
    assertThat(seen).filteredOn(r -> r.atMillis() - changedAt >= SETTLE.toMillis())
        .as("settled readings with clean metrics and ranges still moving")
        .anySatisfy(r -> {
          assertThat(r.metricsClean()).isTrue();
          assertThat(r.rangesRight()).isFalse();
        });
    assertThat(cockroach.rightAt(cockroach.clock.millis())).isTrue();
    assertThat(seen.subList(seen.size() - 3, seen.size()))
        .allSatisfy(r -> assertThat(r.rangesRight()).isTrue());
  }

  @Test
  void noReadingWithinTheSettleTimeCountsEvenWhenEverythingLooksRight() {
    StandInCockroach cockroach = StandInCockroach.settledAt3(5);
    long start = cockroach.clock.millis();

    ReplicationProgress done = activities(cockroach).awaitReplicated(TARGET, 3);

    // a reading begins every 2 s (start, start + 2 s, ...); the 11th, begun at start + 20 s, is
    // the first that counts, the 13th the third clean one in a row
    assertThat(cockroach.readings).hasSize(13);
    assertThat(cockroach.clock.millis() - start).isEqualTo(26_000);
    assertThat(done.countFromMillis()).isEqualTo(start + SETTLE.toMillis());
    assertThat(done.consecutiveCleanReadings()).isEqualTo(3);
  }

  @Test
  void aRetriedWaitKeepsTheSettleTimeOfItsFirstAttempt() {
    StandInCockroach cockroach = StandInCockroach.settledAt3(5);
    long start = cockroach.clock.millis();
    // the first attempt began 16 s ago: readings count from start + 4 s (the 3rd on)
    env.setHeartbeatDetails(new ReplicationProgress(0, 0, 0, 3, start + 4_000, 5L, 0L, null));

    activities(cockroach).awaitReplicated(TARGET, 3);

    assertThat(cockroach.readings).hasSize(5);
  }

  @Test
  void aHeartbeatFromBeforeTheSettleTimeStartsItAgain() {
    StandInCockroach cockroach = StandInCockroach.settledAt3(5);
    // two clean readings recorded by a worker that did not know about settling
    env.setHeartbeatDetails(new ReplicationProgress(0, 0, 2, 3));

    activities(cockroach).awaitReplicated(TARGET, 3);

    assertThat(cockroach.readings).as("not 1: the old clean readings do not count")
        .hasSize(13);
  }
}
