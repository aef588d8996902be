package dev.underway.activities.sql;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static dev.underway.activities.sql.PostgresSqlSupport.assertSqlState;
import static dev.underway.activities.sql.PostgresSqlSupport.scalar;

import dev.underway.workflows.evolution.contract.DatabaseActivities;
import dev.underway.kernel.Failures;
import dev.underway.local.postgres.LocalPostgres;
import dev.underway.kernel.ChangeResult;
import dev.underway.kernel.ChangeResult.Outcome;
import dev.underway.workflows.evolution.model.ClusterTarget;
import io.temporal.failure.ActivityFailure;
import io.temporal.failure.ApplicationFailure;
import io.temporal.testing.TestActivityEnvironment;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The portable part (roles, grants, read-only default) run for real against a PostgreSQL server
 * started by {@link LocalPostgres}, and the result checked at the database by logging in as the
 * reader.
 */
class SqlReadOnlyUserOnPostgresTest {

  private static final String DB = "appdb";
  /** A quote and a backslash: the literal escaping must get both through. */
  private static final String READER_PASSWORD = "it's a \\ reader secret";

  @TempDir static Path dir;
  private static LocalPostgres pg;

  private TestActivityEnvironment env;
  private DatabaseActivities activities;

  @BeforeAll
  static void startPostgres() throws Exception {
    pg = LocalPostgres.start(LocalPostgres.Options.under(dir));
    try (Connection c = pg.connect("postgres"); Statement s = c.createStatement()) {
      s.execute("CREATE DATABASE " + DB);
    }
    try (Connection c = pg.connect(DB); Statement s = c.createStatement()) {
      s.execute("CREATE TABLE public.items (id int PRIMARY KEY, name text)");
      s.execute("INSERT INTO public.items VALUES (1, 'one')");
    }
  }

  @AfterAll
  static void stopPostgres() {
    if (pg != null) {
      pg.close();
    }
  }

  @BeforeEach
  void setUp() {
    env = TestActivityEnvironment.newInstance();
    activities = stubFor(new SqlCredentials(pg.superuser(), pg.superuserPassword(), READER_PASSWORD));
  }

  @AfterEach
  void tearDown() {
    env.close();
  }

  private DatabaseActivities stubFor(SqlCredentials credentials) {
    return PostgresSqlSupport.activities(env, credentials, ConnectionFactory.jdbc());
  }

  private static ClusterTarget target(String readerUser) {
    return PostgresSqlSupport.target(pg, DB, readerUser);
  }

  @Test
  void createsTheReaderOnceAndTheDatabaseEnforcesReadOnly() throws Exception {
    ClusterTarget target = target(null);
    ChangeResult first = activities.ensureReadOnlyUser(target);
    assertThat(first.outcome()).isEqualTo(Outcome.CREATED);
    assertThat(first.detail()).contains("created user with its password",
        "SELECT on future tables", "default_transaction_read_only");
    assertThat(first.toString()).doesNotContain(READER_PASSWORD);

    ChangeResult second = activities.ensureReadOnlyUser(target);
    assertThat(second.outcome()).isEqualTo(Outcome.UNCHANGED);

    String reader = target.readerUserOrDefault();
    try (Connection r = pg.connect(DB, reader, READER_PASSWORD); Statement s = r.createStatement()) {
      assertThat(scalar(s, "SELECT name FROM public.items WHERE id = 1")).isEqualTo("one");
      assertThat(scalar(s, "SHOW default_transaction_read_only")).isEqualTo("on");
      // the default alone stops a mistaken write early...
      assertThatThrownBy(() -> s.execute("INSERT INTO public.items VALUES (2, 'two')"))
          .isInstanceOf(SQLException.class)
          .extracting(e -> ((SQLException) e).getSQLState()).isEqualTo("25006");
      // ...but the grants are the enforcement: turning the default off changes nothing
      s.execute("SET default_transaction_read_only = off");
      assertSqlState(s, "INSERT INTO public.items VALUES (2, 'two')", "42501");
      assertSqlState(s, "UPDATE public.items SET name = 'x'", "42501");
      assertSqlState(s, "DELETE FROM public.items", "42501");
      assertSqlState(s, "CREATE TABLE public.sneaky (id int)", "42501");
    }

    // a table created afterwards (by the admin) is readable through the default privileges
    try (Connection c = pg.connect(DB); Statement s = c.createStatement()) {
      s.execute("CREATE TABLE public.later (v text)");
      s.execute("INSERT INTO public.later VALUES ('new')");
    }
    try (Connection r = pg.connect(DB, reader, READER_PASSWORD); Statement s = r.createStatement()) {
      assertThat(scalar(s, "SELECT v FROM public.later")).isEqualTo("new");
      s.execute("SET default_transaction_read_only = off");
      assertSqlState(s, "INSERT INTO public.later VALUES ('no')", "42501");
    }
    assertThat(activities.ensureReadOnlyUser(target).outcome()).isEqualTo(Outcome.UNCHANGED);
  }

