package dev.underway.activities.sql.schema;

import static dev.underway.activities.sql.schema.SchemaChangeLifecycleOnPostgresTest.assertFailure;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.underway.kernel.Failures;
import dev.underway.workflows.schema.contract.ChangeKind;
import dev.underway.workflows.schema.contract.NewColumn;
import dev.underway.workflows.schema.contract.OldColumn;
import dev.underway.workflows.schema.contract.SchemaChangeActivities;
import dev.underway.workflows.schema.contract.SchemaFailures;
import dev.underway.workflows.schema.contract.TableChange;
import dev.underway.workflows.schema.contract.TableObservation;
import dev.underway.kernel.FailureKind;
import io.temporal.failure.ApplicationFailure;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Each refusal against a real PostgreSQL server: the expand is refused with its typed,
 * non-retryable failure, its message says nothing was changed, and the table's catalogue and the
 * marker are exactly as before. The observation reports the same facts without refusing.
 */
class SchemaChangeRefusalsOnPostgresTest {

  private static final String OWNER = "schema-change/app/t";

  @RegisterExtension static final PostgresDatabase db = new PostgresDatabase("refusals");

  private SchemaChangeActivities activities;

  @BeforeAll
  static void start() throws Exception {
    db.amounts("orders", 20);
    db.sql("CREATE TABLE nokey (amount integer)",
        "CREATE TABLE emails (id int, email text, amount integer)",
        "CREATE UNIQUE INDEX emails_email ON emails (email)",
        "CREATE DOMAIN positive AS bigint CHECK (VALUE > 0)",
        "INSERT INTO orders (id, amount) VALUES (100, -5)",
        "CREATE SCHEMA app", "CREATE DOMAIN app.money_amount AS numeric(12,2)",
        "CREATE TABLE parent (id int PRIMARY KEY, amount integer)",
        "CREATE TABLE child (extra text, PRIMARY KEY (id)) INHERITS (parent)",
        "CREATE TABLE measured (id bigint PRIMARY KEY, amount integer) PARTITION BY RANGE (id)",
        "CREATE TABLE measured_1 PARTITION OF measured FOR VALUES FROM (0) TO (1000)",
        "CREATE TABLE priced (id int PRIMARY KEY, price numeric, qty int,"
            + " total numeric GENERATED ALWAYS AS (price * qty) STORED)",
        "INSERT INTO priced (id, price, qty) VALUES (1, 2.5, 4)",
        "CREATE TABLE coded (code text NOT NULL, amount integer)",
        "CREATE UNIQUE INDEX coded_pattern ON coded (code text_pattern_ops)",
        "CREATE SEQUENCE probe_seq", "CREATE TABLE audit (n int)",
        "CREATE FUNCTION bump() RETURNS int LANGUAGE sql"
            + " AS 'INSERT INTO audit VALUES (1) RETURNING n'");
  }

  @BeforeEach
  void setUp() {
    activities = db.activities(db.environment());
  }

  @Test
  void aTableWithoutPrimaryKey() throws Exception {
    TableObservation seen = refused(SchemaFixture.typeChange("nokey"),
        SchemaFailures.NO_USABLE_KEY.type(),
        "no primary key");
    assertThat(seen.keyProblem()).isEqualTo("no primary key");
  }

  @Test
  void aNamedUniqueKeyOnANullableColumn() throws Exception {
    TableChange change = new TableChange(null, "emails", "emails_email", ChangeKind.CHANGE_TYPE,
        List.of(new NewColumn("amount_v2", "bigint", "amount::bigint")), List.of());
    TableObservation seen = refused(change, SchemaFailures.NO_USABLE_KEY.type(),
        "email) is nullable");
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
    refused(change, SchemaFailures.COLUMN_EXISTS.type(), "column note already exists");
  }

  @Test
  void anUpThatDoesNotTypeCheck() throws Exception {
    TableChange change = new TableChange(null, "orders", null, ChangeKind.ADD_COLUMN,
        List.of(new NewColumn("doubled", "integer", "amount * 2 + no_such_column")), List.of());
    TableObservation seen = refused(change, SchemaFailures.EXPRESSION_INVALID.type(),
        "column \"no_such_column\" does not exist");
    assertThat(seen.expressionProblems()).singleElement().asString()
        .startsWith("up of doubled");
  }

