package dev.underway.activities.sql.schema;

import static org.assertj.core.api.Assertions.assertThat;

import dev.underway.workflows.schema.contract.ChangeKind;
import dev.underway.workflows.schema.contract.NewColumn;
import dev.underway.workflows.schema.contract.OldColumn;
import dev.underway.workflows.schema.contract.TableChange;
import dev.underway.workflows.schema.contract.VerifyResult;
import dev.underway.workflows.schema.contract.VerifySettings;
import dev.underway.workflows.schema.contract.WriterEvidence;
import java.sql.Connection;
import java.sql.Statement;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The limits the runbook documents for writers ("Which shape a write is", "Known limits"),
 * shown at a real PostgreSQL server rather than tested around: an undeclared INSERT that gives
 * both sides or neither follows the phase; a side with a default is never given by an INSERT
 * (so once the replaced column's default is carried, when writes are new, every undeclared
 * INSERT follows the phase, and an old-shape writer loses its value unless it declares its
 * shape); an
 * UPDATE naming both sides while writes are {@code both} is kept as written, even when only one
 * side changed, and verify finds the row.
 */
class DocumentedWriterLimitsOnPostgresTest {

  @RegisterExtension static final PostgresDatabase db = new PostgresDatabase("limits");

  @Test
  void anUndeclaredInsertGivingBothSidesIsTakenAsThePhaseSays() throws Exception {
    db.customers("both_given");
    try (ChangeDriver run = new ChangeDriver(db, SchemaFixture.split("both_given"))) {
      run.expand();
      run.backfill(100);
      String insert = "INSERT INTO both_given (id, name, first_name, last_name)"
          + " VALUES (%d, 'Old Name', 'New', 'Person')";
      db.sql(insert.formatted(10));
      run.reads("new");
      run.writes("new");
      db.sql(insert.formatted(11));
      run.rollBackToWritesOld(true, true);
      db.sql(insert.formatted(12));
      assertThat(db.row("both_given", 10, "name", "first_name", "last_name"))
          .as("writes=both: kept as written").isEqualTo("Old Name|New|Person");
      assertThat(db.row("both_given", 11, "name", "first_name", "last_name"))
          .as("writes=new: new-shape").isEqualTo("New Person|New|Person");
      assertThat(db.row("both_given", 12, "name", "first_name", "last_name"))
          .as("writes=old: old-shape").isEqualTo("Old Name|Old|Name");
    }
  }

  @Test
  void anUndeclaredInsertGivingNeitherSideIsTakenAsThePhaseSays() throws Exception {
    db.sql("CREATE TABLE neither_given (id bigint PRIMARY KEY, name text, email text)");
    try (ChangeDriver run = new ChangeDriver(db, SchemaFixture.split("neither_given"))) {
      run.expand();
      String insert = "INSERT INTO neither_given (id, email) VALUES (%d, 'e@x')";
      db.sql(insert.formatted(1));
      run.reads("new");
      run.writes("new");
      db.sql(insert.formatted(2));
      assertThat(db.row("neither_given", 1, "name", "first_name", "last_name"))
          .as("writes=both: old-shape, the names from up of no name").isEqualTo("∅|∅|∅");
      assertThat(db.row("neither_given", 2, "name", "first_name", "last_name"))
          .as("writes=new: new-shape, the name from down of no names").isEqualTo("|∅|∅");
    }
  }

