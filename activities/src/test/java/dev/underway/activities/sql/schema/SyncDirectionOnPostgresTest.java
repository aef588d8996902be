package dev.underway.activities.sql.schema;

import static org.assertj.core.api.Assertions.assertThat;

import dev.underway.workflows.schema.contract.BackfillSettings;
import dev.underway.workflows.schema.contract.ChangeKind;
import dev.underway.workflows.schema.contract.ChangeObjects;
import dev.underway.workflows.schema.contract.NewColumn;
import dev.underway.workflows.schema.contract.OldColumn;
import dev.underway.workflows.schema.contract.SchemaChangeActivities;
import dev.underway.workflows.schema.contract.TableChange;
import dev.underway.workflows.schema.contract.WriterEvidence;
import io.temporal.testing.TestActivityEnvironment;
import java.sql.Connection;
import java.sql.Statement;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Which shape a write is, at a real PostgreSQL server, with the runbook's own split example
 * (values that do not round-trip: "Mary Ann" "Smith" joins to "Mary Ann Smith", which splits
 * into "Mary" "Ann Smith"). The direction comes from the writer's declaration, the side the
 * statement names, or the phase the flag step baked into the function — never from which values
 * changed (each case below was lost or failed when it did).
 */
class SyncDirectionOnPostgresTest {

  private static final BackfillSettings SETTINGS = new BackfillSettings(List.of("id"), 100, 500,
      1_500, null, null, 10, 50_000);

