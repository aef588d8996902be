package dev.underway.sandbox.engine.cockroach;

import static dev.underway.sandbox.engine.EngineTests.assertTwice;
import static dev.underway.sandbox.engine.EngineTests.assertRefused;
import static dev.underway.sandbox.engine.EngineTests.pids;
import static dev.underway.sandbox.engine.EngineTests.scalar;
import static dev.underway.sandbox.engine.EngineTests.scaleThenSetReplication;
import dev.underway.sandbox.engine.EngineTests;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.underway.sandbox.engine.LocalPlatformActivities;
import dev.underway.workflows.evolution.contract.DatabaseActivities;
import dev.underway.kernel.Failures;
import dev.underway.workflows.evolution.contract.EvolutionFailures;
import dev.underway.workflows.evolution.contract.PlatformActivities;
import dev.underway.activities.sql.CockroachDialect;
import dev.underway.kernel.ChangeResult;
import dev.underway.kernel.ChangeResult.Outcome;
import dev.underway.workflows.evolution.model.DatabaseState;
import dev.underway.workflows.evolution.model.PlatformState;
import dev.underway.workflows.evolution.model.ClusterTarget;
import dev.underway.workflows.evolution.model.ZoneReplication;
import dev.underway.workflows.evolution.model.ZoneRules;
import io.temporal.activity.ActivityOptions;
import io.temporal.common.RetryOptions;
import io.temporal.failure.ActivityFailure;
import io.temporal.failure.ApplicationFailure;
import io.temporal.testing.TestActivityEnvironment;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Supplier;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A local CockroachDB cluster of real {@code cockroach} processes taken from Phase 0 (1 node, RF
 * 1) to Phase 2 (3 nodes, RF 3) through the activities, each mutating one run twice, and every
 * claim checked at the database: {@code num_replicas} of every zone in {@code SHOW ALL ZONE
 * CONFIGURATIONS}, live nodes, the reader path and the read-only user. Then a worker "crash":
 * attach to the directory finds the same processes; closing leaves none.
 *
 * <p>Runs only when a {@code cockroach} binary is on PATH; otherwise reported as skipped.
 */
class LocalCockroachEvolutionTest {

  private static final Optional<Path> BINARY =
      LocalCockroachCluster.onPath("cockroach", System.getenv("PATH"));
  private static final ClusterTarget TARGET =
      ClusterTarget.local("sandbox", LocalCockroachCluster.DEFAULT_DATABASE);
  private static final Duration POLL = Duration.ofMillis(250);
  private static final ActivityOptions OPTIONS = ActivityOptions.newBuilder()
      .setStartToCloseTimeout(Duration.ofMinutes(5))
      .setHeartbeatTimeout(Duration.ofMinutes(1))
      .setRetryOptions(RetryOptions.newBuilder().setMaximumAttempts(1).build())
      .build();

  @TempDir Path tmp;

  @BeforeEach
  void requireCockroach() {
    assumeTrue(BINARY.isPresent(),
        "cockroach binary not on PATH: the local CockroachDB engine (cockroach start/init"
            + " processes, 1 -> 2 -> 3 nodes, num_replicas on every zone) is not exercised in"
            + " this run");
  }

