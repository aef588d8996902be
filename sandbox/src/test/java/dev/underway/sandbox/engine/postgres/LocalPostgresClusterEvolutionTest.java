package dev.underway.sandbox.engine.postgres;

import static dev.underway.sandbox.engine.EngineTests.assertTwice;
import static dev.underway.sandbox.engine.EngineTests.assertRefused;
import static dev.underway.sandbox.engine.EngineTests.pids;
import static dev.underway.sandbox.engine.EngineTests.alive;
import static dev.underway.sandbox.engine.EngineTests.scalar;
import static dev.underway.sandbox.engine.EngineTests.scaleThenSetReplication;
import dev.underway.sandbox.engine.EngineTests;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.underway.sandbox.engine.LocalPlatformActivities;
import dev.underway.workflows.evolution.contract.DatabaseActivities;
import dev.underway.sandbox.engine.ClusterState;
import dev.underway.kernel.Failures;
import dev.underway.workflows.evolution.contract.EvolutionFailures;
import dev.underway.workflows.evolution.contract.PlatformActivities;
import dev.underway.kernel.ChangeResult;
import dev.underway.kernel.ChangeResult.Outcome;
import dev.underway.workflows.evolution.model.ClusterObservation;
import dev.underway.workflows.evolution.model.DatabaseState;
import dev.underway.workflows.evolution.model.Phase;
import dev.underway.workflows.evolution.model.PlatformState;
import dev.underway.workflows.evolution.model.RangeHealth;
import dev.underway.workflows.evolution.model.ReplicationProgress;
import dev.underway.workflows.evolution.model.ClusterTarget;
import dev.underway.workflows.evolution.model.ZoneReplication;
import dev.underway.workflows.evolution.Planner;
import io.temporal.activity.ActivityOptions;
import io.temporal.failure.ActivityFailure;
import io.temporal.failure.ApplicationFailure;
import io.temporal.testing.TestActivityEnvironment;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
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
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The local sandbox target evolved from Phase 0 to Phase 2 through the activities, with real
 * PostgreSQL processes, and every claim checked at the database: synchronous_standby_names,
 * pg_stat_replication, rows on the standbys, the reader path landing on a standby, the
 * read-only user refused writes, the primary never restarted and a writer connection opened at
 * the start still working at the end. Then a worker "crash": a new LocalPostgresCluster
 * attaches to the directory and sees the same cluster; closing it leaves no process.
 */
class LocalPostgresClusterEvolutionTest {

  private static final ClusterTarget TARGET = EngineTests.TARGET;
  private static final Duration POLL = EngineTests.POLL;
  private static final ActivityOptions OPTIONS = EngineTests.OPTIONS;

  @TempDir Path tmp;