  /**
   * {@code amount} has a default, carried to {@code amount_cents} through {@code up} once writes
   * are {@code new} (not before: while writes are {@code both} an INSERT that gives the new
   * column is still told from one that does not, and a new-shape writer's cents are kept). After
   * {@code writes=new} both sides have a default and no INSERT gives either: an undeclared
   * old-shape INSERT is new-shape (its amount becomes {@code down} of the default, and it is not
   * counted as a stray write: only the session evidence, its query naming the dropped column,
   * sees it). A writer that declares its shape keeps its value in either phase.
   */
  @Test
  void aCarriedDefaultComesWithWritesNewAfterWhichUndeclaredInsertsFollowThePhase()
      throws Exception {
    db.sql("CREATE TABLE defaulted (id bigint PRIMARY KEY, amount integer NOT NULL DEFAULT 0)");
    TableChange cents = new TableChange(null, "defaulted", null, ChangeKind.CHANGE_TYPE,
        List.of(new NewColumn("amount_cents", "bigint", "amount::bigint * 100")),
        List.of(new OldColumn("amount", "(amount_cents / 100)::integer")));
    try (ChangeDriver run = new ChangeDriver(db, cents); Connection app = db.connect();
         Statement s = app.createStatement()) {
      run.expand();
      String carried = "SELECT (SELECT pg_get_expr(adbin, adrelid) FROM pg_attrdef WHERE adrelid"
          + " = 'defaulted'::regclass AND adnum = (SELECT attnum FROM pg_attribute WHERE"
          + " attrelid = 'defaulted'::regclass AND attname = 'amount_cents'))";
      assertThat(db.scalar(carried)).as("no default while writes are both").isNull();
      String setting = run.names().shapeSetting();
      s.execute("INSERT INTO defaulted (id, amount_cents) VALUES (1, 12345)");
      s.execute("SET " + setting + " = 'new'");
      s.execute("INSERT INTO defaulted (id, amount_cents) VALUES (2, 12345)");
      s.execute("RESET " + setting);
      assertThat(db.row("defaulted", 1, "amount", "amount_cents"))
          .as("undeclared while both: it gives the new side, kept").isEqualTo("123|12345");
      assertThat(db.row("defaulted", 2, "amount", "amount_cents"))
          .as("declared new: kept").isEqualTo("123|12345");

      run.reads("new");
      run.writes("new");
      assertThat(db.scalar(carried)).as("the default once writes are new").isEqualTo("'0'::bigint");
      s.execute("INSERT INTO defaulted (id, amount) VALUES (3, 7)");
      WriterEvidence undeclared = run.evidence();
      s.execute("SET " + setting + " = 'old'");
      s.execute("INSERT INTO defaulted (id, amount) VALUES (4, 7)");
      s.execute("RESET " + setting);
      assertThat(db.row("defaulted", 3, "amount", "amount_cents"))
          .as("undeclared after writes=new: new-shape, down of the default").isEqualTo("0|0");
      assertThat(undeclared.strayWrites()).as("the trigger cannot tell it from a new one")
          .isZero();
      assertThat(undeclared.sessions()).as("its session's query names amount").isOne();
      assertThat(db.row("defaulted", 4, "amount", "amount_cents"))
          .as("declared old: kept").isEqualTo("7|700");
      assertThat(run.evidence().strayWrites()).as("and counted").isOne();
    }
  }

  /**
   * While writes are {@code both}, an UPDATE naming both sides is kept as written: an ORM that
   * maps both shapes and changes only the old one leaves the new one stale. Verify finds the
   * row (the run holds); the same save declared {@code old} recomputes the new side.
   */
  @Test
  void anOrmSaveNamingBothSidesWhileWritesAreBothIsKeptAsWrittenAndVerifyFindsAStaleSide()
      throws Exception {
    db.customers("orm_both");
    TableChange split = SchemaFixture.split("orm_both");
    try (ChangeDriver run = new ChangeDriver(db, split)) {
      run.expand();
      run.backfill(100);
      String save = "UPDATE orm_both SET id = id, name = 'Carl Cox', email = email,"
          + " first_name = first_name, last_name = last_name WHERE id = %d";
      db.sql(save.formatted(1));
      assertThat(db.row("orm_both", 1, "name", "first_name", "last_name"))
          .isEqualTo("Carl Cox|Ann|Lee");
      VerifyResult v = run.activities().verify(db.target(), split,
          new VerifySettings(List.of("id"), 100, 5));
      assertThat(v.mismatches()).isOne();
      assertThat(v.sampleKeys()).containsExactly("(1)");

      db.sql("BEGIN", "SET LOCAL " + run.names().shapeSetting() + " = 'old'", save.formatted(2),
          "COMMIT");
      assertThat(db.row("orm_both", 2, "name", "first_name", "last_name"))
          .isEqualTo("Carl Cox|Carl|Cox");
    }
  }
}