  @Test
  void phase0ToPhase2ThroughTheActivitiesThenAttachAndClose() throws Exception {
    Path dir = tmp.resolve("cluster");
    LocalCockroachCluster.Options options =
        LocalCockroachCluster.Options.in(dir).withBinary(BINARY.orElseThrow());
    List<Long> everyPid = new ArrayList<>();
    LocalCockroachCluster cluster = LocalCockroachCluster.create(options);
    TestActivityEnvironment env = TestActivityEnvironment.newInstance();
    try {
      long node1Pid = cluster.pid("node1");
      everyPid.add(node1Pid);

      // ---- Phase 0 as create() leaves it, read at the database ----
      Connection writer = DriverManager.getConnection(cluster.writerJdbcUrl(),
          cluster.adminProperties());
      assertThat(zones(writer)).extracting(ZoneReplication::target)
          .contains("RANGE default", "RANGE meta", "RANGE liveness", "RANGE system");
      assertEveryZone(writer, 1);
      assertThat(liveNodes(writer)).isEqualTo(1);
      assertThat(scalar(writer, "SELECT current_database()")).isEqualTo("app");
      try (Statement w = writer.createStatement()) {
        w.execute("CREATE TABLE IF NOT EXISTS public.items (id INT PRIMARY KEY, note STRING)");
        w.execute("INSERT INTO public.items VALUES (1, 'phase 0')");
      }
      assertThat(cluster.readerJdbcUrl()).isEmpty();

      EngineTests.Stubs stubs = EngineTests.register(env, cluster, POLL, OPTIONS);
      PlatformActivities platform = stubs.platform();
      DatabaseActivities database = stubs.database();
      assertThat(platform.observe(TARGET)).isEqualTo(new PlatformState(1, 1, false, null, PlatformState.LOCAL));
      DatabaseState db0 = database.observe(TARGET);
      assertThat(db0.version()).contains("CockroachDB");
      assertThat(db0.liveNodes()).isEqualTo(1);
      assertThat(db0.zones()).allSatisfy(z -> assertThat(z.numReplicas()).isEqualTo(1));
      assertThat(db0.readerUserExists()).isFalse();

      // ---- Phase 1: 2 nodes, RF 2, read-only user, reader path ----
      assertTwice(() -> platform.applyDisruptionBudget(TARGET, 0), Outcome.CREATED);
      scaleThenSetReplication(platform, database, 2, 2);
      assertThat(database.awaitReplicated(TARGET, 3).done()).isTrue();
      assertEveryZone(writer, 2);
      assertThat(liveNodes(writer)).isEqualTo(2);
      assertTwice(() -> database.ensureReadOnlyUser(TARGET), Outcome.CREATED);
      assertTwice(() -> platform.ensureReaderService(TARGET), Outcome.CREATED);
      String readerUrl = cluster.readerJdbcUrl().orElseThrow();
      assertThat(readerUrl).contains("loadBalanceHosts=true");
      try (Connection r = DriverManager.getConnection(readerUrl, cluster.readerProperties())) {
        assertThat(scalar(r, "SELECT count(*) FROM public.items")).isEqualTo("1");
        assertThatThrownBy(() -> {
          try (Statement s = r.createStatement()) {
            s.execute("INSERT INTO public.items VALUES (9, 'no')");
          }
        }).isInstanceOf(SQLException.class);
      }

      // ---- Phase 2: 3 nodes, RF 3 ----
      scaleThenSetReplication(platform, database, 3, 3);
      assertThat(database.awaitReplicated(TARGET, 3).done()).isTrue();
      assertTwice(() -> platform.applyDisruptionBudget(TARGET, 1), Outcome.UPDATED);
      assertEveryZone(writer, 3);
      assertThat(database.observe(TARGET).ranges().healthy()).as("SHOW CLUSTER RANGES").isTrue();
      assertThat(liveNodes(writer)).isEqualTo(3);
      assertThat(platform.observe(TARGET)).isEqualTo(new PlatformState(3, 3, true, 1, PlatformState.LOCAL));
      cluster.nodes().forEach(n -> everyPid.add(cluster.pid(n.name())));

      // refusals change nothing
      Map<String, Long> pidsBefore = pids(cluster);
      assertRefused(() -> platform.scaleNodes(TARGET, 2),
          EvolutionFailures.SCALE_DOWN_REFUSED.type());
      assertRefused(() -> database.setReplicationFactor(TARGET, 4), Failures.INVALID_REQUEST);
      assertThat(pids(cluster)).isEqualTo(pidsBefore);
      assertEveryZone(writer, 3);

      // node1 never restarted, and the first writer connection still works
      assertThat(cluster.pid("node1")).isEqualTo(node1Pid);
      try (Statement w = writer.createStatement()) {
        w.execute("INSERT INTO public.items VALUES (2, 'same connection at the end')");
      }
      writer.close();

      // ---- a worker crash: the directory carries the cluster to the next worker ----
      cluster.detach();
      TestActivityEnvironment env2 = TestActivityEnvironment.newInstance();
      try (LocalCockroachCluster again = LocalCockroachCluster.attach(options)) {
        assertThat(pids(again)).isEqualTo(pidsBefore);
        assertThat(again.readerJdbcUrl()).contains(readerUrl);
        EngineTests.assertPhase2Done(env2, again, POLL, OPTIONS);
      } finally {
        env2.close();
      }

      // close() stopped every node and removed the directory
      Awaitility.await().atMost(Duration.ofSeconds(30)).until(
          () -> everyPid.stream().noneMatch(EngineTests::alive));
      assertThat(dir).doesNotExist();
    } finally {
      env.close();
      cluster.close();
      everyPid.forEach(pid -> ProcessHandle.of(pid).ifPresent(ProcessHandle::destroyForcibly));
    }
  }

  // ---- helpers --------------------------------------------------------------------------------

  private static List<ZoneReplication> zones(Connection c) throws SQLException {
    return new CockroachDialect().zones(c);
  }

  /** Every zone as the factor asks: the factor, and from 3 the system zones at their default 5. */
  private static void assertEveryZone(Connection c, int replicas) throws SQLException {
    assertThat(zones(c)).as("SHOW ALL ZONE CONFIGURATIONS").isNotEmpty()
        .allSatisfy(z -> assertThat(z.numReplicas()).as(z.target())
            .isEqualTo(ZoneRules.wanted(z.target(), replicas)));
  }

  private static int liveNodes(Connection c) throws SQLException {
    CockroachDialect dialect = new CockroachDialect();
    dialect.allowInternals(c, dialect.serverVersion(c));
    return dialect.liveNodes(c);
  }





}
