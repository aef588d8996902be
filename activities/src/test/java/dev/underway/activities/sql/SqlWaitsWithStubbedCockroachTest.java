package dev.underway.activities.sql;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.underway.workflows.evolution.contract.DatabaseActivities;
import dev.underway.kernel.Failures;
import dev.underway.activities.sql.CockroachDialect.RangeCounts;
import dev.underway.kernel.ChangeResult;
import dev.underway.kernel.ChangeResult.Outcome;
import dev.underway.workflows.evolution.model.NodesReady;
import dev.underway.workflows.evolution.model.RangeHealth;
import dev.underway.workflows.evolution.model.ReplicationProgress;
import dev.underway.workflows.evolution.model.ClusterTarget;
import dev.underway.workflows.evolution.model.ZoneReplication;
import io.temporal.activity.ActivityOptions;
import io.temporal.common.RetryOptions;
import io.temporal.failure.ActivityFailure;
import io.temporal.failure.ApplicationFailure;
import io.temporal.testing.TestActivityEnvironment;
import java.lang.reflect.Proxy;
import java.sql.Connection;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Activity logic with a STUB standing in for CockroachDB (no cockroach binary here): scripted
 * readings for the waits (with no settle time: the readings here are not stale; the settle time
 * and stale metrics are ReplicationWaitWithStandInCockroachTest's), a scripted dialect for the
 * replication factor that keeps and reports every number it is given. What the real SQL does is
 * covered by CockroachRealClusterTest when a cockroach binary is on PATH.
 */
class SqlWaitsWithStubbedCockroachTest {

  private static final ClusterTarget TARGET = ClusterTarget.of("db", "cockroachdb", "cockroachdb-public", "app")
      .withSql("127.0.0.1", 26257, "disable");
  private static final SqlCredentials CREDS = new SqlCredentials("root", "s3cret", null);

  private TestActivityEnvironment env;
  private final ScriptedReadings readings = new ScriptedReadings();
  private final ScriptedDialect dialect = new ScriptedDialect();
  private final List<ReplicationProgress> replicationBeats = new CopyOnWriteArrayList<>();
  private final List<NodesReady> nodeBeats = new CopyOnWriteArrayList<>();
  private DatabaseActivities activities;

  @BeforeEach
  void setUp() {
    env = TestActivityEnvironment.newInstance();
    ConnectionFactory noDatabase = (t, c) -> (Connection) Proxy.newProxyInstance(
        getClass().getClassLoader(), new Class<?>[] {Connection.class}, (p, m, a) -> null);
    env.registerActivitiesImplementations(new SqlDatabaseActivities(
        noDatabase, t -> CREDS, dialect, Duration.ofMillis(5), readings, Duration.ZERO,
        Clock.systemUTC()));
    activities = env.newActivityStub(DatabaseActivities.class, ActivityOptions.newBuilder()
        .setStartToCloseTimeout(Duration.ofMinutes(1))
        .setRetryOptions(RetryOptions.newBuilder().setMaximumAttempts(1).build())
        .build());
  }

  @AfterEach
  void tearDown() {
    env.close();
  }

  // The SDK throttles heartbeats (the first goes out at once, later ones are coalesced), so the
  // tests check the first heartbeat exactly and count the readings the activity consumed.
  private void listenToReplication() {
    env.setActivityHeartbeatListener(ReplicationProgress.class, replicationBeats::add);
  }

  private void listenToNodes() {
    env.setActivityHeartbeatListener(NodesReady.class, nodeBeats::add);
  }

  private static RangeCounts clean() {
    return new RangeCounts(0, 0);
  }

  /** The counts a progress reports, without the settle time and range details. */
  private static ReplicationProgress counts(ReplicationProgress p) {
    return new ReplicationProgress(p.underReplicatedRanges(), p.unavailableRanges(),
        p.consecutiveCleanReadings(), p.readingsRequired());
  }

  @Test
  void replicatedNeedsConsecutiveCleanReadingsAndADirtyOneResetsTheCount() {
    readings.ranges(new RangeCounts(12, 0), clean(), clean(), new RangeCounts(0, 1), clean(),
        clean(), clean(), new RangeCounts(99, 99));
    listenToReplication();

    ReplicationProgress done = activities.awaitReplicated(TARGET, 3);

    assertThat(counts(done)).isEqualTo(new ReplicationProgress(0, 0, 3, 3));
    // without the reset the 5th reading would have been the 3rd clean one: 3 readings left
    assertThat(readings.rangesLeft()).as("readings not consumed").isEqualTo(1);
    assertThat(counts(replicationBeats.get(0))).isEqualTo(new ReplicationProgress(12, 0, 0, 3));
  }

  @Test
  void replicatedResumesFromTheHeartbeatDetails() {
    env.setHeartbeatDetails(new ReplicationProgress(0, 0, 2, 3));
    readings.ranges(clean(), new RangeCounts(5, 5));
    listenToReplication();

    ReplicationProgress done = activities.awaitReplicated(TARGET, 3);

    assertThat(done.consecutiveCleanReadings()).isEqualTo(3);
    assertThat(readings.rangesLeft()).isEqualTo(1);
    assertThat(replicationBeats).extracting(SqlWaitsWithStubbedCockroachTest::counts)
        .containsExactly(new ReplicationProgress(0, 0, 3, 3));
  }

  @Test
  void aDirtyReadingAfterResumingStartsTheCountAgain() {
    env.setHeartbeatDetails(new ReplicationProgress(0, 0, 2, 3));
    readings.ranges(new RangeCounts(1, 0), clean(), clean(), clean(), new RangeCounts(7, 7));
    listenToReplication();

    assertThat(activities.awaitReplicated(TARGET, 3).consecutiveCleanReadings()).isEqualTo(3);

    assertThat(readings.rangesLeft()).isEqualTo(1);
    assertThat(counts(replicationBeats.get(0))).isEqualTo(new ReplicationProgress(1, 0, 0, 3));
  }

  @Test
  void liveNodesHeartbeatsEachReadingUntilEnough() {
    readings.nodes(1, 1, 2, 3, 3);
    listenToNodes();

    NodesReady ready = activities.awaitLiveNodes(TARGET, 3);

    assertThat(ready).isEqualTo(new NodesReady(3, 3));
    assertThat(readings.nodesLeft()).isEqualTo(1);
    assertThat(nodeBeats).first().isEqualTo(new NodesReady(1, 3));
    assertThat(nodeBeats).allSatisfy(b -> assertThat(b.wanted()).isEqualTo(3));
  }

  @Test
  void liveNodesResumesAfterARetry() {
    env.setHeartbeatDetails(new NodesReady(2, 3));
    readings.nodes(3);
    listenToNodes();

    assertThat(activities.awaitLiveNodes(TARGET, 3).done()).isTrue();
    assertThat(nodeBeats).containsExactly(new NodesReady(3, 3));
  }

  @Test
  void waitsRefuseNonsenseArguments() {
    assertNonRetryable(() -> activities.awaitReplicated(TARGET, 0), Failures.INVALID_REQUEST);
    assertNonRetryable(() -> activities.awaitLiveNodes(TARGET, 0), Failures.INVALID_REQUEST);
    assertThat(readings.calls).isZero();
  }

  @Test
  void setsEveryZoneThatDiffersAndLeavesTheOthersAlone() {
    dialect.live = 2;
    dialect.zones.addAll(List.of(new ZoneReplication("RANGE default", 1),
        new ZoneReplication("DATABASE system", 1), new ZoneReplication("RANGE meta", 1),
        new ZoneReplication("RANGE liveness", 2), new ZoneReplication("RANGE system", 1)));

    ChangeResult first = activities.setReplicationFactor(TARGET, 2);

    assertThat(first.outcome()).isEqualTo(Outcome.UPDATED);
    assertThat(dialect.altered).containsExactly(Map.entry("RANGE default", 2),
        Map.entry("DATABASE system", 2), Map.entry("RANGE meta", 2), Map.entry("RANGE system", 2));
    assertThat(first.detail()).contains("RANGE default 1 -> 2", "RANGE system 1 -> 2")
        .doesNotContain("liveness");
    assertThat(dialect.zones(null)).extracting(ZoneReplication::numReplicas).containsOnly(2);

    ChangeResult second = activities.setReplicationFactor(TARGET, 2);
    assertThat(second.outcome()).isEqualTo(Outcome.UNCHANGED);
    assertThat(dialect.altered).hasSize(4);
  }

  @Test
  void replicationFactor3IsSentAs3AndTheSystemRangesGoBackToTheirDefault5() {
    dialect.live = 3;
    dialect.zones.addAll(List.of(new ZoneReplication("RANGE default", 2),
        new ZoneReplication("DATABASE system", 2), new ZoneReplication("RANGE meta", 2),
        new ZoneReplication("RANGE liveness", 2), new ZoneReplication("RANGE system", 2),
        new ZoneReplication("TABLE app.public.items", 2)));

    ChangeResult result = activities.setReplicationFactor(TARGET, 3);

    assertThat(result.outcome()).isEqualTo(Outcome.UPDATED);
    assertThat(dialect.zones(null)).containsExactly(new ZoneReplication("RANGE default", 3),
        new ZoneReplication("DATABASE system", 5), new ZoneReplication("RANGE meta", 5),
        new ZoneReplication("RANGE liveness", 5), new ZoneReplication("RANGE system", 5),
        new ZoneReplication("TABLE app.public.items", 3));
    assertThat(result.detail()).contains("RANGE default 2 -> 3", "RANGE meta 2 -> 5");
    assertThat(activities.setReplicationFactor(TARGET, 3).outcome())
        .isEqualTo(Outcome.UNCHANGED);
  }

  @Test
  void refusesAFactorAboveTheLiveNodesBeforeChangingAnything() {
    dialect.live = 2;
    dialect.zones.add(new ZoneReplication("RANGE default", 2));

    assertNonRetryable(() -> activities.setReplicationFactor(TARGET, 3), Failures.INVALID_REQUEST);
    assertNonRetryable(() -> activities.setReplicationFactor(TARGET, 0), Failures.INVALID_REQUEST);
    assertThat(dialect.altered).isEmpty();
  }

  @Test
  void refusesAllChangesWhenAnyZoneTargetLooksWrong() {
    dialect.live = 3;
    dialect.zones.addAll(List.of(new ZoneReplication("RANGE default", 1),
        new ZoneReplication("RANGE meta; DROP DATABASE app", 1)));

    assertNonRetryable(() -> activities.setReplicationFactor(TARGET, 3), Failures.TARGET_NOT_FOUND);
    assertThat(dialect.altered).isEmpty();
  }

  private static void assertNonRetryable(Runnable call, String type) {
    assertThatThrownBy(call::run)
        .isInstanceOf(ActivityFailure.class)
        .satisfies(e -> {
          ApplicationFailure cause = (ApplicationFailure) e.getCause();
          assertThat(cause.getType()).isEqualTo(type);
          assertThat(cause.isNonRetryable()).isTrue();
        });
  }

  /** Readings handed out in order; running out fails the test. */
  static final class ScriptedReadings implements ClusterReadings {
    private final Deque<Integer> nodes = new ArrayDeque<>();
    private final Deque<RangeCounts> ranges = new ArrayDeque<>();
    volatile int calls;

    void nodes(Integer... values) {
      nodes.addAll(List.of(values));
    }

    void ranges(RangeCounts... values) {
      ranges.addAll(List.of(values));
    }

    /** What SHOW CLUSTER RANGES says in these tests: every range right. */
    volatile RangeHealth replicas = new RangeHealth(10, 0, 0, 0);

    int nodesLeft() {
      return nodes.size();
    }

    int rangesLeft() {
      return ranges.size();
    }

    @Override
    public synchronized int liveNodes(ClusterTarget target) {
      calls++;
      Integer next = nodes.poll();
      if (next == null) {
        throw new AssertionError("the activity read live nodes more often than scripted");
      }
      return next;
    }

    @Override
    public synchronized RangeCounts rangeCounts(ClusterTarget target) {
      calls++;
      RangeCounts next = ranges.poll();
      if (next == null) {
        throw new AssertionError("the activity read range counts more often than scripted");
      }
      return next;
    }

    @Override
    public RangeHealth rangeHealth(ClusterTarget target) {
      return replicas;
    }
  }

  /**
   * The dialect's CockroachDB statements replaced by a scripted cluster that keeps the number
   * each ALTER ... CONFIGURE ZONE sent and reports it back; validation stays real.
   */
  static final class ScriptedDialect extends CockroachDialect {
    volatile int live;
    final List<ZoneReplication> zones = new ArrayList<>();
    /** target -> num_replicas, in the order they were set. */
    final Map<String, Integer> altered = java.util.Collections.synchronizedMap(
        new LinkedHashMap<>());

    @Override
    public String serverVersion(Connection c) {
      return "CockroachDB CCL v26.1.0 (stub)";
    }

    @Override
    public void allowInternals(Connection c, String version) {}

    @Override
    public int liveNodes(Connection c) {
      return live;
    }

    @Override
    public synchronized List<ZoneReplication> zones(Connection c) {
      List<ZoneReplication> now = new ArrayList<>();
      for (ZoneReplication z : zones) {
        Integer set = altered.get(z.target());
        now.add(set == null ? z : new ZoneReplication(z.target(), set));
      }
      return now;
    }

    @Override
    public void setNumReplicas(Connection c, String target, int numReplicas) {
      alterZoneSql(target, numReplicas); // the real validation
      altered.put(target, numReplicas);
    }
  }
}
