package dev.underway.activities.sql.schema;

import static dev.underway.activities.sql.schema.SchemaChangeLifecycleOnPostgresTest.assertFailure;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import dev.underway.workflows.schema.contract.ChangeKind;
import dev.underway.workflows.schema.contract.ChangeObjects;
import dev.underway.workflows.schema.contract.NewColumn;
import dev.underway.workflows.schema.contract.OldColumn;
import dev.underway.workflows.schema.contract.SchemaChangeActivities;
import dev.underway.workflows.schema.contract.SchemaFailures;
import dev.underway.workflows.schema.contract.TableChange;
import dev.underway.workflows.schema.contract.VerifySettings;
import dev.underway.activities.sql.SqlCredentials;
import io.temporal.failure.ActivityFailure;
import io.temporal.failure.ApplicationFailure;
import io.temporal.testing.TestActivityEnvironment;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.Timeout;

/**
 * Errors no retry can fix stop a step at once, non-retryable, with a sentence that says what is
 * wrong; each produced for real by PostgreSQL. Errors a retry can fix (a lock not granted in
 * time, a lost connection, a serialization failure, a cancelled statement, a server shutting
 * down) stay retryable.
 */
class SqlErrorsOnPostgresTest {

  private static final String OWNER = "schema-change/errors";
  private static final VerifySettings VERIFY = new VerifySettings(List.of("id"), 100, 5);

  @RegisterExtension static final PostgresDatabase db = new PostgresDatabase("errors");

  private TestActivityEnvironment env;
  private SchemaChangeActivities activities;

  @BeforeAll
  static void start() throws Exception {
    db.sql("CREATE TABLE docs (id bigint PRIMARY KEY, doc json)",
        "INSERT INTO docs SELECT g, json_build_object('n', g) FROM generate_series(1, 50) g",
        "CREATE FUNCTION boom(integer) RETURNS bigint LANGUAGE plpgsql AS"
            + " $$ BEGIN RAISE EXCEPTION 'no amount % today', $1; END $$");
    db.amounts("amounts", 50);
  }

  @BeforeEach
  void setUp() {
    env = TestActivityEnvironment.newInstance();
    activities = db.activities(env, Duration.ofSeconds(4));
  }

  @AfterEach
  void tearDown() {
    env.close();
  }

  @Test
  void verifyOfATypeWithoutEqualityComparesItAsText() {
    TableChange change = new TableChange(null, "docs", null, ChangeKind.ADD_COLUMN,
        List.of(new NewColumn("doc_copy", "json", "doc")), List.of());
    activities.expand(db.target(), change, OWNER);
    activities.backfill(db.target(), change, null);

    var verified = activities.verify(db.target(), change, VERIFY);

    assertThat(verified.mismatches()).as("json has no =: compared as text").isZero();
  }

  @Test
  void verifyOfAFunctionThatNoLongerExistsStopsAtOnceNamingTheProblem() throws Exception {
    db.sql("CREATE TABLE fns (id bigint PRIMARY KEY, amount integer)",
        "INSERT INTO fns SELECT g, g FROM generate_series(1, 10) g",
        "CREATE FUNCTION doubled(integer) RETURNS bigint LANGUAGE sql IMMUTABLE"
            + " AS 'SELECT $1 * 2'");
    TableChange change = new TableChange(null, "fns", null, ChangeKind.ADD_COLUMN,
        List.of(new NewColumn("amount_x2", "bigint", "doubled(amount)")), List.of());
    activities.expand(db.target(), change, OWNER);
    db.sql("DROP FUNCTION doubled(integer)");

    ApplicationFailure failure = assertFailure(
        () -> activities.verify(db.target(), change, VERIFY),
            SchemaFailures.STATEMENT_INVALID.type());

    assertThat(failure.isNonRetryable()).isTrue();
    assertThat(failure.getOriginalMessage()).startsWith("verify public.fns failed: a function"
        + " or operator it needs does not exist for these types")
        .contains("SQLSTATE 42883").contains("doubled(integer)")
        .contains("Retrying would run the same statement again")
        .doesNotContain(db.pg.superuserPassword());
  }

  @Test
  void aPlainlyBrokenExpressionStopsAtOnce() {
    activities.expand(db.target(), SchemaFixture.typeChange("amounts"), OWNER);
    TableChange typo = withUp("amounts", "amont::bigint");

    ApplicationFailure failure = assertFailure(
        () -> activities.verify(db.target(), typo, VERIFY),
            SchemaFailures.STATEMENT_INVALID.type());

    assertThat(failure.isNonRetryable()).isTrue();
    assertThat(failure.getOriginalMessage()).contains("a column it names does not exist")
        .contains("SQLSTATE 42703").contains("amont");
  }

