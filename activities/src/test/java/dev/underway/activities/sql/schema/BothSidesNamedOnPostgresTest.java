package dev.underway.activities.sql.schema;

import static org.assertj.core.api.Assertions.assertThat;

import dev.underway.workflows.schema.contract.BackfillSettings;
import dev.underway.workflows.schema.contract.ChangeObjects;
import dev.underway.workflows.schema.contract.SchemaChangeActivities;
import dev.underway.workflows.schema.contract.TableChange;
import io.temporal.testing.TestActivityEnvironment;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * An UPDATE whose SET list names both sides (an ORM saving the whole row) is taken as the phase
 * says: kept as written while writes are {@code both}, new-shape once they are {@code new},
 * old-shape once they are {@code old}; with a version column it sets the version. The two column
 * triggers fire in name order (the new side's first), so such an UPDATE marks its row "no":
 * it was once taken as naming neither side, its old column left stale after writes=new (lost by
 * a rollback, held by the contract's verify) — the writers matrix found it.
 */
class BothSidesNamedOnPostgresTest {

  @RegisterExtension static final PostgresDatabase db = new PostgresDatabase("bothnamed");
  private static int tables;

  private TestActivityEnvironment env;
  private SchemaChangeActivities activities;
  private String table;
  private TableChange change;
  private ChangeObjects names;

  @BeforeEach
  void setUp() throws Exception {
    env = TestActivityEnvironment.newInstance();
    activities = db.activities(env);
    table = "customers" + ++tables;
    db.customers(table);
    change = SchemaFixture.split(table);
    names = ChangeObjects.of(change);
    activities.expand(db.target(), change, owner());
    activities.backfill(db.target(), change, new BackfillSettings(List.of("id"), 100, 500,
        1_500, null, null, 10, 50_000));
  }

  @AfterEach
  void tearDown() {
    env.close();
  }

  private String owner() {
    return "schema-change/bothnamed/" + table;
  }

  private void writes(String value) {
    activities.setFlag(db.target(), change, owner(), names.writesFlag(), value);
  }

  private String names(long id) throws Exception {
    return db.row(table, id, "name", "first_name", "last_name");
  }

  @Test
  void anUpdateNamingBothSidesAfterWritesNewIsNewShape() throws Exception {
    writes("new");
    db.sql("UPDATE " + table + " SET id = id, name = name, email = email,"
        + " first_name = 'Mary Ann', last_name = 'Smith' WHERE id = 1");
    assertThat(names(1)).isEqualTo("Mary Ann Smith|Mary Ann|Smith");
  }

  @Test
  void aNewShapeWriteNamingBothSidesAfterWritesNewSurvivesARollback() throws Exception {
    writes("new");
    db.sql("UPDATE " + table + " SET name = name, first_name = 'Mary Ann', last_name = 'Smith'"
        + " WHERE id = 1");
    writes("both");
    writes("old");
    activities.undoExpand(db.target(), change, owner());
    assertThat(db.row(table, 1, "name")).isEqualTo("Mary Ann Smith");
  }

  @Test
  void anUpdateNamingBothSidesAfterWritesOldIsOldShape() throws Exception {
    writes("old");
    db.sql("UPDATE " + table + " SET name = 'Carl Cox', first_name = first_name,"
        + " last_name = last_name WHERE id = 2");
    assertThat(names(2)).isEqualTo("Carl Cox|Carl|Cox");
  }

  @Test
  void anUpdateNamingBothSidesWhileWritesAreBothIsKeptAsWritten() throws Exception {
    db.sql("UPDATE " + table + " SET name = 'Mary Ann Smith', first_name = 'Mary Ann',"
        + " last_name = 'Smith' WHERE id = 1");
    assertThat(names(1)).isEqualTo("Mary Ann Smith|Mary Ann|Smith");
  }

  @Test
  void anUpdateNamingBothSidesSetsTheVersion() throws Exception {
    String t = table + "_versioned";
    db.customers(t);
    TableChange base = SchemaFixture.split(t);
    TableChange versioned = new TableChange(null, t, null, base.kind(), base.add(),
        base.replace(), "schema_version", 2, null);
    activities.expand(db.target(), versioned, "schema-change/bothnamed/" + t);
    db.sql("UPDATE " + t + " SET name = 'Mary Ann Smith', first_name = 'Mary Ann',"
        + " last_name = 'Smith' WHERE id = 1");
    assertThat(db.row(t, 1, "name", "first_name", "last_name", "schema_version"))
        .isEqualTo("Mary Ann Smith|Mary Ann|Smith|2");
  }
}
