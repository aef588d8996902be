package dev.underway.activities.sql.schema;

import static dev.underway.activities.sql.schema.ShapeWriters.Phase.DURING_BACKFILL;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import dev.underway.workflows.schema.contract.BackfillResult;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.slf4j.LoggerFactory;

/**
 * Multi-row application transactions while the backfill runs, at a real PostgreSQL server: two
 * rows each, in random order, of both shapes, while the backfill walks the table in batches of
 * ten; not one application transaction fails (a deadlock or a lock timeout would), and the
 * backfill completes. And the cycle such a transaction can make with a batch, made on purpose:
 * the batch gives up first. Each run goes on to the contract, and then every row must hold what
 * its last writer meant.
 */
class WritersUnderConcurrencyOnPostgresTest {

  private static final int THREADS = 4;
  private static final ExecutorService pool = Executors.newFixedThreadPool(THREADS);

  @RegisterExtension static final PostgresDatabase db = new PostgresDatabase("concurrency");

  @AfterAll
  static void stop() throws Exception {
    pool.shutdownNow();
    pool.awaitTermination(10, TimeUnit.SECONDS);
  }

  @ParameterizedTest(name = "{0}")
  @ValueSource(strings = {"SPLIT_COLUMN", "CHANGE_TYPE"})
  void multiRowTransactionsNeverFailWhileTheBackfillRunsAndTheBackfillCompletes(String name)
      throws Exception {
    MatrixKind kind = MatrixKind.valueOf(name);
    int rows = 4_000;
    String table = "multirow_" + kind.ordinal();
    AtomicBoolean stop = new AtomicBoolean();
    AtomicLong commits = new AtomicLong();
    Map<String, AtomicInteger> failures = new ConcurrentHashMap<>();
    try (ChangeDriver run = new ChangeDriver(db, kind.change(table));
         Connection c = db.connect()) {
      MeantRows model = MeantRows.populate(c, kind, table, rows);
      run.expand();
      List<Future<?>> writers = new ArrayList<>();
      for (int t = 0; t < THREADS; t++) {
        int thread = t;
        writers.add(pool.submit(() -> twoRowTransactions(kind, table, run, model, rows, thread,
            stop, commits, failures)));
      }
      await().atMost(Duration.ofSeconds(30)).until(() -> commits.get() >= 20);
      long before = commits.get();
      BackfillResult filled = run.backfill(10);
      long during = commits.get() - before;
      stop.set(true);
      for (Future<?> w : writers) {
        w.get(1, TimeUnit.MINUTES);
      }
      assertThat(failures).as("application transactions that failed, by SQLSTATE").isEmpty();
      assertThat(during).as("transactions committed while the backfill ran").isGreaterThan(50);
      assertThat(filled.rowsUpdated()).isPositive().isLessThanOrEqualTo(rows);
      run.verifiesClean();
      run.constraints();
      run.reads("new");
      run.writes("new");
      run.verifiesClean();
      run.contract();
      model.assertTable(c, table, true);
    }
  }

  /** Each thread owns rows {@code id % THREADS == thread}: application transactions never
   * wait for each other, only for the backfill. Odd threads write the new shape. */
  private static void twoRowTransactions(MatrixKind kind, String table, ChangeDriver run,
      MeantRows model, int rows, int thread, AtomicBoolean stop, AtomicLong commits,
      Map<String, AtomicInteger> failures) {
    Random random = new Random(thread);
    boolean newShape = thread % 2 == 1;
    String who = "two-row transaction (" + (newShape ? "new" : "old") + " shape)";
    try (Connection c = db.connect(); Statement s = c.createStatement()) {
      s.execute("SET lock_timeout = '5s'");
      ShapeWriters w = new ShapeWriters(c, kind, table, run.names().shapeSetting(), model, 0);
      c.setAutoCommit(false);
      while (!stop.get()) {
        // two rows close together (often in one batch of the backfill), in random order
        long a = 1 + thread + THREADS * (long) random.nextInt(rows / THREADS - 3);
        long b = a + THREADS * (1 + random.nextInt(3));
        try {
          for (long id : random.nextBoolean() ? List.of(a, b) : List.of(b, a)) {
            if (newShape) {
              w.newUpdate(DURING_BACKFILL, id, who);
            } else {
              w.oldUpdate(DURING_BACKFILL, id, who);
            }
            s.execute("SELECT pg_sleep(0.01)");
          }
          c.commit();
          commits.incrementAndGet();
        } catch (SQLException e) {
          c.rollback();
          failures.computeIfAbsent(e.getSQLState(), k -> new AtomicInteger()).incrementAndGet();
        }
      }
    } catch (SQLException e) {
      throw new IllegalStateException(e);
    }
  }

  /**
   * The cycle made on purpose: the application holds row 15, the backfill's first batch (rows
   * 1 to 20, locked in key order) has locked 1 to 14 and waits for 15, then the application
   * updates row 12. The batch's lock timeout, below {@code deadlock_timeout}, ends the wait
   * before the deadlock detector could pick the application: the batch gives up (55P03, retried)
   * and the application's transaction commits.
   */
  @Test
  void theBatchNotTheApplicationGivesUpWhenTheyWaitForEachOther() throws Exception {
    MatrixKind kind = MatrixKind.SPLIT_COLUMN;
    Logger log = (Logger) LoggerFactory.getLogger(Backfill.class);
    ListAppender<ILoggingEvent> logged = new ListAppender<>();
    logged.start();
    log.addAppender(logged);
    try (ChangeDriver run = new ChangeDriver(db, kind.change("cycle"));
         Connection c = db.connect(); Connection app = db.connect()) {
      MeantRows model = MeantRows.populate(c, kind, "cycle", 100);
      run.expand();
      ShapeWriters w = new ShapeWriters(app, kind, "cycle", run.names().shapeSetting(), model, 0);
      app.setAutoCommit(false);
      w.newUpdate(DURING_BACKFILL, 15, "a transaction holding row 15, then updating row 12");
      CompletableFuture<BackfillResult> filling = CompletableFuture.supplyAsync(
          () -> run.backfill(20));
      await().atMost(Duration.ofSeconds(30)).until(() -> db.count("SELECT count(*) FROM"
          + " pg_stat_activity WHERE datname = current_database() AND wait_event_type = 'Lock'"
          + " AND query LIKE 'WITH b AS (%cycle%FOR NO KEY UPDATE%'") == 1);
      w.oldUpdate(DURING_BACKFILL, 12, "a transaction holding row 15, then updating row 12");
      app.commit();
      assertThat(filling.get(1, TimeUnit.MINUTES).rowsUpdated()).isEqualTo(100 - 2);
      assertThat(logged.list).extracting(ILoggingEvent::getFormattedMessage)
          .anyMatch(m -> m.contains("SQLSTATE 55P03"));
      run.verifiesClean();
      run.reads("new");
      run.writes("new");
      run.contract();
      model.assertTable(c, "cycle", true);
    } finally {
      log.detachAppender(logged);
    }
  }
}