  @RegisterExtension static final PostgresDatabase db = new PostgresDatabase("direction");
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
    activities.backfill(db.target(), change, SETTINGS);
  }

  @AfterEach
  void tearDown() {
    env.close();
  }

  private String owner() {
    return "schema-change/direction/" + table;
  }

  private void writesNew() {
    activities.setFlag(db.target(), change, owner(), names.writesFlag(), "new");
  }

  private String names(long id) throws Exception {
    return db.row(table, id, "name", "first_name", "last_name");
  }

  @Test
  void aNewShapeUpdateThenAnUpdateOfAnotherColumnKeepsTheNewShapeAfterWritesNew()
      throws Exception {
    writesNew();
    db.sql("UPDATE " + table + " SET first_name = 'Mary Ann', last_name = 'Smith' WHERE id = 1",
        "UPDATE " + table + " SET email = 'm@x' WHERE id = 1");
    assertThat(names(1)).isEqualTo("Mary Ann Smith|Mary Ann|Smith");
  }

  @Test
  void anOrmSavingTheWholeRowUnchangedKeepsItAfterWritesNew() throws Exception {
    writesNew();
    db.sql("UPDATE " + table + " SET first_name = 'Mary Ann', last_name = 'Smith' WHERE id = 1",
        "UPDATE " + table + " SET id = id, name = name, email = email, first_name = first_name,"
            + " last_name = last_name WHERE id = 1");
    assertThat(names(1)).isEqualTo("Mary Ann Smith|Mary Ann|Smith");
  }

  @Test
  void anUpsertRepeatingTheValuesKeepsThemAfterWritesNew() throws Exception {
    writesNew();
    String upsert = "INSERT INTO " + table + " (id, first_name, last_name, email)"
        + " VALUES (1, 'Mary Ann', 'Smith', 'm@x') ON CONFLICT (id) DO UPDATE SET"
        + " first_name = excluded.first_name, last_name = excluded.last_name,"
        + " email = excluded.email";
    db.sql(upsert, upsert);
    assertThat(names(1)).isEqualTo("Mary Ann Smith|Mary Ann|Smith");
  }

  @Test
  void anAllNullNewShapeInsertIsNewShapeAfterWritesNew() throws Exception {
    writesNew();
    db.sql("INSERT INTO " + table + " (id, email) VALUES (3, 'c@x')");
    assertThat(names(3)).as("name from down of two NULLs, not NULL").isEqualTo("|∅|∅");
  }

  @Test
  void anOldShapeUpdateAfterWritesNewIsKeptAndCountedAsStray() throws Exception {
    writesNew();
    db.sql("UPDATE " + table + " SET name = 'Carl Cox' WHERE id = 2");
    assertThat(names(2)).isEqualTo("Carl Cox|Carl|Cox");
    WriterEvidence ev = activities.writers(db.target(), change, 60_000);
    assertThat(ev.writes()).isEqualTo("new");
    assertThat(ev.strayWrites()).isEqualTo(1);
    assertThat(ev.lastStrayAt()).isNotNull();
    assertThat(ev.quietMillis()).isLessThan(60_000);
  }

  @Test
  void aNewShapeUpdateWhileWritesAreBothIsKept() throws Exception {
    db.sql("UPDATE " + table + " SET first_name = 'Mary Ann', last_name = 'Smith' WHERE id = 1");
    assertThat(names(1)).isEqualTo("Mary Ann Smith|Mary Ann|Smith");
    db.sql("UPDATE " + table + " SET email = 'm@x' WHERE id = 1");
    assertThat(names(1)).as("a write naming neither side recomputes nothing")
        .isEqualTo("Mary Ann Smith|Mary Ann|Smith");
  }

  @Test
  void aWriterThatDeclaresBothIsTakenAsWrittenWhileWritesAreBoth() throws Exception {
    try (Connection c = db.connect(); Statement s = c.createStatement()) {
      s.execute("SET " + names.shapeSetting() + " = 'both'");
      s.execute("INSERT INTO " + table + " (id, name, first_name, last_name)"
          + " VALUES (4, 'Mary Ann Smith', 'Mary Ann', 'Smith')");
    }
    assertThat(names(4)).isEqualTo("Mary Ann Smith|Mary Ann|Smith");
  }

  @Test
  void anUndeclaredInsertGivingBothSidesIsTakenAsWrittenWhileWritesAreBoth() throws Exception {
    db.sql("INSERT INTO " + table + " (id, name, first_name, last_name)"
        + " VALUES (4, 'Mary Ann Smith', 'Mary Ann', 'Smith')");
    assertThat(names(4)).isEqualTo("Mary Ann Smith|Mary Ann|Smith");
  }

  @Test
  void anOldShapeInsertAfterWritesNewIsKeptAndCounted() throws Exception {
    writesNew();
    db.sql("INSERT INTO " + table + " (id, name) VALUES (5, 'Dee Dee Ramone')");
    assertThat(names(5)).isEqualTo("Dee Dee Ramone|Dee|Dee Ramone");
    assertThat(activities.writers(db.target(), change, 60_000).strayWrites()).isEqualTo(1);
  }

  @Test
  void aWriterUnderSessionReplicationRoleReplicaIsSyncedToo() throws Exception {
    try (Connection c = db.connect(); Statement s = c.createStatement()) {
      s.execute("SET session_replication_role = replica");
      s.execute("UPDATE " + table + " SET name = 'Rep Lica' WHERE id = 2");
    }
    assertThat(names(2)).isEqualTo("Rep Lica|Rep|Lica");
  }

  @Test
  void droppingAnUnrelatedColumnDuringTheChangeBreaksNoWrite() throws Exception {
    db.sql("ALTER TABLE " + table + " DROP COLUMN email",
        "UPDATE " + table + " SET name = 'Eve Ng' WHERE id = 1",
        "INSERT INTO " + table + " (id, name) VALUES (6, 'Fay Wu')");
    assertThat(names(1)).isEqualTo("Eve Ng|Eve|Ng");
    assertThat(names(6)).isEqualTo("Fay Wu|Fay|Wu");
  }

  @Test
  void aRollbackAfterWritesNewKeepsTheNewShapeWritesInTheOldColumn() throws Exception {
    writesNew();
    db.sql("UPDATE " + table + " SET first_name = 'Mary Ann', last_name = 'Smith' WHERE id = 1",
        "INSERT INTO " + table + " (id, first_name, last_name) VALUES (7, 'Gil', 'Scott')");
    activities.setFlag(db.target(), change, owner(), names.writesFlag(), "both");
    activities.setFlag(db.target(), change, owner(), names.writesFlag(), "old");
    activities.undoExpand(db.target(), change, owner());
    assertThat(db.row(table, 1, "name")).isEqualTo("Mary Ann Smith");
    assertThat(db.row(table, 7, "name")).isEqualTo("Gil Scott");
  }

  @Test
  void aNewShapeWriteBeforeTheBackfillReachesItsRowIsNotOverwrittenByTheBackfill()
      throws Exception {
    String t = table + "_early";
    db.customers(t);
    TableChange early = SchemaFixture.split(t);
    activities.expand(db.target(), early, "schema-change/direction/" + t);
    db.sql("UPDATE " + t + " SET first_name = 'Mary Ann', last_name = 'Smith' WHERE id = 1");
    activities.backfill(db.target(), early, SETTINGS);
    assertThat(db.row(t, 1, "name", "first_name", "last_name"))
        .isEqualTo("Mary Ann Smith|Mary Ann|Smith");
    assertThat(db.row(t, 2, "name", "first_name", "last_name")).isEqualTo("Bob|Bob|∅");
  }

  @Test
  void aRollbackOfAnExpandThatNeverHappenedCreatesNothing() throws Exception {
    String t = table + "_never";
    db.customers(t);
    TableChange never = SchemaFixture.split(t);
    ChangeObjects n = ChangeObjects.of(never);
    db.sql("DROP TABLE IF EXISTS underway_flags");
    assertThat(activities.setFlag(db.target(), never, "schema-change/direction/" + t,
        n.writesFlag(), "old").outcome()).isEqualTo(dev.underway.kernel.ChangeResult.Outcome.UNCHANGED);
    assertThat(db.scalar("SELECT to_regclass('underway_flags')")).as("no table created").isNull();
  }

  @Test
  void aTypeWithoutEqualityBreaksNoUpdate() throws Exception {
    String t = table + "_json";
    db.sql("CREATE TABLE " + t + " (id bigint PRIMARY KEY, payload json, note text)",
        "INSERT INTO " + t + " VALUES (1, '{\"a\": 1}', 'n')");
    TableChange toJsonb = new TableChange(null, t, null, ChangeKind.CHANGE_TYPE,
        List.of(new NewColumn("payload_v2", "jsonb", "payload::jsonb")),
        List.of(new OldColumn("payload", "payload_v2::json")));
    activities.expand(db.target(), toJsonb, "schema-change/direction/" + t);
    db.sql("UPDATE " + t + " SET note = 'm' WHERE id = 1",
        "UPDATE " + t + " SET payload = '{\"b\": 2}' WHERE id = 1");
    assertThat(db.scalar("SELECT payload_v2::text FROM " + t + " WHERE id = 1"))
        .isEqualTo("{\"b\": 2}");
    db.sql("UPDATE " + t + " SET payload_v2 = '{\"c\": 3}' WHERE id = 1");
    assertThat(db.scalar("SELECT payload::text FROM " + t + " WHERE id = 1"))
        .as("a new-shape write: down into the json column").isEqualTo("{\"c\": 3}");
  }
}
