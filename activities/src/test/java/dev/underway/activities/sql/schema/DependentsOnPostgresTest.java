package dev.underway.activities.sql.schema;

import static dev.underway.activities.sql.schema.SchemaChangeLifecycleOnPostgresTest.assertFailure;
import static org.assertj.core.api.Assertions.assertThat;

import dev.underway.workflows.schema.contract.ChangeKind;
import dev.underway.workflows.schema.contract.NewColumn;
import dev.underway.workflows.schema.contract.OldColumn;
import dev.underway.workflows.schema.contract.SchemaChangeActivities;
import dev.underway.workflows.schema.contract.SchemaFailures;
import dev.underway.workflows.schema.contract.TableChange;
import dev.underway.workflows.schema.contract.TableObservation;
import dev.underway.kernel.ChangeResult.Outcome;
import io.temporal.failure.ApplicationFailure;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * What must change before the contract is found at the observation, before the first gate, and
 * the contract refuses on the same findings: views, rules, constraints (checks, foreign keys of
 * other tables), indexes over other columns too, and the functions of the table's triggers whose
 * source names a dropped column (after the drop each of their writes would fail). A BEFORE ROW
 * trigger that fires after the sync trigger and names a changed column is named too.
 */
class DependentsOnPostgresTest {

  private static final String OWNER = "schema-change/dependents";

  @RegisterExtension static final PostgresDatabase db = new PostgresDatabase("dependents");

  private SchemaChangeActivities activities;

  @BeforeAll
  static void start() throws Exception {
    db.sql("CREATE TABLE users (id int PRIMARY KEY, email text NOT NULL, name text, org int)",
        "CREATE UNIQUE INDEX users_email ON users (email)",
        "CREATE INDEX users_org_email ON users (org, email)",
        "ALTER TABLE users ADD CONSTRAINT users_email_shape CHECK (email LIKE '%@%')",
        "CREATE VIEW user_emails AS SELECT id, email FROM users",
        "CREATE TABLE invites (id int PRIMARY KEY, email text REFERENCES users (email))",
        "CREATE TABLE email_log (email text)",
        "CREATE RULE log_email AS ON UPDATE TO users DO ALSO"
            + " INSERT INTO email_log VALUES (NEW.email)",
        lowering("lower_email", "email"),
        "CREATE TRIGGER zz_lower_email BEFORE INSERT OR UPDATE ON users FOR EACH ROW"
            + " EXECUTE FUNCTION lower_email()",
        lowering("trim_name", "name"),
        "CREATE TRIGGER aa_trim_name BEFORE INSERT OR UPDATE ON users FOR EACH ROW"
            + " EXECUTE FUNCTION trim_name()",
        "INSERT INTO users VALUES (1, 'A@example.org', ' a ', 7)",
        "CREATE TABLE members (id int PRIMARY KEY, email text)",
        lowering("lower_member_email", "email"),
        "CREATE TRIGGER zz_lower BEFORE INSERT OR UPDATE ON members FOR EACH ROW"
            + " EXECUTE FUNCTION lower_member_email()",
        "INSERT INTO members VALUES (1, 'B@example.org')");
  }

  /** A trigger function that lower-cases {@code column} of the row written. */
  private static String lowering(String function, String column) {
    return "CREATE FUNCTION " + function + "() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN"
        + " NEW." + column + " := lower(NEW." + column + "); RETURN NEW; END $$";
  }

  @BeforeEach
  void setUp() {
    activities = db.activities(db.environment());
  }

  private static TableChange renameEmail(String table) {
    return new TableChange(null, table, null, ChangeKind.RENAME_COLUMN,
        List.of(new NewColumn("email_address", "text", "email")),
        List.of(new OldColumn("email", "email_address")));
  }

  @Test
  void everyDependentOfADroppedColumnIsFoundBeforeTheFirstGate() {
    TableObservation seen = activities.observe(db.target(), renameEmail("users"), null);

    assertThat(seen.dependents()).containsExactlyInAnyOrder(
        "constraint invites_email_fkey on invites (FOREIGN KEY (email) REFERENCES"
            + " users(email)) uses email",
        "constraint users_email_shape on users (CHECK ((email ~~ '%@%'::text))) uses email",
        "index CREATE INDEX users_org_email ON public.users USING btree (org, email) uses email",
        "rule log_email on users uses email",
        "view user_emails uses email",
        "function lower_email() of trigger zz_lower_email names email in its source: once the"
            + " contract drops it, every write it fires on fails (record \"new\" has no field"
            + " \"email\")");
    assertThat(seen.triggersAfterSync()).singleElement().asString()
        .startsWith("trigger zz_lower_email (function lower_email()) fires after the sync"
            + " trigger underway_sync_users (row triggers fire in name order) and names email");
  }

  @Test
  void theContractIsRefusedWhileATriggerFunctionNamesTheDroppedColumn() throws Exception {
    TableChange change = renameEmail("members");
    TableObservation seen = activities.observe(db.target(), change, null);
    assertThat(seen.dependents()).singleElement().asString()
        .startsWith("function lower_member_email() of trigger zz_lower names email");
    assertThat(seen.triggersAfterSync()).singleElement().asString()
        .startsWith("trigger zz_lower (function lower_member_email()) fires after the sync");
    activities.expand(db.target(), change, OWNER);

    ApplicationFailure refused = assertFailure(
        () -> activities.contract(db.target(), change, OWNER), SchemaFailures.UNSAFE_CHANGE.type());

    assertThat(refused.getOriginalMessage())
        .contains("function lower_member_email() of trigger zz_lower names email");
    db.sql("INSERT INTO members (id, email) VALUES (2, 'C@example.org')");
    assertThat(db.scalar("SELECT email FROM members WHERE id = 2"))
        .as("the old column and the trigger are still there").isEqualTo("c@example.org");
    assertThat(db.scalar("SELECT email_address FROM members WHERE id = 2"))
        .as("zz_lower fires after the sync trigger: the shapes diverge, as the plan warns")
        .isEqualTo("C@example.org");

    db.sql("DROP TRIGGER zz_lower ON members");
    assertThat(activities.contract(db.target(), change, OWNER).outcome())
        .isEqualTo(Outcome.UPDATED);
    db.sql("INSERT INTO members (id, email_address) VALUES (3, 'd@example.org')");
  }
}
