package dev.underway.activities.sql.schema;

import static dev.underway.activities.sql.schema.ShapeWriters.Phase.FLAGS_CHANGING;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.Arrays;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.IntStream;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Writers that declare their shape (the documented way: {@code SET} the plan's shape setting
 * for the session) keep inserting and updating while the flags change under them: reads=new,
 * writes=new, and in a rollback writes back to both, reads back to old, writes=old. The table
 * has a default on the replaced column (carried to the new one), so no INSERT gives a side and
 * an undeclared one would follow the phase; declared, every write keeps its shape. The old-shape
 * writer stops before the contract, the new-shape one before the rollback drops its column (what
 * the evidence waits for); then every row must hold what its last writer meant.
 */
class DeclaredWritersWhileFlagsChangeOnPostgresTest {

  @RegisterExtension static final PostgresDatabase db = new PostgresDatabase("declared");
  private static final ExecutorService pool = Executors.newFixedThreadPool(2);

  @AfterAll
  static void stop() throws Exception {
    pool.shutdownNow();
    pool.awaitTermination(10, TimeUnit.SECONDS);
  }

  @ParameterizedTest(name = "contracted: {0}")
  @ValueSource(booleans = {false, true})
  void writersThatDeclareTheirShapeKeepItWhileTheWritesFlagChanges(boolean contracted)
      throws Exception {
    MatrixKind kind = MatrixKind.CHANGE_TYPE;
    String table = "declared_" + contracted;
    try (ChangeDriver run = new ChangeDriver(db, kind.change(table));
         Connection c = db.connect()) {
      MeantRows model = MeantRows.populate(c, kind, table, 200);
      // with a default on both sides no INSERT gives a side: undeclared, they follow the phase
      db.sql("ALTER TABLE " + table + " ALTER amount SET DEFAULT 0");
      run.expand();
      run.backfill(100);
      run.verifiesClean();
      Declared old = new Declared(kind, table, run, model, "old", 1, 1_000_000);
      Declared neu = new Declared(kind, table, run, model, "new", 101, 2_000_000);
      Future<?> oldWriting = pool.submit(old::writeUntilStopped);
      Future<?> newWriting = pool.submit(neu::writeUntilStopped);
      old.whileWriting(() -> run.reads("new"), neu);
      old.whileWriting(() -> run.writes("new"), neu);
      assertThat(run.evidence().strayWrites()).as("the old-shape writer is seen").isPositive();
      old.stop(oldWriting);
      if (contracted) {
        neu.whileWriting(run::verifiesClean);
        neu.stop(newWriting);
        run.contract();
        model.assertTable(c, table, true);
        return;
      }
      neu.whileWriting(() -> run.writes("both"));
      neu.whileWriting(() -> run.reads("old"));
      neu.whileWriting(() -> run.writes("old"));
      neu.stop(newWriting);
      run.undoExpand();
      model.assertTable(c, table, false);
    }
  }

  /** A writer declaring one shape for its session, inserting and updating its own rows. */
  private static final class Declared {
    private final MatrixKind kind;
    private final String table;
    private final ChangeDriver run;
    private final MeantRows model;
    private final String shape;
    private final long firstRow;
    private final long firstFresh;
    private final AtomicBoolean stop = new AtomicBoolean();
    private final AtomicLong writes = new AtomicLong();

    Declared(MatrixKind kind, String table, ChangeDriver run, MeantRows model, String shape,
        long firstRow, long firstFresh) {
      this.kind = kind;
      this.table = table;
      this.run = run;
      this.model = model;
      this.shape = shape;
      this.firstRow = firstRow;
      this.firstFresh = firstFresh;
    }

    void writeUntilStopped() {
      try (Connection c = db.connect(); Statement s = c.createStatement()) {
        s.execute("SET " + run.names().shapeSetting() + " = '" + shape + "'");
        ShapeWriters w = new ShapeWriters(c, kind, table, run.names().shapeSetting(), model,
            firstFresh);
        String who = "a writer declared " + shape;
        for (long i = 0; !stop.get(); i++) {
          long row = firstRow + i % 100;
          if ("old".equals(shape)) {
            w.oldInsert(FLAGS_CHANGING, who);
            w.oldUpdate(FLAGS_CHANGING, row, who);
          } else {
            w.newInsert(FLAGS_CHANGING, who);
            w.newUpdate(FLAGS_CHANGING, row, who);
          }
          writes.addAndGet(2);
        }
      } catch (SQLException e) {
        throw new IllegalStateException(e);
      }
    }

    /** Runs {@code step} while this writer (and {@code others}) write, and some writes after. */
    void whileWriting(Step step, Declared... others) throws Exception {
      step.run();
      long mine = writes.get();
      long[] theirs = Arrays.stream(others).mapToLong(o -> o.writes.get()).toArray();
      await().atMost(Duration.ofSeconds(30)).until(() -> writes.get() >= mine + 20
          && IntStream.range(0, others.length)
              .allMatch(i -> others[i].writes.get() >= theirs[i] + 20));
    }

    void stop(Future<?> writing) throws Exception {
      stop.set(true);
      writing.get(1, TimeUnit.MINUTES);
    }
  }

  @FunctionalInterface
  private interface Step {
    void run() throws Exception;
  }
}