  @Test
  void anUpThatFailsOnARow() throws Exception {
    TableChange change = new TableChange(null, "orders", null, ChangeKind.CHANGE_TYPE,
        List.of(new NewColumn("amount_v2", "bigint", "100 / (amount - amount)")),
        List.of(new OldColumn("amount", "amount_v2::integer")));
    refused(change, SchemaFailures.EXPRESSION_INVALID.type(), "division by zero");
  }

  @Test
  void aDownThatDoesNotTypeCheck() throws Exception {
    TableChange change = new TableChange(null, "orders", null, ChangeKind.CHANGE_TYPE,
        List.of(new NewColumn("amount_v2", "bigint", "amount::bigint")),
        List.of(new OldColumn("amount", "amount_v2 || 'x'")));
    TableObservation seen = refused(change, SchemaFailures.EXPRESSION_INVALID.type(),
        "down of amount");
    assertThat(seen.expressionProblems()).singleElement().asString().contains("down of amount");
  }

  @Test
  void aColumnWhoseAddingWouldRewriteTheTable() throws Exception {
    TableChange change = new TableChange(null, "orders", null, ChangeKind.CHANGE_TYPE,
        List.of(new NewColumn("amount_v2", "positive", "abs(amount)::bigint + 1")),
        List.of(new OldColumn("amount", "amount_v2::integer")));
    TableObservation seen = refused(change, SchemaFailures.UNSAFE_CHANGE.type(),
        "would rewrite the table");
    assertThat(seen.unsafe()).hasSize(1);
  }

  @Test
  void aTableAnotherRunHolds() throws Exception {
    db.amounts("busy", 5);
    TableChange change = SchemaFixture.typeChange("busy");
    activities.expand(db.target(), change, "schema-change/app/busy-first");
    String expanded = activities.observe(db.target(), change, null).catalogue();

    ApplicationFailure refusal = assertFailure(
        () -> activities.expand(db.target(), change, OWNER),
            SchemaFailures.CHANGE_IN_PROGRESS.type());

    assertThat(refusal.getOriginalMessage()).startsWith(FailureKind.REFUSED)
        .contains("schema-change/app/busy-first");
    assertThat(activities.observe(db.target(), change, null).catalogue()).isEqualTo(expanded);
  }

  /**
   * A type followed by column clauses passes for a type in an {@code ALTER TABLE ... ADD COLUMN}
   * (a NOT NULL DEFAULT makes every old-shape INSERT look new-shape; UNIQUE builds an index under
   * ACCESS EXCLUSIVE): the database resolves the text as one type name or refuses it.
   */
  @ParameterizedTest
  @CsvSource(delimiter = '|', value = {
      "bigint not null default 0 | amount::bigint",
      "text unique | note",
      "integer primary key | amount",
      "text collate \"C\" | note"})
  void aTypeWithColumnClausesIsRefused(String type, String up) throws Exception {
    TableChange change = new TableChange(null, "orders", null, ChangeKind.ADD_COLUMN,
        List.of(new NewColumn("widened", type, up)), List.of());
    TableObservation seen = refused(change, SchemaFailures.EXPRESSION_INVALID.type(),
        "'" + type + "' is not one type name");
    assertThat(seen.expressionProblems()).singleElement().asString()
        .startsWith("type of widened");
  }

  @ParameterizedTest
  @ValueSource(strings = {"double precision", "character varying(20)",
      "timestamp(3) with time zone", "bit varying", "time without time zone", "interval",
      "text[]", "integer[][]", "app.money_amount", "numeric(12,2)"})
  void realTypesOfManyWordsResolve(String type) {
    TableChange change = new TableChange(null, "orders", null, ChangeKind.ADD_COLUMN,
        List.of(new NewColumn("added", type, "NULL")), List.of());
    TableObservation seen = activities.observe(db.target(), change, null);
    assertThat(seen.expressionProblems()).isEmpty();
    assertThat(seen.unsafe()).isEmpty();
  }

