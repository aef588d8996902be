package dev.underway.sandbox.engine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.underway.workflows.evolution.contract.DatabaseActivities;
import dev.underway.workflows.evolution.contract.PlatformActivities;
import dev.underway.kernel.ChangeResult;
import dev.underway.kernel.ChangeResult.Outcome;
import dev.underway.workflows.evolution.model.PlatformState;
import dev.underway.workflows.evolution.model.ClusterTarget;
import io.temporal.activity.ActivityOptions;
import io.temporal.common.RetryOptions;
import io.temporal.failure.ActivityFailure;
import io.temporal.failure.ApplicationFailure;
import io.temporal.testing.TestActivityEnvironment;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Supplier;

/** What the tests of both local engines run their activities with, and check them by. */
public final class EngineTests {
  private EngineTests() {}

  public static final ClusterTarget TARGET =
      ClusterTarget.local("sandbox", LocalCluster.DEFAULT_DATABASE);
  public static final Duration POLL = Duration.ofMillis(100);
  /** One attempt: a failure shows at once instead of being retried. */
  public static final ActivityOptions OPTIONS = ActivityOptions.newBuilder()
      .setStartToCloseTimeout(Duration.ofMinutes(2))
      .setRetryOptions(RetryOptions.newBuilder().setMaximumAttempts(1).build())
      .build();

  /** The activity stubs of a cluster registered in a test activity environment. */
  public record Stubs(PlatformActivities platform, DatabaseActivities database) {}

  /** Registers what a worker would for {@code cluster} in {@code env}; its stubs. */
  public static Stubs register(TestActivityEnvironment env, LocalCluster<?> cluster,
      Duration poll, ActivityOptions options) {
    env.registerActivitiesImplementations(cluster.activities(poll).toArray());
    return new Stubs(env.newActivityStub(PlatformActivities.class, options),
        env.newActivityStub(DatabaseActivities.class, options));
  }

  /**
   * A phase's shape through the activities, each change run twice: {@code nodes} nodes, Ready
   * and live, then replication factor {@code rf} set (not yet waited for).
   */
  public static void scaleThenSetReplication(PlatformActivities platform,
      DatabaseActivities database, int nodes, int rf) {
    assertTwice(() -> platform.scaleNodes(TARGET, nodes), Outcome.UPDATED);
    assertThat(platform.awaitNodesReady(TARGET, nodes).ready()).isEqualTo(nodes);
    assertThat(database.awaitLiveNodes(TARGET, nodes).ready()).isEqualTo(nodes);
    assertTwice(() -> database.setReplicationFactor(TARGET, rf), Outcome.UPDATED);
  }

  /**
   * What a worker that attached after a crash finds: Phase 2 (3 nodes Ready, the reader path
   * and a budget of 1) observed, and every change of the phase again changing nothing.
   */
  public static void assertPhase2Done(TestActivityEnvironment env, LocalCluster<?> cluster,
      Duration poll, ActivityOptions options) {
    Stubs again = register(env, cluster, poll, options);
    assertThat(again.platform().observe(TARGET))
        .isEqualTo(new PlatformState(3, 3, true, 1, PlatformState.LOCAL));
    assertThat(again.platform().scaleNodes(TARGET, 3).outcome()).isEqualTo(Outcome.UNCHANGED);
    assertThat(again.database().setReplicationFactor(TARGET, 3).outcome())
        .isEqualTo(Outcome.UNCHANGED);
    assertThat(again.database().ensureReadOnlyUser(TARGET).outcome())
        .isEqualTo(Outcome.UNCHANGED);
  }

  /** A mutating activity run twice: the first as expected, the second UNCHANGED. */
  public static void assertTwice(Supplier<ChangeResult> activity, Outcome first) {
    assertThat(activity.get().outcome()).isEqualTo(first);
    ChangeResult second = activity.get();
    assertThat(second.outcome()).as("second run: %s", second).isEqualTo(Outcome.UNCHANGED);
  }

  /** The activity is refused, for good (non-retryable), with a failure of {@code type}. */
  public static void assertRefused(Runnable activity, String type) {
    assertThatThrownBy(activity::run)
        .isInstanceOf(ActivityFailure.class)
        .extracting(Throwable::getCause)
        .isInstanceOfSatisfying(ApplicationFailure.class, f -> {
          assertThat(f.getType()).isEqualTo(type);
          assertThat(f.isNonRetryable()).isTrue();
        });
  }

  /** The pid of every node, by name. */
  public static Map<String, Long> pids(LocalCluster<?> cluster) {
    Map<String, Long> pids = new LinkedHashMap<>();
    cluster.nodes().forEach(n -> pids.put(n.name(), cluster.pid(n.name())));
    return pids;
  }

  public static boolean alive(long pid) {
    return ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false);
  }

  /** The first column of the first row. */
  public static String scalar(Connection c, String sql) throws SQLException {
    try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery(sql)) {
      assertThat(rs.next()).as(sql).isTrue();
      return rs.getString(1);
    }
  }
}
