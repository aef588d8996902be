package dev.underway.activities.sql.schema;

import static dev.underway.activities.sql.schema.ShapeWriters.Phase.AFTER_BACKFILL;
import static dev.underway.activities.sql.schema.ShapeWriters.Phase.ROLLBACK;
import static dev.underway.activities.sql.schema.ShapeWriters.Phase.WRITES_NEW;
import static org.assertj.core.api.Assertions.assertThat;

import dev.underway.workflows.schema.contract.WriterEvidence;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Instant;
import java.util.Locale;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The stray-write evidence the contract and the rollback wait on ({@code SchemaChange.Writers}),
 * counted exactly for every kind of change: while writes are {@code both} the old-only writes;
 * after {@code writes=new} every old-shape write (UPDATE, INSERT, each COPY row) and no
 * new-shape one; after {@code writes=old} every new-shape write and no old-shape one; the count
 * starts again at every change of the writes flag, and the last one's time is the database's.
 */
class StrayWriteEvidenceOnPostgresTest {

  @RegisterExtension static final PostgresDatabase db = new PostgresDatabase("stray");

  @ParameterizedTest
  @EnumSource(MatrixKind.class)
  void writesOfAShapeTheFlagNoLongerAllowsAreCountedWithTheTimeOfTheLast(MatrixKind kind)
      throws Exception {
    String table = "stray_" + kind.name().toLowerCase(Locale.ROOT);
    try (ChangeDriver run = new ChangeDriver(db, kind.change(table));
         Connection c = db.connect()) {
      MeantRows model = MeantRows.populate(c, kind, table, 20);
      ShapeWriters w = new ShapeWriters(c, kind, table, run.names().shapeSetting(), model, 100);
      run.expand();
      run.backfill(100);

      w.newUpdate(AFTER_BACKFILL, 1, "new-shape UPDATE");
      assertThat(run.evidence().strayWrites()).as("a new-shape write while both").isZero();
      w.oldUpdate(AFTER_BACKFILL, 2, "old-shape UPDATE");
      assertThat(run.evidence().strayWrites()).as("an old-only write while both").isOne();

      run.reads("new");
      run.writes("new");
      assertThat(run.evidence().strayWrites()).as("started again at writes=new").isZero();
      Instant from = now(c);
      w.newUpdate(WRITES_NEW, 3, "new-shape UPDATE");
      w.newInsert(WRITES_NEW, "new-shape INSERT");
      w.copy(WRITES_NEW, true);
      assertThat(run.evidence().strayWrites()).as("new-shape writes after writes=new").isZero();
      w.oldUpdate(WRITES_NEW, 4, "old-shape UPDATE");
      w.oldInsert(WRITES_NEW, "old-shape INSERT");
      w.copy(WRITES_NEW, false);
      assertCounted(run.evidence(), "new", 4, from, now(c));

      run.rollBackToWritesOld(true, true);
      assertThat(run.evidence().strayWrites()).as("started again at writes=old").isZero();
      from = now(c);
      w.oldUpdate(ROLLBACK, 5, "old-shape UPDATE");
      w.oldInsert(ROLLBACK, "old-shape INSERT");
      w.copy(ROLLBACK, false);
      assertThat(run.evidence().strayWrites()).as("old-shape writes after writes=old").isZero();
      w.newUpdate(ROLLBACK, 6, "new-shape UPDATE");
      w.newInsert(ROLLBACK, "new-shape INSERT");
      w.copy(ROLLBACK, true);
      assertCounted(run.evidence(), "old", 4, from, now(c));

      run.undoExpand();
      model.assertTable(c, table, false);
    }
  }

  private static void assertCounted(WriterEvidence ev, String writes, long count, Instant from,
      Instant to) {
    assertThat(ev.writes()).isEqualTo(writes);
    assertThat(ev.strayWrites()).as("stray writes after writes=%s", writes).isEqualTo(count);
    // stamped in whole milliseconds, rounded
    assertThat(Instant.parse(ev.lastStrayAt())).isBetween(from.minusMillis(1), to.plusMillis(1));
    assertThat(ev.quietMillis()).isLessThan(to.toEpochMilli() - from.toEpochMilli() + 1_000);
  }

  /** The database's clock, which the trigger stamps the last stray write with. */
  private static Instant now(Connection c) throws Exception {
    try (Statement s = c.createStatement();
         ResultSet rs = s.executeQuery("SELECT clock_timestamp()")) {
      rs.next();
      return rs.getTimestamp(1).toInstant();
    }
  }
}
