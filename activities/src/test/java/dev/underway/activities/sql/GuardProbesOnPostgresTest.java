package dev.underway.activities.sql;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;
import static org.awaitility.Awaitility.await;

import dev.underway.activities.support.guard.LatencyGuard;
import dev.underway.guard.GuardSettings;
import dev.underway.guard.GuardState;
import dev.underway.local.postgres.LocalPostgres;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The guard's SQL probes on a real PostgreSQL server: the default writer's probe (a row lock,
 * rolled back) waits behind the row locks a batch holds, as the application's writes do, where a
 * plain read does not; it never writes (the rows' xmin and the table's update count stay as they
 * were); the operator's statement probe is rolled back even when it writes.
 */
class GuardProbesOnPostgresTest {

  private static final String DB = "guarddb";
  private static final Duration LOCK = Duration.ofMillis(300);

  @TempDir static Path dir;
  private static LocalPostgres pg;

  @BeforeAll
  static void start() throws Exception {
    pg = LocalPostgres.start(LocalPostgres.Options.under(dir));
    try (Connection c = pg.connect("postgres"); Statement s = c.createStatement()) {
      s.execute("CREATE DATABASE " + DB);
    }
    sql("CREATE TABLE accounts (id bigint PRIMARY KEY, balance int NOT NULL)",
        "INSERT INTO accounts SELECT g, 100 FROM generate_series(1, 200) g",
        "CREATE TABLE pairs (region text, id uuid, n int, PRIMARY KEY (region, id))",
        "INSERT INTO pairs SELECT 'r' || (g % 7), gen_random_uuid(), g"
            + " FROM generate_series(1, 200) g",
        "CREATE TABLE nothing (id int PRIMARY KEY)",
        "CREATE TABLE stats_only (id int PRIMARY KEY, balance int NOT NULL)",
        "INSERT INTO stats_only SELECT g, 100 FROM generate_series(1, 50) g");
  }

  @AfterAll
  static void stop() {
    if (pg != null) {
      pg.close();
    }
  }

  private static void sql(String... statements) throws SQLException {
    try (Connection c = pg.connect(DB); Statement s = c.createStatement()) {
      for (String sql : statements) {
        s.execute(sql);
      }
    }
  }

  private static String scalar(String sql) throws SQLException {
    try (Connection c = pg.connect(DB); Statement s = c.createStatement();
         ResultSet rs = s.executeQuery(sql)) {
      rs.next();
      return rs.getString(1);
    }
  }

  /** A batch's hold: every row of {@code table} locked FOR UPDATE in a transaction kept open. */
  private static Connection lockAll(String table) throws SQLException {
    Connection holder = pg.connect(DB);
    holder.setAutoCommit(false);
    try (Statement s = holder.createStatement()) {
      s.execute("SELECT * FROM " + table + " FOR UPDATE");
    }
    return holder;
  }

  private static RowLockProbe writer(String table, List<String> key) throws SQLException {
    return RowLockProbe.open(pg.connect(DB), "public", table, key, LOCK);
  }

  @Test
  void theWritersProbeWaitsBehindABatchsRowLocksAndAReadDoesNot() throws Exception {
    try (RowLockProbe writer = writer("accounts", List.of("id"));
         StatementProbe read = StatementProbe.open(pg.connect(DB),
             "SELECT * FROM accounts WHERE id = 42", LOCK)) {
      Duration freeWrite = writer.sample();
      Duration freeRead = read.sample();
      assertThat(freeWrite).isLessThan(LOCK);

      try (Connection batch = lockAll("accounts")) {
        long start = System.nanoTime();
        SQLException waited = catchThrowableOfType(SQLException.class, writer::sample);
        Duration held = Duration.ofNanos(System.nanoTime() - start);
        Duration read2 = read.sample();

        assertThat((Throwable) waited).as("the writer's probe waits for the row lock").isNotNull();
        assertThat(waited.getSQLState()).isEqualTo("55P03"); // lock_timeout
        assertThat(held).isGreaterThanOrEqualTo(LOCK);
        assertThat(read2).as("a read does not wait (free read took %s)", freeRead)
            .isLessThan(LOCK);
        batch.rollback();
      }
      assertThat(writer.sample()).isLessThan(LOCK);
    }
  }

