package dev.underway.activities.sql.schema;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;
import static org.awaitility.Awaitility.await;

import dev.underway.workflows.schema.contract.ChangeObjects;
import dev.underway.workflows.schema.contract.SchemaChangeActivities;
import dev.underway.workflows.schema.contract.TableChange;
import dev.underway.activities.sql.ConnectionFactory;
import io.temporal.client.ActivityCanceledException;
import io.temporal.testing.TestActivityEnvironment;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Every connection of the schema-change activities is bounded ({@link SessionLimits}): a dead
 * worker's statement blocked on a lock ends on the server and never commits after the step's
 * retry could begin; a legitimately long statement ({@link LongStatement}) runs under its own
 * bound and heartbeats while it runs, and a cancellation stops it at once. Real PostgreSQL.
 */
class SessionLimitsOnPostgresTest {

  private static final String OWNER = "schema-change/limits";

  @RegisterExtension static final PostgresDatabase db = new PostgresDatabase("limits");

  @BeforeAll
  static void start() throws Exception {
    db.amounts("flagged", 20);
  }

  @Test
  void aDeadWorkersBlockedFlagWriteNeverCommits() throws Exception {
    TableChange change = SchemaFixture.typeChange("flagged");
    String reads = ChangeObjects.of(change).readsFlag();
    TestActivityEnvironment env = TestActivityEnvironment.newInstance();
    List<Connection> opened = new CopyOnWriteArrayList<>();
    ConnectionFactory recording = (target, credentials) -> {
      Connection c = ConnectionFactory.jdbc().open(target, credentials);
      opened.add(c);
      return c;
    };
    Duration heartbeatTimeout = Duration.ofSeconds(6);
    SessionLimits limits = SessionLimits.forHeartbeatTimeout(heartbeatTimeout);
    try (Connection holder = db.connect(); Statement s = holder.createStatement()) {
      SchemaChangeActivities activities = db.activities(env, heartbeatTimeout, recording);
      activities.expand(db.target(), change, OWNER);
      holder.setAutoCommit(false);
      s.execute("SELECT * FROM underway_flags WHERE key = '" + reads + "' FOR UPDATE");

      CompletableFuture<Object> write = CompletableFuture.supplyAsync(
          () -> activities.setFlag(db.target(), change, OWNER, reads, "new"));
      int blocked = await().atMost(Duration.ofSeconds(20)).pollInterval(Duration.ofMillis(20))
          .until(SessionLimitsOnPostgresTest::waitingFlagWrite, pid -> pid > 0);
      // the worker vanishes: its socket closes, as when its process is killed
      opened.get(opened.size() - 1).abort(Runnable::run);

      // the server ends the statement (it notices the client is gone, or the lock or statement
      // timeout ends it) instead of leaving it queued for the lock
      await().atMost(limits.statementTimeout().plusSeconds(10))
          .until(() -> !alive(blocked));
      assertThat(catchThrowable(() -> write.get(30, TimeUnit.SECONDS))).isNotNull();
      holder.rollback(); // the lock goes only now, long after the statement's bound
    } finally {
      env.close();
    }
    assertThat(db.scalar("SELECT value FROM underway_flags WHERE key = '" + reads + "'"))
        .as("the dead worker's write did not happen").isEqualTo("old");
  }

  @Test
  void everyConnectionIsBoundedBelowTheHeartbeatTimeout() throws Exception {
    assertThat(SessionLimits.forHeartbeatTimeout(Duration.ofSeconds(30)).statementTimeout())
        .isEqualTo(Duration.ofSeconds(15));
    assertThat(SessionLimits.forHeartbeatTimeout(Duration.ofSeconds(5)).statementTimeout())
        .isEqualTo(Duration.ofMillis(2_500));
    assertThat(SessionLimits.forHeartbeatTimeout(Duration.ofMinutes(2)).statementTimeout())
        .isEqualTo(SessionLimits.MOST);
    assertThat(SessionLimits.forHeartbeatTimeout(null).statementTimeout())
        .isEqualTo(SessionLimits.MOST);
    SessionLimits limits = SessionLimits.forHeartbeatTimeout(Duration.ofSeconds(5));
    try (Connection c = db.connect()) {
      limits.apply(c);
      assertThat(show(c, "statement_timeout")).isEqualTo("2500ms");
      assertThat(show(c, "lock_timeout")).isEqualTo("1250ms");
      assertThat(show(c, "idle_in_transaction_session_timeout")).isEqualTo("2500ms");
      assertThat(show(c, "client_connection_check_interval")).isEqualTo("1s");
    }
  }