  @Test
  void completesARoleThatExistsWithoutPrivileges() throws Exception {
    try (Connection c = pg.connect(DB); Statement s = c.createStatement()) {
      s.execute("CREATE ROLE half_done NOLOGIN");
      s.execute("CREATE TABLE public.half (v int)");
      s.execute("REVOKE CONNECT ON DATABASE " + DB + " FROM PUBLIC");
    }
    try {
      ChangeResult result = activities.ensureReadOnlyUser(target("half_done"));
      assertThat(result.outcome()).isEqualTo(Outcome.UPDATED);
      assertThat(result.detail())
          .contains("allowed login", "CONNECT on database " + DB, "SELECT on")
          .doesNotContain("created user");
      assertThat(activities.ensureReadOnlyUser(target("half_done")).outcome())
          .isEqualTo(Outcome.UNCHANGED);
      try (Connection c = pg.connect(DB); Statement s = c.createStatement()) {
        assertThat(scalar(s, "SELECT has_database_privilege('half_done', '" + DB + "', 'CONNECT')"
            + " AND has_table_privilege('half_done', 'public.half', 'SELECT')"
            + " AND NOT has_table_privilege('half_done', 'public.half', 'INSERT')"))
            .isEqualTo("t");
      }
    } finally {
      try (Connection c = pg.connect(DB); Statement s = c.createStatement()) {
        s.execute("GRANT CONNECT ON DATABASE " + DB + " TO PUBLIC");
      }
    }
  }

  /**
   * The application creates its tables with its own role, not with the admin Underway connects
   * as: default privileges set by the admin do not cover them, {@code tableOwners} does.
   */
  @Test
  void futureTablesOfTheNamedTableOwnersAreReadableToo() throws Exception {
    try (Connection c = pg.connect(DB); Statement s = c.createStatement()) {
      s.execute("CREATE ROLE app_owner NOLOGIN");
      s.execute("GRANT CREATE ON SCHEMA public TO app_owner");
    }
    ClusterTarget covered = target("reader_owned").withTableOwners(List.of("app_owner"));
    ChangeResult first = activities.ensureReadOnlyUser(covered);
    assertThat(first.detail()).contains("SELECT on future tables of app_owner");
    assertThat(activities.ensureReadOnlyUser(covered).outcome()).isEqualTo(Outcome.UNCHANGED);
    // the same without tableOwners: only the admin's future tables
    activities.ensureReadOnlyUser(target("reader_plain"));

    try (Connection c = pg.connect(DB); Statement s = c.createStatement()) {
      s.execute("SET ROLE app_owner");
      s.execute("CREATE TABLE public.app_later (v text)");
      s.execute("INSERT INTO public.app_later VALUES ('from the app')");
      s.execute("RESET ROLE");
    }
    try (Connection r = pg.connect(DB, "reader_owned", READER_PASSWORD);
         Statement s = r.createStatement()) {
      assertThat(scalar(s, "SELECT v FROM public.app_later")).isEqualTo("from the app");
      s.execute("SET default_transaction_read_only = off");
      assertSqlState(s, "INSERT INTO public.app_later VALUES ('no')", "42501");
    }
    try (Connection r = pg.connect(DB, "reader_plain", READER_PASSWORD);
         Statement s = r.createStatement()) {
      assertSqlState(s, "SELECT v FROM public.app_later", "42501");
    }
  }

  @Test
  void anUnknownTableOwnerIsRefusedBeforeAnyChange() throws Exception {
    ClusterTarget typo = target("reader_typo").withTableOwners(List.of("app_ownr"));
    assertThatThrownBy(() -> activities.ensureReadOnlyUser(typo))
        .isInstanceOf(ActivityFailure.class)
        .satisfies(e -> {
          ApplicationFailure cause = (ApplicationFailure) e.getCause();
          assertThat(cause.getType()).isEqualTo(Failures.INVALID_REQUEST);
          assertThat(cause.isNonRetryable()).isTrue();
          assertThat(cause.getOriginalMessage()).contains("app_ownr", "no such SQL role",
              "nothing was changed");
        });
    try (Connection c = pg.connect(DB)) {
      assertThat(new PortableRoleSql().roleExists(c, "reader_typo")).isFalse();
    }
  }

