package dev.underway.sandbox.engine.postgres;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.underway.workflows.schema.contract.BackfillProgress;
import dev.underway.workflows.schema.contract.BackfillResult;
import dev.underway.workflows.schema.contract.BackfillSettings;
import dev.underway.workflows.schema.contract.ChangeKind;
import dev.underway.workflows.schema.contract.NewColumn;
import dev.underway.workflows.schema.contract.OldColumn;
import dev.underway.workflows.schema.contract.SchemaChangeActivities;
import dev.underway.workflows.schema.contract.TableChange;
import dev.underway.activities.sql.ConnectionFactory;
import dev.underway.activities.sql.SqlCredentials;
import dev.underway.activities.sql.schema.PostgresSchemaChangeActivities;
import dev.underway.targets.PostgresServer;
import io.temporal.activity.ActivityOptions;
import io.temporal.common.RetryOptions;
import io.temporal.testing.TestActivityEnvironment;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The schema-change backfill (the production activity) against a real primary with a real
 * streaming standby whose replay is paused ({@code pg_wal_replay_pause()}): the backfill pauses
 * once the standby lags more than the threshold, writes nothing while it is paused, and finishes
 * once replay resumes and the standby catches up. Here rather than in the activities module
 * because the standby is the sandbox's ({@link LocalPostgresCluster}, base backup).
 */
class BackfillReplicaLagThrottleTest {

  private static final int ROWS = 100_000;

  @TempDir static Path tmp;
  private static LocalPostgresCluster cluster;
  private static LocalPostgresCluster.Node standby;

  @BeforeAll
  static void primaryWithAStandby() throws Exception {
    cluster = LocalPostgresCluster.create(LocalPostgresCluster.Options.in(tmp.resolve("cluster")));
    standby = cluster.addStandby();
    try (Connection c = cluster.openWriter(cluster.database()); Statement s = c.createStatement()) {
      s.execute("CREATE TABLE ledger (id bigint PRIMARY KEY, amount integer NOT NULL)");
      s.execute("INSERT INTO ledger SELECT g, g % 1000 FROM generate_series(1, " + ROWS + ") g");
    }
  }

  @AfterAll
  static void stop() {
    if (cluster != null) {
      cluster.close();
    }
  }

  @Test
  void aLaggingStandbyPausesTheBackfillAndItsCatchingUpReleasesIt() throws Exception {
    TableChange change = new TableChange(null, "ledger", null, ChangeKind.CHANGE_TYPE,
        List.of(new NewColumn("amount_v2", "bigint", "amount::bigint")),
        List.of(new OldColumn("amount", "amount_v2::integer")));
    List<BackfillProgress> beats = new CopyOnWriteArrayList<>();
    TestActivityEnvironment env = TestActivityEnvironment.newInstance();
    try (Connection onStandby = standbyConnection()) {
      env.setActivityHeartbeatListener(BackfillProgress.class, beats::add);
      SchemaChangeActivities activities = activities(env);
      activities.expand(target(), change, "schema-change/lag");
      awaitCaughtUp();

      execute(onStandby, "SELECT pg_wal_replay_pause()");
      await().atMost(Duration.ofSeconds(10)).until(() ->
          "paused".equals(scalar(onStandby, "SELECT pg_get_wal_replay_pause_state()")));
      CompletableFuture<BackfillResult> backfill = CompletableFuture.supplyAsync(() ->
          activities.backfill(target(), change, new BackfillSettings(List.of("id"), 500, 500,
              1_000, null, null, 500, 500)));

      await().atMost(Duration.ofSeconds(60)).until(() -> !beats.isEmpty()
          && beats.get(beats.size() - 1).throttle() != null
          && beats.get(beats.size() - 1).throttle().startsWith("replica lag: node1"));
      long pausedAt = beats.get(beats.size() - 1).rowsDone();
      assertThat(pausedAt).isPositive().isLessThan(ROWS);
      await().during(Duration.ofSeconds(2)).atMost(Duration.ofSeconds(10)).until(() ->
          beats.get(beats.size() - 1).rowsDone() == pausedAt
              && beats.get(beats.size() - 1).throttle().startsWith("replica lag"));
      assertThat(backfill).isNotDone();
      BackfillProgress paused = beats.get(beats.size() - 1);
      assertThat(paused.etaSeconds()).as("no ETA counting down while paused: " + paused)
          .isNull();
      assertThat(beats).as("rates are whole rows per second")
          .allSatisfy(b -> assertThat(b.rowsPerSecond()).isEqualTo(Math.rint(b.rowsPerSecond())));

      execute(onStandby, "SELECT pg_wal_replay_resume()");
      BackfillResult result = backfill.get(2, TimeUnit.MINUTES);

      assertThat(result.rowsUpdated()).isEqualTo(ROWS);
      assertThat(result.throttledMillis()).isGreaterThanOrEqualTo(2_000);
      assertThat(beats.get(beats.size() - 1).throttle()).isNull();
      await("the standby replays the whole backfill").atMost(Duration.ofSeconds(60)).until(() ->
          "0".equals(scalar(onStandby, "SELECT count(*) FROM ledger WHERE amount_v2 IS NULL")));
    } finally {
      env.close();
    }
  }

  private static SchemaChangeActivities activities(TestActivityEnvironment env) {
    SqlCredentials creds = cluster.sqlCredentials();
    env.registerActivitiesImplementations(
        new PostgresSchemaChangeActivities(ConnectionFactory.jdbc(), target -> creds));
    return env.newActivityStub(SchemaChangeActivities.class, ActivityOptions.newBuilder()
        .setStartToCloseTimeout(Duration.ofMinutes(5))
        .setHeartbeatTimeout(Duration.ofMillis(250))
        .setRetryOptions(RetryOptions.newBuilder().setMaximumAttempts(1).build())
        .build());
  }

  private static PostgresServer target() {
    return PostgresServer.of("127.0.0.1", cluster.primary().port(), cluster.database())
        .withSslMode("disable");
  }

  private static Connection standbyConnection() throws Exception {
    return DriverManager.getConnection("jdbc:postgresql://127.0.0.1:" + standby.port() + "/"
        + cluster.database() + "?sslmode=disable", cluster.adminProperties());
  }

  /** The standby has replayed everything the primary wrote so far. */
  private static void awaitCaughtUp() throws Exception {
    try (Connection primary = cluster.openWriter(cluster.database())) {
      String lsn = scalar(primary, "SELECT pg_current_wal_lsn()");
      await().atMost(Duration.ofSeconds(30)).until(() -> "true".equals(scalar(primary,
          "SELECT coalesce(bool_and(replay_lsn >= '" + lsn + "'), false)"
              + "::text FROM pg_stat_replication")));
    }
  }

  private static void execute(Connection c, String sql) throws Exception {
    try (Statement s = c.createStatement()) {
      s.execute(sql);
    }
  }

  private static String scalar(Connection c, String sql) throws Exception {
    try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery(sql)) {
      rs.next();
      return rs.getString(1);
    }
  }
}