  @Test
  void aLongStatementRunsPastTheSessionsTimeoutHeartbeatingAndTheSessionKeepsItsOwn()
      throws Exception {
    AtomicInteger beats = new AtomicInteger();
    try (Connection c = db.connect()) {
      SessionLimits.forHeartbeatTimeout(Duration.ofSeconds(2)).apply(c); // 1 s statements
      LongStatement counting = LongStatement.heartbeating(beats::incrementAndGet,
          Duration.ofMillis(200));

      counting.run(c, Duration.ofSeconds(20), cc -> query(cc, "SELECT pg_sleep(2)"));

      assertThat(beats.get()).as("heartbeats while it ran").isGreaterThanOrEqualTo(5);
      assertThat(show(c, "statement_timeout")).isEqualTo("1s");
      Throwable tooLong = catchThrowable(() -> query(c, "SELECT pg_sleep(2)"));
      assertThat(((SQLException) tooLong).getSQLState()).isEqualTo("57014");
    }
  }

  @Test
  void aLongStatementHasABound() throws Exception {
    try (Connection c = db.connect()) {
      long t0 = System.nanoTime();
      Throwable thrown = catchThrowable(() -> LongStatement.unwatched()
          .run(c, Duration.ofMillis(500), cc -> query(cc, "SELECT pg_sleep(20)")));
      assertThat(((SQLException) thrown).getSQLState()).isEqualTo("57014");
      assertThat(Duration.ofNanos(System.nanoTime() - t0)).isLessThan(Duration.ofSeconds(10));
    }
  }

  @Test
  void aCancellationStopsALongStatementAtOnce() throws Exception {
    try (Connection c = db.connect()) {
      LongStatement cancelled = LongStatement.heartbeating(() -> {
        throw new ActivityCanceledException();
      }, Duration.ofMillis(200));
      long t0 = System.nanoTime();

      Throwable thrown = catchThrowable(() -> cancelled.run(c, Duration.ofMinutes(1),
          cc -> query(cc, "SELECT pg_sleep(30)")));

      assertThat(thrown).isInstanceOf(ActivityCanceledException.class);
      assertThat(Duration.ofNanos(System.nanoTime() - t0)).isLessThan(Duration.ofSeconds(10));
      assertThat(query(c, "SELECT 'still usable'")).isEqualTo("still usable");
    }
  }

  private static String query(Connection c, String sql) throws SQLException {
    try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery(sql)) {
      rs.next();
      return rs.getString(1);
    }
  }

  private static String show(Connection c, String setting) throws SQLException {
    return query(c, "SHOW " + setting);
  }

  /** The pid of a session waiting for a lock to write a flag; 0 when none. */
  private static int waitingFlagWrite() throws SQLException {
    return Integer.parseInt(db.scalar("SELECT coalesce(max(pid), 0) FROM pg_stat_activity"
        + " WHERE wait_event_type = 'Lock' AND query LIKE '%underway_flags%'"
        + " AND pid <> pg_backend_pid()"));
  }

  private static boolean alive(int pid) throws SQLException {
    try (Connection c = db.connect();
         PreparedStatement ps = c.prepareStatement(
             "SELECT count(*) FROM pg_stat_activity WHERE pid = ?")) {
      ps.setInt(1, pid);
      try (ResultSet rs = ps.executeQuery()) {
        rs.next();
        return rs.getInt(1) > 0;
      }
    }
  }
}