  @Test
  void anOwnerTheAdminMayNotActForIsRefusedBeforeAnyChange() throws Exception {
    try (Connection c = pg.connect(DB); Statement s = c.createStatement()) {
      s.execute("CREATE ROLE other_owner NOLOGIN");
      s.execute("CREATE ROLE limited_admin LOGIN CREATEROLE PASSWORD 'limited-Pa55'");
    }
    env.close();
    env = TestActivityEnvironment.newInstance();
    DatabaseActivities limited =
        stubFor(new SqlCredentials("limited_admin", "limited-Pa55", READER_PASSWORD));
    ClusterTarget target = target("reader_limited").withTableOwners(List.of("other_owner"));
    assertThatThrownBy(() -> limited.ensureReadOnlyUser(target))
        .isInstanceOf(ActivityFailure.class)
        .satisfies(e -> {
          ApplicationFailure cause = (ApplicationFailure) e.getCause();
          assertThat(cause.getType()).isEqualTo(Failures.INSUFFICIENT_PRIVILEGE);
          assertThat(cause.isNonRetryable()).isTrue();
          assertThat(cause.getOriginalMessage())
              .contains("GRANT other_owner TO limited_admin", "nothing was changed")
              .doesNotContain("limited-Pa55");
        });
    try (Connection c = pg.connect(DB)) {
      assertThat(new PortableRoleSql().roleExists(c, "reader_limited")).isFalse();
    }
  }

  @Test
  void aConcurrentCreationCountsAsExisting() throws Exception {
    PortableRoleSql roles = new PortableRoleSql();
    try (Connection c = pg.connect(DB)) {
      assertThat(roles.createLoginRole(c, "racer")).isTrue();
      // the other worker won: duplicate_object (42710) means "exists", not an error
      assertThat(roles.createLoginRole(c, "racer")).isFalse();
      assertThat(roles.roleExists(c, "racer")).isTrue();
      assertThat(roles.roleExists(c, "nobody_here")).isFalse();
    }
  }

  @Test
  void quotesOddRoleNames() throws Exception {
    String odd = "Odd \"reader\"; DROP ROLE postgres; --";
    ChangeResult result = activities.ensureReadOnlyUser(target(odd));
    assertThat(result.outcome()).isEqualTo(Outcome.CREATED);
    try (Connection r = pg.connect(DB, odd, READER_PASSWORD); Statement s = r.createStatement()) {
      assertThat(scalar(s, "SELECT current_user")).isEqualTo(odd);
      assertThat(scalar(s, "SELECT count(*) FROM public.items")).isEqualTo("1");
    }
  }

  @Test
  void aWrongPasswordIsANonRetryableCredentialsProblemThatDoesNotShowThePassword() {
    String wrong = "definitely-wrong-Pa55";
    env.close();
    env = TestActivityEnvironment.newInstance();
    DatabaseActivities bad = stubFor(new SqlCredentials(pg.superuser(), wrong, null));
    assertThatThrownBy(() -> bad.ensureReadOnlyUser(target(null)))
        .isInstanceOf(ActivityFailure.class)
        .satisfies(e -> {
          ApplicationFailure cause = (ApplicationFailure) e.getCause();
          assertThat(cause.getType()).isEqualTo(Failures.CREDENTIALS);
          assertThat(cause.isNonRetryable()).isTrue();
          assertThat(cause.getOriginalMessage()).contains("postgres@").contains("28P01")
              .doesNotContain(wrong);
        });
  }

  @Test
  void anUnreachableServerIsRetryable() {
    ClusterTarget nowhere = new ClusterTarget("db", "cockroachdb", "svc", null, null, DB, null,
        "127.0.0.1", 1, "disable", null, null);
    assertThatThrownBy(() -> activities.ensureReadOnlyUser(nowhere))
        .isInstanceOf(ActivityFailure.class)
        .satisfies(e -> {
          ApplicationFailure cause = (ApplicationFailure) e.getCause();
          assertThat(cause.isNonRetryable()).isFalse();
          assertThat(cause.getOriginalMessage()).doesNotContain(pg.superuserPassword());
        });
  }

}
