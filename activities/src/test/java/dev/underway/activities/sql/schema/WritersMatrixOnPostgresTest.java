package dev.underway.activities.sql.schema;

import static dev.underway.activities.sql.schema.ShapeWriters.Phase.AFTER_BACKFILL;
import static dev.underway.activities.sql.schema.ShapeWriters.Phase.BEFORE_EXPAND;
import static dev.underway.activities.sql.schema.ShapeWriters.Phase.DURING_BACKFILL;
import static dev.underway.activities.sql.schema.ShapeWriters.Phase.READS_NEW;
import static dev.underway.activities.sql.schema.ShapeWriters.Phase.ROLLBACK;
import static dev.underway.activities.sql.schema.ShapeWriters.Phase.WRITES_NEW;
import static org.assertj.core.api.Assertions.assertThat;

import dev.underway.workflows.schema.contract.WriterEvidence;
import java.sql.Connection;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Random;
import java.util.function.LongSupplier;
import java.util.stream.Stream;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The writers matrix at a real PostgreSQL server: for every kind of change, every kind of
 * writer ({@link ShapeWriters}) writes at every phase the workflow goes through (before expand,
 * writes=both while the backfill is held half-way and after it, reads=new, writes=new, and a
 * rollback's writes=old), driven through the production activities as the workflow drives them
 * ({@link ChangeDriver}); each run ends with a rollback at one of the four gates, or with the
 * contract. Then every row must hold what its last writer meant ({@link MeantRows}) on the
 * side that stays, and no row may be missing. The stray-write evidence is read where the
 * workflow reads it: after writes=new old-shape writers ran, after writes=old new-shape ones.
 */
class WritersMatrixOnPostgresTest {

  private static final int ROWS = 1_500;
  private static final long FRESH_IDS = 1_000_000;

  /** Where a run ends. */
  enum Ending {
    ROLLBACK_AT_EXPAND, ROLLBACK_AT_SWITCH_READS, ROLLBACK_AT_STOP_OLD_WRITES,
    ROLLBACK_AT_CONTRACT, CONTRACTED
  }

  @RegisterExtension static final PostgresDatabase db = new PostgresDatabase("matrix");

  static Stream<Arguments> scenarios() {
    return Arrays.stream(MatrixKind.values()).flatMap(kind -> Arrays.stream(Ending.values())
        .map(ending -> Arguments.of(kind, ending)));
  }

  @ParameterizedTest(name = "{0}, {1}")
  @MethodSource("scenarios")
  void everyWriterAtEveryPhaseLeavesEveryRowAsItsLastWriterMeant(MatrixKind kind, Ending ending)
      throws Exception {
    String table = (kind + "_" + ending.ordinal()).toLowerCase(Locale.ROOT);
    Random random = new Random(table.hashCode());
    try (ChangeDriver run = new ChangeDriver(db, kind.change(table));
         Connection c = db.connect()) {
      MeantRows model = MeantRows.populate(c, kind, table, ROWS);
      LongSupplier any = () -> pick(model.ids(), random);
      ShapeWriters w = new ShapeWriters(c, kind, table, run.names().shapeSetting(), model,
          FRESH_IDS);
      w.all(BEFORE_EXPAND, any);
      if (ending == Ending.ROLLBACK_AT_EXPAND) {
        model.assertTable(c, table, false);
        return;
      }
      run.expand();
      run.backfillPausedHalfWay(paused -> {
        long cursor = Long.parseLong(paused.cursor().get(0));
        List<Long> ids = model.ids();
        List<Long> filled = ids.stream().filter(id -> id <= cursor).toList();
        List<Long> ahead = ids.stream().filter(id -> id > cursor && id < FRESH_IDS).toList();
        int[] turn = {0};
        // rows the backfill has filled and rows it has not reached yet, in turn
        w.all(DURING_BACKFILL, () -> pick(turn[0]++ % 2 == 0 ? ahead : filled, random));
      });
      w.all(AFTER_BACKFILL, any);
      run.verifiesClean();
      run.constraints();
      if (ending == Ending.ROLLBACK_AT_SWITCH_READS) {
        rollBack(run, w, c, model, table, false, false, any);
        return;
      }
      run.reads("new");
      w.all(READS_NEW, any);
      if (ending == Ending.ROLLBACK_AT_STOP_OLD_WRITES) {
        rollBack(run, w, c, model, table, true, false, any);
        return;
      }
      run.writes("new");
      assertThat(run.evidence().strayWrites()).as("none yet after writes=new").isZero();
      w.all(WRITES_NEW, any);
      assertStrayWritesSeen(run.evidence(), "new");
      if (ending == Ending.ROLLBACK_AT_CONTRACT) {
        rollBack(run, w, c, model, table, true, true, any);
        return;
      }
      run.verifiesClean();
      run.contract();
      model.assertTable(c, table, true);
    }
  }

  /** The undos newest first; writers at writes=old; then the expand's undo. */
  private static void rollBack(ChangeDriver run, ShapeWriters w, Connection c, MeantRows model,
      String table, boolean readsWereNew, boolean writesWereNew, LongSupplier any)
      throws Exception {
    run.rollBackToWritesOld(readsWereNew, writesWereNew);
    assertThat(run.evidence().strayWrites()).as("none yet after writes=old").isZero();
    w.all(ROLLBACK, any);
    assertStrayWritesSeen(run.evidence(), "old");
    run.undoExpand();
    model.assertTable(c, table, false);
  }

  /** Old-shape writers ran after writes=new, or new-shape ones after writes=old: seen. */
  private static void assertStrayWritesSeen(WriterEvidence ev, String writes) {
    assertThat(ev.writes()).isEqualTo(writes);
    assertThat(ev.strayWrites()).as("stray writes after writes=%s", writes).isPositive();
    assertThat(ev.lastStrayAt()).isNotNull();
    assertThat(ev.quietMillis()).isLessThan(60_000);
  }

  private static long pick(List<Long> ids, Random random) {
    return ids.get(random.nextInt(ids.size()));
  }
}
