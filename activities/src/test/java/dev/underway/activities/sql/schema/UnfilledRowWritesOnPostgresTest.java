package dev.underway.activities.sql.schema;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * New-shape writes to a row the backfill has not reached yet (writes = {@code both}, between the
 * expand and the backfill's pass: a throttled or slow backfill makes that window long), with the
 * runbook's split example. A row whose new columns are all NULL is "not filled yet" to the sync
 * and to the backfill alike, and a writer's NULLs cannot be told from that.
 *
 * <p><b>Both tests fail today</b>: the writes below are lost and the runbook does not document
 * it (found by the writers matrix; reported, not fixed: the trigger cannot tell which of the new
 * columns an UPDATE named, only that it named one). Verify accepts both rows (their old column
 * is {@code down} of their new ones), so no gate shows it.
 */
class UnfilledRowWritesOnPostgresTest {

  @RegisterExtension static final PostgresDatabase db = new PostgresDatabase("unfilled");

  /**
   * {@code UPDATE … SET last_name = 'Smith'} on "Dee Dee Ramone" means first name "Dee" (its
   * {@code up}), last name "Smith". Today the trigger computes {@code name} from the NULL first
   * name ({@code down}: "Smith"), the backfill then skips the row (a new column is set), and
   * the first name is gone: "Smith", NULL, "Smith".
   */
  @Test
  void aNewShapeUpdateNamingOneNewColumnOfARowNotYetFilledKeepsTheOthers() throws Exception {
    db.sql("CREATE TABLE partial (id bigint PRIMARY KEY, name text NOT NULL, email text)",
        "INSERT INTO partial VALUES (1, 'Dee Dee Ramone', 'd@x')");
    try (ChangeDriver run = new ChangeDriver(db, SchemaFixture.split("partial"))) {
      run.expand();
      db.sql("UPDATE partial SET last_name = 'Smith' WHERE id = 1");
      run.backfill(10);
      assertThat(db.row("partial", 1, "name", "first_name", "last_name"))
          .isEqualTo("Dee Smith|Dee|Smith");
    }
  }

  /**
   * A new-shape write of no first and no last name ({@code name} becomes '' by {@code down})
   * looks like a row not filled yet: the backfill fills it from {@code up}, and the first name
   * the writer set to NULL becomes ''.
   */
  @Test
  void aNewShapeWriteOfOnlyNullsIsNotRefilledByTheBackfill() throws Exception {
    db.sql("CREATE TABLE nulls (id bigint PRIMARY KEY, name text NOT NULL, email text)",
        "INSERT INTO nulls VALUES (1, 'Ann Lee', 'a@x')");
    try (ChangeDriver run = new ChangeDriver(db, SchemaFixture.split("nulls"))) {
      run.expand();
      db.sql("UPDATE nulls SET first_name = NULL, last_name = NULL WHERE id = 1");
      assertThat(db.row("nulls", 1, "name", "first_name", "last_name")).isEqualTo("|∅|∅");
      run.backfill(10);
      assertThat(db.row("nulls", 1, "name", "first_name", "last_name")).isEqualTo("|∅|∅");
    }
  }
}
