package dev.underway.sandbox.engine.postgres;

import dev.underway.sandbox.engine.EngineTests;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.underway.sandbox.engine.LocalPlatformActivities;
import dev.underway.workflows.evolution.contract.DatabaseActivities;
import dev.underway.workflows.evolution.contract.PlatformActivities;
import dev.underway.workflows.evolution.model.RangeHealth;
import dev.underway.workflows.evolution.model.ReplicationProgress;
import dev.underway.workflows.evolution.model.ClusterTarget;
import io.temporal.activity.ActivityOptions;
import io.temporal.testing.TestActivityEnvironment;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The sandbox's PostgreSQL engine keeps the promise of "replication done" with real standbys: a
 * standby counts only once it is in the synchronous set after the reload took effect and has
 * replayed past the primary's position of that moment.
 */
class LocalReplicationWaitTest {

  private static final ClusterTarget TARGET = EngineTests.TARGET;
  private static final Duration POLL = EngineTests.POLL;
  private static final ActivityOptions OPTIONS = EngineTests.OPTIONS;
  /** How long a wait that must not end is watched. */
  private static final Duration HOLDS = Duration.ofSeconds(3);

  @TempDir static Path tmp;
  private static LocalPostgresCluster cluster;
  private static TestActivityEnvironment env;
  private static DatabaseActivities database;
  private static final List<ReplicationProgress> beats = new CopyOnWriteArrayList<>();
  private static final ExecutorService background = Executors.newSingleThreadExecutor();

  @BeforeAll
  static void threeNodesAtReplicationFactor2() throws Exception {
    cluster = LocalPostgresCluster.create(LocalPostgresCluster.Options.in(tmp.resolve("cluster")));
    env = TestActivityEnvironment.newInstance();
    env.registerActivitiesImplementations(new LocalPlatformActivities(cluster, POLL),
        new LocalPostgresDatabaseActivities(cluster, POLL));
    env.setActivityHeartbeatListener(ReplicationProgress.class, beats::add);
    PlatformActivities platform = env.newActivityStub(PlatformActivities.class, OPTIONS);
    database = env.newActivityStub(DatabaseActivities.class, OPTIONS);
    platform.scaleNodes(TARGET, 3);
    platform.awaitNodesReady(TARGET, 3);
    database.awaitLiveNodes(TARGET, 3);
    database.setReplicationFactor(TARGET, 2);
    assertThat(database.awaitReplicated(TARGET, 2).done()).isTrue();
    primary("CREATE TABLE public.marks (id serial PRIMARY KEY, note text)");
  }

  @AfterAll
  static void stop() {
    background.shutdownNow();
    if (env != null) {
      env.close();
    }
    if (cluster != null) {
      cluster.close();
    }
  }

  @Test
  void aStandbyNamedInTheFileButNotYetInTheSynchronousSetIsNotCaughtUp() throws Exception {
    // RF 3 written but not reloaded: node2 is listed, the primary does not wait for it yet
    primary("ALTER SYSTEM SET synchronous_standby_names = 'ANY 1 (node1, node2)'");
    try {
      assertThat(syncStates()).doesNotContain("node2=quorum");
      CompletableFuture<ReplicationProgress> wait = startWait();

      holds(wait);
      assertThat(beats).last().satisfies(p -> assertThat(p.underReplicatedRanges()).isOne());
      // and verify's observation does not call this cluster RF 3 either (observe uses no
      // activity context: called directly, beside the wait running in the test environment)
      assertThat(new LocalPostgresDatabaseActivities(cluster, POLL).observe(TARGET).ranges().healthy())
          .isFalse();

      primary("SELECT pg_reload_conf()");
      assertThat(wait.get(60, TimeUnit.SECONDS).done()).isTrue();
      assertThat(syncStates()).contains("node1=quorum", "node2=quorum");
      assertThat(database.observe(TARGET).ranges()).isEqualTo(new RangeHealth(1, 0, 0, 0));
    } finally {
      backToReplicationFactor2();
    }
  }