  @Test
  void aLatencyProbeThatWritesIsAProblemAndWritesNothing() throws Exception {
    TableChange change = SchemaFixture.typeChange("orders");

    TableObservation sequence = activities.observe(db.target(), change,
        "SELECT nextval('probe_seq')");
    TableObservation function = activities.observe(db.target(), change, "SELECT bump()");
    TableObservation read = activities.observe(db.target(), change,
        "SELECT * FROM orders WHERE id = 42");

    assertThat(sequence.expressionProblems()).singleElement().asString()
        .startsWith("latencyProbe (SELECT nextval('probe_seq')) failed in a read-only"
            + " transaction").contains("cannot execute nextval() in a read-only transaction");
    assertThat(function.expressionProblems()).singleElement().asString()
        .contains("cannot execute INSERT in a read-only transaction");
    assertThat(read.expressionProblems()).isEmpty();
    assertThat(db.scalar("SELECT is_called FROM probe_seq")).isEqualTo("f");
    assertThat(db.count("SELECT count(*) FROM audit")).isZero();
  }

  @Test
  void theBackfillsProbeRunsReadOnlyEveryTime() throws Exception {
    try (Connection c = db.connect()) {
      c.setAutoCommit(true);
      LatencyProbe writes = LatencyProbe.query(c, "SELECT bump()");
      for (int i = 0; i < 2; i++) {
        assertThatThrownBy(writes::measure).isInstanceOf(SQLException.class)
            .hasMessageContaining("read-only transaction");
      }
      assertThat(LatencyProbe.query(c, "SELECT * FROM orders WHERE id = 42").measure())
          .isPositive();
      assertThat(c.getAutoCommit()).isTrue();
    }
    assertThat(db.count("SELECT count(*) FROM audit")).isZero();
  }

  @Test
  void tablesInAnInheritanceTreeAreRefused() throws Exception {
    refused(SchemaFixture.typeChange("parent"), SchemaFailures.UNSAFE_CHANGE.type(),
        "public.parent has inheritance children (child)");
    refused(SchemaFixture.typeChange("child"), SchemaFailures.UNSAFE_CHANGE.type(),
        "public.child inherits from parent");
    refused(SchemaFixture.typeChange("measured_1"), SchemaFailures.UNSAFE_CHANGE.type(),
        "public.measured_1 is a partition of measured");
  }

  @Test
  void anUpOverAStoredGeneratedColumnIsRefused() throws Exception {
    TableChange change = new TableChange(null, "priced", null, ChangeKind.ADD_COLUMN,
        List.of(new NewColumn("total_cents", "bigint", "(total * 100)::bigint")), List.of());
    TableObservation seen = refused(change, SchemaFailures.EXPRESSION_INVALID.type(),
        "reads total, a STORED generated column");
    assertThat(seen.expressionProblems()).singleElement().asString()
        .contains("write up over the columns total is generated from ((price * (qty)::numeric))");
  }

  @Test
  void aKeyWithANonDefaultOperatorClassIsRefused() throws Exception {
    TableChange change = new TableChange(null, "coded", "coded_pattern", ChangeKind.ADD_COLUMN,
        List.of(new NewColumn("amount_v2", "bigint", "amount::bigint")), List.of());
    TableObservation seen = refused(change, SchemaFailures.NO_USABLE_KEY.type(),
        "coded_pattern orders code by operator class text_pattern_ops, not its type's default");
    assertThat(seen.key()).isNull();
  }

  @Test
  void theObservationGivesTheHeapAndTheIndexesApart() throws Exception {
    TableObservation seen = activities.observe(db.target(), SchemaFixture.typeChange("orders"),
        null);
    assertThat(seen.heapBytes()).isEqualTo(db.count("SELECT pg_relation_size('orders')"))
        .isPositive();
    assertThat(seen.indexBytes()).isEqualTo(db.count("SELECT pg_indexes_size('orders')"))
        .isPositive();
    assertThat(seen.heapBytes() + seen.indexBytes()).isLessThanOrEqualTo(seen.bytes());
  }

  /** Expand is refused with {@code type} and changes nothing; returns the observation. */
  private TableObservation refused(TableChange change, String type, String says)
      throws Exception {
    TableObservation before = activities.observe(db.target(), change, null);
    String markers = markers();

    ApplicationFailure refusal = assertFailure(
        () -> activities.expand(db.target(), change, OWNER), type);

    assertThat(refusal.isNonRetryable()).isTrue();
    assertThat(refusal.getOriginalMessage()).startsWith(FailureKind.REFUSED).contains(says);
    assertThat(activities.observe(db.target(), change, null)).isEqualTo(before);
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
