package dev.underway.activities.sql.schema;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.underway.workflows.schema.contract.BackfillResult;
import dev.underway.workflows.schema.contract.BackfillSettings;
import dev.underway.workflows.schema.contract.SchemaChangeActivities;
import dev.underway.workflows.schema.contract.TableChange;
import dev.underway.activities.sql.ConnectionFactory;
import dev.underway.activities.sql.SqlCredentials;
import io.temporal.activity.ActivityOptions;
import io.temporal.common.RetryOptions;
import io.temporal.testing.TestActivityEnvironment;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.util.List;
import java.util.Properties;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * What a schema change does to the application around the rows it touches, at a real PostgreSQL
 * server: the backfill's touch no longer fires the application's own triggers where the SQL user
 * may set {@code session_replication_role} (it bumped {@code updated_at} on every row and wrote
 * an audit row per row), and says so where it may not; and the row type changing under a
 * server-prepared {@code SELECT *} (a documented limit the gate warns about: it fails once in a
 * transaction, and pgjdbc's {@code autosave=conservative} retries it).
 */
class ApplicationSideEffectsOnPostgresTest {

  private static final BackfillSettings SETTINGS = new BackfillSettings(List.of("id"), 100, 500,
      1_500, null, null, 10, 50_000);

  @RegisterExtension static final PostgresDatabase db = new PostgresDatabase("sideeffects");

  /** {@code schema.table} of 300 rows with an updated_at trigger and an audit trigger. */
  private static void audited(String schema, String table, String owner) throws Exception {
    String t = schema + "." + table;
    db.sql("CREATE SCHEMA IF NOT EXISTS " + schema + " AUTHORIZATION " + owner,
        "CREATE TABLE " + t + " (id bigint PRIMARY KEY, amount integer NOT NULL, note text,"
            + " updated_at timestamptz NOT NULL DEFAULT '2020-01-01')",
        "INSERT INTO " + t + " SELECT g, g, 'n' FROM generate_series(1, 300) g",
        "CREATE TABLE IF NOT EXISTS public.audit (tbl text, id bigint)",
        "GRANT ALL ON public.audit TO PUBLIC",
        "CREATE OR REPLACE FUNCTION public.bump() RETURNS trigger LANGUAGE plpgsql AS"
            + " $$ BEGIN NEW.updated_at := now(); RETURN NEW; END $$",
        "CREATE OR REPLACE FUNCTION public.audit_row() RETURNS trigger LANGUAGE plpgsql AS"
            + " $$ BEGIN INSERT INTO public.audit VALUES (TG_TABLE_NAME, NEW.id); RETURN NULL;"
            + " END $$",
        "CREATE TRIGGER bump BEFORE UPDATE ON " + t
            + " FOR EACH ROW EXECUTE FUNCTION public.bump()",
        "CREATE TRIGGER audit AFTER UPDATE ON " + t
            + " FOR EACH ROW EXECUTE FUNCTION public.audit_row()",
        "ALTER TABLE " + t + " OWNER TO " + owner);
  }

  private static TableChange typeChange(String schema, String table) {
    TableChange c = SchemaFixture.typeChange(table);
    return new TableChange(schema, table, null, c.kind(), c.add(), c.replace());
  }

  @Test
  void theBackfillLeavesTheApplicationsTriggersAloneWhereItMaySetReplicationRole()
      throws Exception {
    audited("stamping", "stamped", "postgres");
    TableChange change = typeChange("stamping", "stamped");
    TestActivityEnvironment env = TestActivityEnvironment.newInstance();
    try {
      SchemaChangeActivities a = db.activities(env);
      a.expand(db.target(), change, "schema-change/side/stamped");
      BackfillResult r = a.backfill(db.target(), change, SETTINGS);
      assertThat(r.triggersSkipped()).isTrue();
      assertThat(r.triggersSentence()).contains("did not fire");
    } finally {
      env.close();
    }
    assertThat(db.count("SELECT count(*) FROM stamping.stamped WHERE updated_at >"
        + " '2020-01-01'")).isZero();
    assertThat(db.count("SELECT count(*) FROM audit WHERE tbl = 'stamped'")).isZero();
    assertThat(db.count("SELECT count(*) FROM stamping.stamped WHERE amount_v2 IS DISTINCT FROM"
        + " amount")).isZero();
  }

  @Test
  void whereTheRoleMayNotSetItTheTriggersFireAndTheResultSaysSo() throws Exception {
    db.sql("CREATE ROLE app_owner LOGIN PASSWORD 'app-owner-pw'");
    audited("app", "plain", "app_owner");
    TableChange change = typeChange("app", "plain");
    TestActivityEnvironment env = TestActivityEnvironment.newInstance();
    try {
      SqlCredentials owner = new SqlCredentials("app_owner", "app-owner-pw", null);
      env.registerActivitiesImplementations(new PostgresSchemaChangeActivities(
          ConnectionFactory.jdbc(), target -> owner,
          new LockRetry(Duration.ofMillis(200), 3, Duration.ofMillis(50)),
          new Pacing(Duration.ofMillis(50), Duration.ofMillis(250)), new TableObserver()));
      SchemaChangeActivities a = env.newActivityStub(SchemaChangeActivities.class,
          ActivityOptions.newBuilder().setStartToCloseTimeout(Duration.ofMinutes(2))
              .setRetryOptions(RetryOptions.newBuilder().setMaximumAttempts(1).build()).build());
      a.expand(db.target(), change, "schema-change/side/plain");
      BackfillResult r = a.backfill(db.target(), change, SETTINGS);
      assertThat(r.triggersSkipped()).isFalse();
      assertThat(r.triggersSentence()).contains("fired on every row");
    } finally {
      env.close();
    }
    assertThat(db.count("SELECT count(*) FROM audit WHERE tbl = 'plain'")).isEqualTo(300);
  }

  @Test
  void aServerPreparedSelectStarFailsOnceInATransactionUnlessAutosaveRetriesIt()
      throws Exception {
    db.amounts("starred", 10);
    TableChange change = SchemaFixture.typeChange("starred");
    try (Connection plain = connect(new Properties());
         Connection autosave = connect(props("autosave", "conservative"))) {
      prepareFiveTimes(plain);
      prepareFiveTimes(autosave);
      TestActivityEnvironment env = TestActivityEnvironment.newInstance();
      try {
        db.activities(env).expand(db.target(), change, "schema-change/side/starred");
      } finally {
        env.close();
      }
      plain.setAutoCommit(false);
      assertThatThrownBy(() -> selectStar(plain)).isInstanceOf(SQLException.class)
          .hasMessageContaining("cached plan must not change result type");
      plain.rollback();
      autosave.setAutoCommit(false);
      assertThat(selectStar(autosave)).isEqualTo(10);
      autosave.commit();
    }
  }

  private static Connection connect(Properties extra) throws SQLException {
    Properties p = new Properties();
    p.setProperty("user", db.credentials().user());
    p.setProperty("password", db.credentials().password());
    p.putAll(extra);
    return DriverManager.getConnection(db.pg.jdbcUrl("sideeffects"), p);
  }

  private static Properties props(String key, String value) {
    Properties p = new Properties();
    p.setProperty(key, value);
    return p;
  }

  private static void prepareFiveTimes(Connection c) throws SQLException {
    for (int i = 0; i < 6; i++) {
      selectStar(c);
    }
  }

  private static int selectStar(Connection c) throws SQLException {
    try (PreparedStatement ps = c.prepareStatement("SELECT * FROM starred WHERE id > ?")) {
      ps.setLong(1, 0);
      int n = 0;
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          n++;
        }
      }
      return n;
    }
  }
}