  @Test
  void aDataExceptionOnARowStopsAtOnce() {
    activities.expand(db.target(), SchemaFixture.typeChange("amounts"), OWNER);

    ApplicationFailure failure = assertFailure(() -> activities.verify(db.target(),
        withUp("amounts", "(1000 / (amount - amount))::bigint"), VERIFY),
        SchemaFailures.EXPRESSION_FAILED.type());

    assertThat(failure.isNonRetryable()).isTrue();
    assertThat(failure.getOriginalMessage()).contains("a data exception")
        .contains("SQLSTATE 22012").contains("division by zero");
  }

  @Test
  void aPlpgsqlRaiseStopsAtOnce() {
    activities.expand(db.target(), SchemaFixture.typeChange("amounts"), OWNER);

    ApplicationFailure failure = assertFailure(() -> activities.verify(db.target(),
        withUp("amounts", "boom(amount)"), VERIFY), SchemaFailures.EXPRESSION_FAILED.type());

    assertThat(failure.isNonRetryable()).isTrue();
    assertThat(failure.getOriginalMessage()).contains("a PL/pgSQL function raised an error")
        .contains("SQLSTATE P0001").contains("no amount");
  }

  @Test
  void anIntegrityViolationStopsAtOnce() throws Exception {
    TableChange change = SchemaFixture.typeChange("amounts");
    activities.expand(db.target(), change, OWNER);
    String reads = ChangeObjects.of(change).readsFlag();
    db.sql("ALTER TABLE underway_flags ADD CONSTRAINT not_new CHECK (value <> 'new')");
    try {
      ApplicationFailure failure = assertFailure(() -> activities.setFlag(db.target(), change,
          OWNER, reads, "new"), SchemaFailures.EXPRESSION_FAILED.type());

      assertThat(failure.isNonRetryable()).isTrue();
      assertThat(failure.getOriginalMessage()).contains("a row breaks a constraint")
          .contains("SQLSTATE 23514").contains("not_new");
    } finally {
      db.sql("ALTER TABLE underway_flags DROP CONSTRAINT not_new");
    }
  }

  @Test
  @Timeout(60)
  void aLockNotGrantedInTimeStaysRetryable() throws Exception {
    TableChange change = SchemaFixture.typeChange("amounts");
    activities.expand(db.target(), change, OWNER);
    String reads = ChangeObjects.of(change).readsFlag();
    try (Connection holder = db.connect(); Statement s = holder.createStatement()) {
      holder.setAutoCommit(false);
      s.execute("SELECT * FROM underway_flags WHERE key = '" + reads + "' FOR UPDATE");
      long t0 = System.nanoTime();

      Throwable thrown = catchThrowable(
          () -> activities.setFlag(db.target(), change, OWNER, reads, "new"));

      long waited = (System.nanoTime() - t0) / 1_000_000;
      holder.rollback();
      assertThat(thrown).isInstanceOf(ActivityFailure.class);
      assertThat(thrown.getCause()).isInstanceOf(ApplicationFailure.class);
      ApplicationFailure failure = (ApplicationFailure) thrown.getCause();
      assertThat(failure.isNonRetryable()).isFalse();
      assertThat(failure.getOriginalMessage()).contains("SQLSTATE 55P03");
      // the flag step's lock retry (here 3 tries of 200 ms with backoff), then the activity's
      // own retry takes over: the step waits, it does not fail the run
      assertThat(waited).isBetween(600L, 10_000L);
    }
    assertThat(db.scalar("SELECT value FROM underway_flags WHERE key = '" + reads + "'"))
        .isEqualTo("old");
  }

  @Test
  void errorsARetryCanFixStayRetryable() {
    SqlCredentials creds = db.credentials();
    for (String state : List.of("08006", "08001", "40001", "40P01", "55P03", "57014", "57P01",
        "53300", "25006")) {
      RuntimeException e = SqlErrors.translate(db.target(), creds, "set a flag",
          new SQLException("server says no", state));
      assertThat(e instanceof ApplicationFailure af && af.isNonRetryable()).as(state).isFalse();
    }
    RuntimeException race = SqlErrors.translate(db.target(), creds, "expand",
        new SQLException("ERROR: duplicate key value violates unique constraint"
            + " \"pg_type_typname_nsp_index\"", "23505"));
    assertThat(race instanceof ApplicationFailure af && af.isNonRetryable())
        .as("two sessions creating one table at once").isFalse();
    for (String state : List.of("42883", "42601", "42703", "42P01", "22012", "23505",
        "P0001")) {
      RuntimeException e = SqlErrors.translate(db.target(), creds, "set a flag",
          new SQLException("server says no", state));
      assertThat(e instanceof ApplicationFailure af && af.isNonRetryable()).as(state).isTrue();
    }
  }

  private static TableChange withUp(String table, String up) {
    return new TableChange(null, table, null, ChangeKind.CHANGE_TYPE,
        List.of(new NewColumn("amount_v2", "bigint", up)),
        List.of(new OldColumn("amount", "amount_v2::integer")));
  }
}