  @Test
  void aListedStandbyThePrimaryDoesNotWaitForIsNotCaughtUp() throws Exception {
    // FIRST 1 (node1, node2), in effect: node2 is listed but only 'potential', outside the
    // synchronous set, however current its replay
    primary("ALTER SYSTEM SET synchronous_standby_names = 'FIRST 1 (node1, node2)'",
        "SELECT pg_reload_conf()");
    try {
      await().atMost(Duration.ofSeconds(30)).until(() -> syncStates().contains("node2=potential"));
      CompletableFuture<ReplicationProgress> wait = startWait();

      holds(wait);

      primary("ALTER SYSTEM SET synchronous_standby_names = 'ANY 1 (node1, node2)'",
          "SELECT pg_reload_conf()");
      assertThat(wait.get(60, TimeUnit.SECONDS).done()).isTrue();
    } finally {
      backToReplicationFactor2();
    }
  }

  @Test
  void aStandbyInTheSynchronousSetWhoseReplayIsBehindTheMarkIsNotCaughtUp() throws Exception {
    try (Connection node2 = standby("node2"); Statement s = node2.createStatement()) {
      s.execute("SELECT pg_wal_replay_pause()");
      try {
        primary("INSERT INTO public.marks (note) VALUES ('written while node2 replays nothing')");
        database.setReplicationFactor(TARGET, 3);
        assertThat(syncStates()).contains("node2=quorum");
        CompletableFuture<ReplicationProgress> wait = startWait();

        holds(wait);
        assertThat(beats).last().satisfies(p -> {
          assertThat(p.underReplicatedRanges()).isOne();
          assertThat(p.replayMark()).isNotBlank();
        });

        s.execute("SELECT pg_wal_replay_resume()");
        assertThat(wait.get(60, TimeUnit.SECONDS).done()).isTrue();
      } finally {
        s.execute("SELECT pg_wal_replay_resume()");
        backToReplicationFactor2();
      }
    }
  }

  /** Each test starts from RF 2 (set behind Underway's back: it never lowers a factor). */
  private static void backToReplicationFactor2() throws SQLException {
    primary("ALTER SYSTEM SET synchronous_standby_names = 'ANY 1 (node1)'",
        "SELECT pg_reload_conf()");
    database.awaitReplicated(TARGET, 2);
  }

  private static CompletableFuture<ReplicationProgress> startWait() {
    beats.clear();
    return CompletableFuture.supplyAsync(() -> database.awaitReplicated(TARGET, 2), background);
  }

  /**
   * The wait is reading (its first heartbeat arrived; the SDK coalesces the later ones) but does
   * not end.
   */
  private static void holds(CompletableFuture<ReplicationProgress> wait) {
    await().atMost(Duration.ofSeconds(30)).until(() -> !beats.isEmpty());
    await().during(HOLDS).atMost(HOLDS.plusSeconds(2)).until(() -> !wait.isDone());
  }

  private static void primary(String... statements) throws SQLException {
    try (Connection c = cluster.openWriter(TARGET.database()); Statement s = c.createStatement()) {
      for (String sql : statements) {
        s.execute(sql);
      }
    }
  }

  private static Connection standby(String name) throws SQLException {
    LocalPostgresCluster.Node node = cluster.nodes().stream().filter(n -> n.name().equals(name))
        .findFirst().orElseThrow();
    return DriverManager.getConnection("jdbc:postgresql://127.0.0.1:" + node.port() + "/"
        + TARGET.database() + "?sslmode=disable", cluster.adminProperties());
  }

  /** "node1=quorum", ... as the primary reports its standbys now. */
  private static List<String> syncStates() throws SQLException {
    try (Connection c = cluster.openWriter(TARGET.database()); Statement s = c.createStatement();
         ResultSet rs = s.executeQuery("SELECT application_name || '=' || sync_state"
             + " FROM pg_stat_replication ORDER BY 1")) {
      List<String> states = new java.util.ArrayList<>();
      while (rs.next()) {
        states.add(rs.getString(1));
      }
      return states;
    }
  }
}