  @Test
  void theWritersProbeTakesTheTimeTheBatchHolds() throws Exception {
    try (RowLockProbe writer = RowLockProbe.open(pg.connect(DB), "public", "accounts",
        List.of("id"), Duration.ofSeconds(30));
         Connection batch = lockAll("accounts")) {
      CompletableFuture<Duration> sample = CompletableFuture.supplyAsync(() -> {
        try {
          return writer.sample();
        } catch (SQLException e) {
          throw new IllegalStateException(e);
        }
      });
      await().atMost(Duration.ofSeconds(10)).until(() -> Long.parseLong(scalar(
          "SELECT count(*) FROM pg_stat_activity WHERE wait_event_type = 'Lock'"
              + " AND query LIKE '%FOR NO KEY UPDATE%'")) == 1);
      long seenWaiting = System.nanoTime();
      await().pollDelay(Duration.ofMillis(200)).until(() -> true); // the batch goes on a while
      batch.rollback();
      Duration released = Duration.ofNanos(System.nanoTime() - seenWaiting);

      assertThat(sample.get()).isGreaterThanOrEqualTo(released.minusMillis(5));
    }
  }

  @Test
  void anyOtherKeyIsSampledAndLockedByEquality() throws Exception {
    try (RowLockProbe writer = writer("pairs", List.of("region", "id"));
         RowLockProbe empty = writer("nothing", List.of("id"))) {
      for (int i = 0; i < 20; i++) {
        assertThat(writer.sample()).isLessThan(LOCK);
        assertThat(empty.sample()).isLessThan(LOCK);
      }
      try (Connection batch = lockAll("pairs")) {
        SQLException waited = catchThrowableOfType(SQLException.class, writer::sample);
        assertThat((Throwable) waited).isNotNull();
        assertThat(waited.getSQLState()).isEqualTo("55P03");
        batch.rollback();
      }
    }
  }

  @Test
  void theWritersProbeNeverWritesAndAWritingProbeIsRolledBack() throws Exception {
    String xmins = "SELECT string_agg(xmin::text || ':' || balance, ',' ORDER BY id)"
        + " FROM stats_only";
    String updates = "SELECT n_tup_upd + n_tup_ins + n_tup_del FROM pg_stat_user_tables"
        + " WHERE relname = 'stats_only'";
    String rowsBefore = scalar(xmins);
    long before = Long.parseLong(scalar(updates));

    try (RowLockProbe writer = writer("stats_only", List.of("id"))) {
      for (int i = 0; i < 100; i++) {
        writer.sample();
      }
    }
    try (StatementProbe writing = StatementProbe.open(pg.connect(DB),
        "UPDATE stats_only SET balance = balance + 1 WHERE id = 7 RETURNING balance", LOCK)) {
      for (int i = 0; i < 5; i++) {
        writing.sample();
      }
    }

    // the five rolled-back UPDATEs are counted (the statistics are in); the 100 locks are not
    await().atMost(Duration.ofSeconds(20)).until(() -> Long.parseLong(scalar(updates))
        >= before + 5);
    assertThat(Long.parseLong(scalar(updates))).isEqualTo(before + 5);
    assertThat(scalar(xmins)).isEqualTo(rowsBefore);
  }

  @Test
  void theGuardSlowsOnTheWritersProbeWhileTheReadProbesStaysFree() throws Exception {
    // a floor of 50 ms: a read on a busy shared machine stays under it, a lock wait does not
    GuardSettings quick = new GuardSettings(1.25, 50L, null, null, null, 1_000L, 10L);
    try (LatencyGuard writers = LatencyGuard.open(quick, writer("accounts", List.of("id")),
        null);
         LatencyGuard reads = LatencyGuard.open(quick, StatementProbe.open(pg.connect(DB),
             "SELECT * FROM accounts WHERE id = 42", LOCK), null)) {
      writers.awaitBaseline(null);
      reads.awaitBaseline(null);
      assertThat(writers.state().mode()).isEqualTo(GuardState.FREE);

      try (Connection batch = lockAll("accounts")) {
        await().atMost(Duration.ofSeconds(30)).until(() -> writers.state().duty() < 1.0);

        GuardState felt = writers.state();
        assertThat(felt.mode()).isIn(GuardState.SLOWED, GuardState.FLOOR);
        assertThat(felt.p99Ms()).isGreaterThanOrEqualTo(LOCK.toMillis() * 0.9);
        assertThat(felt.reason()).contains("p99");
        GuardState unaware = reads.state();
        assertThat(unaware.duty()).as(unaware.summary()).isEqualTo(1.0);
        assertThat(unaware.mode()).isEqualTo(GuardState.FREE);
        batch.rollback();
      }
      await().atMost(Duration.ofSeconds(60)).until(() -> writers.state().duty() == 1.0);
      assertThat(writers.changes()).extracting(GuardState::mode)
          .contains(GuardState.SLOWED).last().isEqualTo(GuardState.FREE);
    }
  }
}
