package dev.underway.activities.sql.schema;

import static dev.underway.activities.sql.schema.SchemaChangeLifecycleOnPostgresTest.assertFailure;
import static org.assertj.core.api.Assertions.assertThat;

import dev.underway.activities.Failures;
import dev.underway.activities.schema.ChangeKind;
import dev.underway.activities.schema.NewColumn;
import dev.underway.activities.schema.OldColumn;
import dev.underway.activities.schema.SchemaChangeActivities;
import dev.underway.activities.schema.TableChange;
import dev.underway.activities.schema.TableObservation;
import dev.underway.kernel.FailureKind;
import dev.underway.local.postgres.LocalPostgres;
import io.temporal.failure.ApplicationFailure;
import io.temporal.testing.TestActivityEnvironment;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Each refusal against a real PostgreSQL server: the expand is refused with its typed,
 * non-retryable failure, its message says nothing was changed, and the table's catalogue and the
 * marker are exactly as before. The observation reports the same facts without refusing.
 */
class SchemaChangeRefusalsOnPostgresTest {

  private static final String OWNER = "schema-change/app/t";

  @TempDir static Path dir;
  private static LocalPostgres pg;
  private static SchemaFixture db;

  private TestActivityEnvironment env;
  private SchemaChangeActivities activities;

  @BeforeAll
  static void start() throws Exception {
    pg = LocalPostgres.start(LocalPostgres.Options.under(dir));
    db = new SchemaFixture(pg, "refusals");
    db.amounts("orders", 20);
    db.sql("CREATE TABLE nokey (amount integer)",
        "CREATE TABLE emails (id int, email text, amount integer)",
        "CREATE UNIQUE INDEX emails_email ON emails (email)",
        "CREATE DOMAIN positive AS bigint CHECK (VALUE > 0)",
        "INSERT INTO orders (id, amount) VALUES (100, -5)");
  }

  @AfterAll
  static void stop() {
    if (pg != null) {
      pg.close();
    }
  }

  @BeforeEach
  void setUp() {
    env = TestActivityEnvironment.newInstance();
    activities = db.activities(env);
  }

  @AfterEach
  void tearDown() {
    env.close();
  }

  @Test
  void aTableWithoutPrimaryKey() throws Exception {
    TableObservation seen = refused(SchemaFixture.typeChange("nokey"), Failures.NO_USABLE_KEY,
        "no primary key");
    assertThat(seen.keyProblem()).isEqualTo("no primary key");
  }

  @Test
  void aNamedUniqueKeyOnANullableColumn() throws Exception {
    TableChange change = new TableChange(null, "emails", "emails_email", ChangeKind.CHANGE_TYPE,
        List.of(new NewColumn("amount_v2", "bigint", "amount::bigint")), List.of());
    TableObservation seen = refused(change, Failures.NO_USABLE_KEY, "email) is nullable");
    assertThat(seen.key()).isNull();
  }

  @Test
  void anUnknownTable() throws Exception {
    TableObservation seen = refused(SchemaFixture.typeChange("nowhere"),
        Failures.TARGET_NOT_FOUND, "table public.nowhere does not exist");
    assertThat(seen.tableExists()).isFalse();
  }

  @Test
  void anUnknownReplacedColumn() throws Exception {
    TableChange change = new TableChange(null, "orders", null, ChangeKind.RENAME_COLUMN,
        List.of(new NewColumn("total", "integer", "amount")),
        List.of(new OldColumn("amount_typo", "total")));
    refused(change, Failures.TARGET_NOT_FOUND, "column amount_typo does not exist");
  }

  @Test
  void aNewColumnThatExists() throws Exception {
    TableChange change = new TableChange(null, "orders", null, ChangeKind.ADD_COLUMN,
        List.of(new NewColumn("note", "text", "amount::text")), List.of());
    refused(change, Failures.COLUMN_EXISTS, "column note already exists");
  }

  @Test
  void anUpThatDoesNotTypeCheck() throws Exception {
    TableChange change = new TableChange(null, "orders", null, ChangeKind.ADD_COLUMN,
        List.of(new NewColumn("doubled", "integer", "amount * 2 + no_such_column")), List.of());
    TableObservation seen = refused(change, Failures.EXPRESSION_INVALID,
        "column \"no_such_column\" does not exist");
    assertThat(seen.expressionProblems()).singleElement().asString()
        .startsWith("up of doubled");
  }

  @Test
  void anUpThatFailsOnARow() throws Exception {
    TableChange change = new TableChange(null, "orders", null, ChangeKind.CHANGE_TYPE,
        List.of(new NewColumn("amount_v2", "bigint", "100 / (amount - amount)")),
        List.of(new OldColumn("amount", "amount_v2::integer")));
    refused(change, Failures.EXPRESSION_INVALID, "division by zero");
  }

  @Test
  void aDownThatDoesNotTypeCheck() throws Exception {
    TableChange change = new TableChange(null, "orders", null, ChangeKind.CHANGE_TYPE,
        List.of(new NewColumn("amount_v2", "bigint", "amount::bigint")),
        List.of(new OldColumn("amount", "amount_v2 || 'x'")));
    TableObservation seen = refused(change, Failures.EXPRESSION_INVALID, "down of amount");
    assertThat(seen.expressionProblems()).singleElement().asString().contains("down of amount");
  }

  @Test
  void aColumnWhoseAddingWouldRewriteTheTable() throws Exception {
    TableChange change = new TableChange(null, "orders", null, ChangeKind.CHANGE_TYPE,
        List.of(new NewColumn("amount_v2", "positive", "abs(amount)::bigint + 1")),
        List.of(new OldColumn("amount", "amount_v2::integer")));
    TableObservation seen = refused(change, Failures.UNSAFE_CHANGE, "would rewrite the table");
    assertThat(seen.unsafe()).hasSize(1);
  }

  @Test
  void aTableAnotherRunHolds() throws Exception {
    db.amounts("busy", 5);
    TableChange change = SchemaFixture.typeChange("busy");
    activities.expand(db.target(), change, "schema-change/app/busy-first");
    String expanded = activities.observe(db.target(), change).catalogue();

    ApplicationFailure refusal = assertFailure(
        () -> activities.expand(db.target(), change, OWNER), Failures.CHANGE_IN_PROGRESS);

    assertThat(refusal.getOriginalMessage()).startsWith(FailureKind.REFUSED)
        .contains("schema-change/app/busy-first");
    assertThat(activities.observe(db.target(), change).catalogue()).isEqualTo(expanded);
  }

  /** Expand is refused with {@code type} and changes nothing; returns the observation. */
  private TableObservation refused(TableChange change, String type, String says)
      throws Exception {
    TableObservation before = activities.observe(db.target(), change);
    String markers = markers();

    ApplicationFailure refusal = assertFailure(
        () -> activities.expand(db.target(), change, OWNER), type);

    assertThat(refusal.isNonRetryable()).isTrue();
    assertThat(refusal.getOriginalMessage()).startsWith(FailureKind.REFUSED).contains(says);
    assertThat(activities.observe(db.target(), change)).isEqualTo(before);
    assertThat(markers()).isEqualTo(markers);
    return before;
  }

  private static String markers() throws Exception {
    if (db.scalar("SELECT to_regclass('underway_schema_changes')") == null) {
      return "";
    }
    return db.scalar("SELECT coalesce(string_agg(table_name || '=' || workflow_id, ','"
        + " ORDER BY table_name), '') FROM underway_schema_changes");
  }
}