  @Test
  void phase0ToPhase2WithoutRestartingThePrimaryThenAttachAndClose() throws Exception {
    Path dir = tmp.resolve("cluster");
    List<Long> everyPid = new ArrayList<>();
    LocalPostgresCluster cluster = LocalPostgresCluster.create(
        LocalPostgresCluster.Options.in(dir));
    TestActivityEnvironment env = TestActivityEnvironment.newInstance();
    try {
      long primaryPid = cluster.pid(LocalPostgresCluster.PRIMARY);
      everyPid.add(primaryPid);
      assertThat(Files.getPosixFilePermissions(dir.resolve(LocalPostgresCluster.CREDENTIALS_FILE)))
          .isEqualTo(PosixFilePermissions.fromString("rw-------"));
      assertThat(Files.readString(dir.resolve(ClusterState.FILE)))
          .doesNotContain(cluster.adminProperties().getProperty("password"));

      // the application's writer connection, opened before anything changes
      Connection writer = DriverManager.getConnection(cluster.writerJdbcUrl(),
          cluster.adminProperties());
      Statement w = writer.createStatement();
      String startTime = scalar(writer, "SELECT pg_postmaster_start_time()");
      w.execute("CREATE TABLE public.items (id int PRIMARY KEY, note text)");
      w.execute("INSERT INTO public.items VALUES (1, 'phase 0')");

      // and a steady write load on its own connection for the whole evolution
      BackgroundWriter load = new BackgroundWriter(
          DriverManager.getConnection(cluster.writerJdbcUrl(), cluster.adminProperties()));

      EngineTests.Stubs stubs = EngineTests.register(env, cluster, POLL, OPTIONS);
      PlatformActivities platform = stubs.platform();
      DatabaseActivities database = stubs.database();

      // ---- Phase 0 as observed ----
      assertThat(platform.observe(TARGET)).isEqualTo(new PlatformState(1, 1, false, null, PlatformState.LOCAL));
      DatabaseState db0 = database.observe(TARGET);
      assertThat(db0.liveNodes()).isEqualTo(1);
      assertThat(db0.zones()).containsExactly(new ZoneReplication("synchronous_standby_names", 1));
      assertThat(db0.readerUserExists()).isFalse();
      assertThat(db0.licensed()).isTrue();
      assertThat(db0.version()).startsWith("PostgreSQL 17");
      assertThat(cluster.readerJdbcUrl()).isEmpty();

      // ---- Phase 1: 2 nodes, RF 2, reader path ----
      assertTwice(() -> platform.applyDisruptionBudget(TARGET, 0), Outcome.CREATED);
      scaleThenSetReplication(platform, database, 2, 2);
      assertThat(show(writer, "synchronous_standby_names")).isEqualTo("ANY 1 (node1)");
      ReplicationProgress replicated = database.awaitReplicated(TARGET, 3);
      assertThat(replicated.done()).isTrue();
      assertThat(replicated.underReplicatedRanges()).isZero();
      assertThat(replicationView(writer)).containsExactly(Map.entry("node1", "streaming/quorum"));
      assertTwice(() -> database.ensureReadOnlyUser(TARGET), Outcome.CREATED);
      assertTwice(() -> platform.ensureReaderService(TARGET), Outcome.CREATED);
      assertThat(cluster.readerJdbcUrl()).isPresent();
      w.execute("INSERT INTO public.items VALUES (2, 'phase 1: waited for node1')");
      assertThat(Planner.discrepancies(TARGET, observe(platform, database), Phase.DEFAULTS.get(1)))
          .isEmpty();

      // ---- Phase 2: 3 nodes, RF 3 ----
      scaleThenSetReplication(platform, database, 3, 3);
      assertThat(show(writer, "synchronous_standby_names")).isEqualTo("ANY 1 (node1, node2)");
      assertThat(database.awaitReplicated(TARGET, 3).done()).isTrue();
      assertThat(replicationView(writer)).containsExactly(
          Map.entry("node1", "streaming/quorum"), Map.entry("node2", "streaming/quorum"));
      assertTwice(() -> platform.applyDisruptionBudget(TARGET, 1), Outcome.UPDATED);
      ClusterObservation phase2 = observe(platform, database);
      assertThat(Planner.discrepancies(TARGET, phase2, Phase.DEFAULTS.get(2))).isEmpty();
      assertThat(phase2.effectiveReplicationFactor()).isEqualTo(3);
      assertThat(phase2.database().ranges()).as("both standbys in the synchronous set")
          .isEqualTo(new RangeHealth(1, 0, 0, 0));
      assertThat(phase2.database().readerUserProblems()).as("the reader Underway made").isEmpty();
      assertThat(phase2.database().publicCanCreate()).as("PostgreSQL 15+").isFalse();
      assertThat(phase2.platform()).isEqualTo(new PlatformState(3, 3, true, 1, PlatformState.LOCAL));
      cluster.nodes().forEach(n -> everyPid.add(cluster.pid(n.name())));
      long loadRows = load.stop();
      assertThat(load.errors).as("writes that failed during the evolution").isEmpty();
      assertThat(loadRows).as("rows written during the evolution").isGreaterThan(10);
      assertThat(load.slowestMillis).as("slowest commit during the evolution, ms")
          .isLessThan(10_000);

      // a row written on the primary is readable on each standby
      w.execute("INSERT INTO public.items VALUES (3, 'phase 2')");
      for (LocalPostgresCluster.Node standby : cluster.nodes().subList(1, 3)) {
        String url = "jdbc:postgresql://127.0.0.1:" + standby.port() + "/app?sslmode=disable";
        try (Connection s = DriverManager.getConnection(url, cluster.adminProperties())) {
          assertThat(scalar(s, "SELECT pg_is_in_recovery()")).isEqualTo("t");
          await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(100))
              .until(() -> scalar(s, "SELECT count(*) FROM public.items"), "3"::equals);
          assertThat(scalar(s, "SELECT count(*) FROM public.load"))
              .isEqualTo(Long.toString(loadRows));
        }
      }

      // the reader path lands on a standby; the read-only user cannot write anywhere
      String readerUrl = cluster.readerJdbcUrl().orElseThrow();
      assertThat(readerUrl).contains("targetServerType=preferSecondary");
      try (Connection r = DriverManager.getConnection(readerUrl, cluster.readerProperties())) {
        assertThat(scalar(r, "SELECT pg_is_in_recovery()")).isEqualTo("t");
        assertThat(scalar(r, "SELECT count(*) FROM public.items")).isEqualTo("3");
        assertSqlState(r, "INSERT INTO public.items VALUES (9, 'no')", "25006");
      }
      // (not through the writer URL: pgjdbc's targetServerType=primary asks SHOW
      // transaction_read_only, which is on for this user everywhere, so it finds no primary)
      String primaryUrl = "jdbc:postgresql://127.0.0.1:" + cluster.primary().port()
          + "/app?sslmode=disable";
      try (Connection r = DriverManager.getConnection(primaryUrl, cluster.readerProperties())) {
        assertThat(scalar(r, "SELECT pg_is_in_recovery()")).isEqualTo("f");
        assertSqlState(r, "INSERT INTO public.items VALUES (9, 'no')", "25006");
        try (Statement s = r.createStatement()) {
          s.execute("SET default_transaction_read_only = off");
        }
        assertSqlState(r, "INSERT INTO public.items VALUES (9, 'no')", "42501");
      }

      // refusals change nothing
      Map<String, Long> pidsBefore = pids(cluster);
      assertRefused(() -> platform.scaleNodes(TARGET, 2),
          EvolutionFailures.SCALE_DOWN_REFUSED.type());
      assertRefused(() -> database.setReplicationFactor(TARGET, 4), Failures.INVALID_REQUEST);
      assertThat(cluster.nodeCount()).isEqualTo(3);
      assertThat(pids(cluster)).isEqualTo(pidsBefore);
      assertThat(show(writer, "synchronous_standby_names")).isEqualTo("ANY 1 (node1, node2)");

      // the primary never restarted and the first writer connection still works
      assertThat(cluster.pid(LocalPostgresCluster.PRIMARY)).isEqualTo(primaryPid);
      assertThat(scalar(writer, "SELECT pg_postmaster_start_time()")).isEqualTo(startTime);
      w.execute("INSERT INTO public.items VALUES (4, 'same connection at the end')");
      assertThat(scalar(writer, "SELECT count(*) FROM public.items")).isEqualTo("4");
      writer.close();

      // ---- a worker crash: the directory carries the cluster to the next worker ----
      String readerUrlBefore = cluster.readerJdbcUrl().orElseThrow();
      List<LocalPostgresCluster.Node> nodesBefore = cluster.nodes();
      cluster.detach();
      assertThat(everyPid).allSatisfy(pid -> assertThat(alive(pid)).isTrue());
      TestActivityEnvironment env2 = TestActivityEnvironment.newInstance();
      try (LocalPostgresCluster again = LocalPostgresCluster.attach(
              LocalPostgresCluster.Options.in(dir))) {
        assertThat(again.nodes()).isEqualTo(nodesBefore);
        assertThat(pids(again)).isEqualTo(pidsBefore);
        assertThat(again.readerJdbcUrl()).contains(readerUrlBefore);
        assertThat(again.disruptionBudget()).contains(1);
        EngineTests.assertPhase2Done(env2, again, POLL, OPTIONS);
        assertThat(again.pid(LocalPostgresCluster.PRIMARY)).isEqualTo(primaryPid);
      } finally {
        env2.close();
      }

      // close() stopped every server and removed the directory
      assertThat(everyPid).allSatisfy(pid -> assertThat(alive(pid))
          .as("postgres pid %d after close()", pid).isFalse());
      assertThat(dir).doesNotExist();
    } finally {
      env.close();
      cluster.close();
      everyPid.forEach(pid -> ProcessHandle.of(pid).ifPresent(ProcessHandle::destroyForcibly));
    }
  }

  // ---- helpers ------------------------------------------------------------------------------

  /** Inserts rows one commit at a time until stopped; records failures and the slowest commit. */
  private static final class BackgroundWriter {
    final List<String> errors = new java.util.concurrent.CopyOnWriteArrayList<>();
    volatile long slowestMillis;
    private final java.util.concurrent.atomic.AtomicBoolean running =
        new java.util.concurrent.atomic.AtomicBoolean(true);
    private final java.util.concurrent.atomic.AtomicLong rows =
        new java.util.concurrent.atomic.AtomicLong();
    private final Thread thread;

    BackgroundWriter(Connection c) throws SQLException {
      try (Statement s = c.createStatement()) {
        s.execute("CREATE TABLE public.load (id bigint PRIMARY KEY, at timestamptz DEFAULT now())");
      }
      thread = new Thread(() -> {
        try (c; var ps = c.prepareStatement("INSERT INTO public.load (id) VALUES (?)")) {
          while (running.get()) {
            long started = System.nanoTime();
            ps.setLong(1, rows.get() + 1);
            ps.executeUpdate();
            rows.incrementAndGet();
            slowestMillis = Math.max(slowestMillis, (System.nanoTime() - started) / 1_000_000);
          }
        } catch (SQLException | RuntimeException e) {
          errors.add(e.toString());
        }
      }, "background-writer");
      thread.start();
    }

    /** Stops and returns the rows committed. */
    long stop() throws InterruptedException {
      running.set(false);
      thread.join(Duration.ofSeconds(30).toMillis());
      assertThat(thread.isAlive()).as("background writer stopped").isFalse();
      return rows.get();
    }
  }



  private static ClusterObservation observe(PlatformActivities p, DatabaseActivities d) {
    return new ClusterObservation(p.observe(TARGET), d.observe(TARGET));
  }



  /** application_name -> state/sync_state, as the primary reports its standbys. */
  private static Map<String, String> replicationView(Connection c) throws SQLException {
    Map<String, String> view = new LinkedHashMap<>();
    try (Statement s = c.createStatement();
         ResultSet rs = s.executeQuery("SELECT application_name, state || '/' || sync_state"
             + " FROM pg_stat_replication ORDER BY application_name")) {
      while (rs.next()) {
        view.put(rs.getString(1), rs.getString(2));
      }
    }
    return view;
  }

  private static String show(Connection c, String setting) throws SQLException {
    return scalar(c, "SHOW " + setting);
  }


  private static void assertSqlState(Connection c, String sql, String state) {
    assertThatThrownBy(() -> {
      try (Statement s = c.createStatement()) {
        s.execute(sql);
      }
    }).isInstanceOfSatisfying(SQLException.class,
        e -> assertThat(e.getSQLState()).as(e.getMessage()).isEqualTo(state));
  }

}
