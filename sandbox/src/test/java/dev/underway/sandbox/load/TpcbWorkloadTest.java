package dev.underway.sandbox.load;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.underway.local.postgres.LocalPostgres;
import dev.underway.sandbox.report.LoadReport;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.concurrent.ThreadLocalRandom;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The TPC-B-like transactions against a real PostgreSQL server, through the load generator: they
 * commit, and the four tables change together (every balance started at 0, so the branches', the
 * tellers', the accounts' and the history's sums agree, and the history has a row per committed
 * transaction).
 */
class TpcbWorkloadTest {

  @TempDir static Path dir;
  static LocalPostgres pg;

  private static final int BRANCHES = 2;
  private static final int ACCOUNTS_PER_BRANCH = 100;

  @BeforeAll
  static void startServer() throws Exception {
    pg = LocalPostgres.start(LocalPostgres.Options.under(dir.resolve("pg")));
    try (Connection c = pg.connect("postgres")) {
      TpcbWorkload.create(c, BRANCHES, ACCOUNTS_PER_BRANCH);
    }
  }

  @AfterAll
  static void stopServer() {
    if (pg != null) {
      pg.close();
    }
  }

  @Test
  void transactionsCommitAndTheFourTablesAgree() throws Exception {
    TpcbWorkload tpcb = new TpcbWorkload(BRANCHES, ACCOUNTS_PER_BRANCH);
    LoadReport report;
    // all writes, 4 threads on 2 branches: transactions wait on each other's branch rows
    try (LoadGenerator gen = new LoadGenerator(new TestEndpoints(pg), LoadOptions.of(80, 4, 100),
        tpcb)) {
      gen.mark("phase-0", "steady");
      gen.start();
      await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(200))
          .until(() -> tpcb.committed() >= 100);
      gen.stop();
      report = gen.report();
    }
    assertThat(report.total().all().failed()).as("errors: %s", report.errors()).isZero();
    assertThat(report.total().writes().ok()).isEqualTo(tpcb.committed());
    try (Connection c = pg.connect("postgres"); Statement s = c.createStatement()) {
      long branches = one(s, "SELECT sum(bbalance) FROM " + TpcbWorkload.BRANCHES);
      long tellers = one(s, "SELECT sum(tbalance) FROM " + TpcbWorkload.TELLERS);
      long accounts = one(s, "SELECT sum(abalance) FROM " + TpcbWorkload.ACCOUNTS);
      long history = one(s, "SELECT coalesce(sum(delta), 0) FROM " + TpcbWorkload.HISTORY);
      assertThat(one(s, "SELECT count(*) FROM " + TpcbWorkload.HISTORY))
          .as("a history row per committed transaction").isEqualTo(tpcb.committed());
      assertThat(branches).isEqualTo(tellers).isEqualTo(accounts).isEqualTo(history);
      assertThat(one(s, "SELECT count(*) FROM " + TpcbWorkload.ACCOUNTS + " WHERE abalance <> 0"))
          .as("accounts changed").isPositive();
      assertThat(one(s, "SELECT count(*) FROM " + TpcbWorkload.BRANCHES))
          .as("no row added or removed").isEqualTo(BRANCHES);
    }
  }

  @Test
  void aTransactionThatFailsLeavesNothing() throws Exception {
    try (Connection c = pg.connect("postgres"); Statement s = c.createStatement()) {
      long before = one(s, "SELECT sum(bbalance) FROM " + TpcbWorkload.BRANCHES);
      long historyBefore = one(s, "SELECT count(*) FROM " + TpcbWorkload.HISTORY);
      assertThatThrownBy(() -> LoadGenerator.inTransaction(c, () -> {
        s.executeUpdate("UPDATE " + TpcbWorkload.BRANCHES + " SET bbalance = bbalance + 7");
        s.executeUpdate("INSERT INTO " + TpcbWorkload.HISTORY + " (delta) VALUES (7)");
        throw new SQLException("the client gave up", "57014");
      })).isInstanceOf(SQLException.class);
      assertThat(c.getAutoCommit()).as("autocommit again").isTrue();
      assertThat(one(s, "SELECT sum(bbalance) FROM " + TpcbWorkload.BRANCHES)).isEqualTo(before);
      assertThat(one(s, "SELECT count(*) FROM " + TpcbWorkload.HISTORY)).isEqualTo(historyBefore);
    }
  }

  @Test
  void theMixGivesTheOtherWorkloadItsShareOfWritesOnly() {
    Workload main = new KeyValueWorkload(0);
    MixedWorkload none = new MixedWorkload(main, new TpcbWorkload(1, 1), 0);
    MixedWorkload all = new MixedWorkload(main, new TpcbWorkload(1, 1), 100);
    ThreadLocalRandom r = ThreadLocalRandom.current();
    for (int i = 0; i < 50; i++) {
      assertThat(none.write(0, r).name()).isEqualTo("insert");
      assertThat(all.write(0, r).name()).isEqualTo("tpcb");
      assertThat(all.read(r).name()).as("reads stay the main workload's").isEqualTo("read");
    }
    assertThatThrownBy(() -> new MixedWorkload(main, main, 101))
        .isInstanceOf(IllegalArgumentException.class);
  }

  private static long one(Statement s, String sql) throws SQLException {
    try (ResultSet rs = s.executeQuery(sql)) {
      rs.next();
      return rs.getLong(1);
    }
  }
}
