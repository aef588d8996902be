package dev.underway.activities.sql.schema;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.underway.workflows.schema.contract.BackfillSettings;
import dev.underway.workflows.schema.contract.ChangeKind;
import dev.underway.workflows.schema.contract.ChangeObjects;
import dev.underway.workflows.schema.contract.NewColumn;
import dev.underway.workflows.schema.contract.OldColumn;
import dev.underway.workflows.schema.contract.SchemaChangeActivities;
import dev.underway.workflows.schema.contract.TableChange;
import dev.underway.workflows.schema.contract.TableObservation;
import dev.underway.kernel.ChangeResult.Outcome;
import io.temporal.failure.ActivityFailure;
import io.temporal.failure.ApplicationFailure;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The old column's NOT NULL, DEFAULT and UNIQUE come along to the new column at a real
 * PostgreSQL server (today the contract dropped them with the old column and the new one had
 * none): the plan says what is carried, expand sets the default, after the backfill the NOT NULL
 * check is validated and the unique index built concurrently, and after the contract the new
 * column is NOT NULL with the old index's (or constraint's) name.
 */
class CarryConstraintsOnPostgresTest {

  private static final BackfillSettings SETTINGS = new BackfillSettings(List.of("id"), 100, 500,
      1_500, null, null, 10, 50_000);

  @RegisterExtension static final PostgresDatabase db = new PostgresDatabase("carry");

  private SchemaChangeActivities activities;

  @BeforeEach
  void setUp() {
    activities = db.activities(db.environment());
  }

  /** Expand, backfill, verify's prerequisites, constraints twice, flags to new, contract. */
  private void throughTheContract(TableChange change, String owner) {
    activities.expand(db.target(), change, owner);
    activities.backfill(db.target(), change, SETTINGS);
    assertThat(activities.constraints(db.target(), change, owner).outcome())
        .isEqualTo(Outcome.UPDATED);
    assertThat(activities.constraints(db.target(), change, owner).outcome())
        .as("run twice, it changes nothing").isEqualTo(Outcome.UNCHANGED);
    ChangeObjects names = ChangeObjects.of(change);
    activities.setFlag(db.target(), change, owner, names.readsFlag(), "new");
    activities.setFlag(db.target(), change, owner, names.writesFlag(), "new");
    activities.contract(db.target(), change, owner);
  }

  @Test
  void aTypeChangeCarriesNotNullTheDefaultThroughUpAndTheUniqueConstraint() throws Exception {
    db.sql("CREATE TABLE prices (id bigint PRIMARY KEY, amount integer NOT NULL DEFAULT 9999"
            + " CONSTRAINT prices_amount_key UNIQUE, note text)",
        "INSERT INTO prices SELECT g, g, 'n' FROM generate_series(1, 500) g");
    TableChange cents = new TableChange(null, "prices", null, ChangeKind.CHANGE_TYPE,
        List.of(new NewColumn("amount_cents", "bigint", "amount::bigint * 100")),
        List.of(new OldColumn("amount", "(amount_cents / 100)::integer")));
    TableObservation seen = activities.observe(db.target(), cents, null);
    assertThat(seen.carried()).containsExactly(
        "DEFAULT 9999 carried to amount_cents as '999900'::bigint (while writes are new)",
        "NOT NULL carried to amount_cents: CHECK (amount_cents IS NOT NULL) NOT VALID after the"
            + " backfill, validated without blocking writes, SET NOT NULL at the contract",
        "UNIQUE carried to amount_cents: an index built CONCURRENTLY after the backfill, named"
            + " and made constraint prices_amount_key at the contract");

    throughTheContract(cents, "schema-change/carry/prices");

    assertThat(db.scalar("SELECT attnotnull FROM pg_attribute WHERE attrelid = 'prices'::regclass"
        + " AND attname = 'amount_cents'")).isEqualTo("t");
    assertThat(db.scalar("SELECT pg_get_expr(adbin, adrelid) FROM pg_attrdef WHERE adrelid ="
        + " 'prices'::regclass")).isEqualTo("'999900'::bigint");
    assertThat(db.scalar("SELECT pg_get_constraintdef(oid) FROM pg_constraint WHERE conname ="
        + " 'prices_amount_key'")).isEqualTo("UNIQUE (amount_cents)");
    assertThat(db.count("SELECT count(*) FROM pg_constraint WHERE conrelid = 'prices'::regclass"
        + " AND contype = 'c'")).as("the NOT NULL check is gone once SET NOT NULL holds")
        .isZero();
    db.sql("INSERT INTO prices (id) VALUES (1000)");
    assertThat(db.scalar("SELECT amount_cents FROM prices WHERE id = 1000"))
        .isEqualTo("999900");
    assertThatThrownBy(() -> db.sql("INSERT INTO prices (id, amount_cents) VALUES (1001,"
        + " 999900)"))
        .hasMessageContaining("prices_amount_key");
  }

  @Test
  void aRenameCarriesTheDefaultExpressionAndAUniqueIndexByItsName() throws Exception {
    db.sql("CREATE TABLE users (id bigint PRIMARY KEY, email text NOT NULL DEFAULT"
            + " lower('NOBODY@X'), note text)",
        "CREATE UNIQUE INDEX users_email_idx ON users (email)",
        "INSERT INTO users SELECT g, 'u' || g || '@x', 'n' FROM generate_series(1, 300) g");
    TableChange rename = new TableChange(null, "users", null, ChangeKind.RENAME_COLUMN,
        List.of(new NewColumn("email_address", "text", "email")),
        List.of(new OldColumn("email", "email_address")));

    throughTheContract(rename, "schema-change/carry/users");

    assertThat(db.scalar("SELECT pg_get_indexdef('users_email_idx'::regclass)"))
        .contains("UNIQUE INDEX users_email_idx ON public.users USING btree (email_address)");
    assertThat(db.scalar("SELECT pg_get_expr(adbin, adrelid) FROM pg_attrdef WHERE adrelid ="
        + " 'users'::regclass")).isEqualTo("lower('NOBODY@X'::text)");
    assertThatThrownBy(() -> db.sql("INSERT INTO users (id, email_address) VALUES (1, NULL)"))
        .hasMessageContaining("null value");
  }

  @Test
  void aSplitCarriesNothingAndSaysSo() throws Exception {
    db.customers("people");
    TableObservation seen = activities.observe(db.target(), SchemaFixture.split("people"), null);
    assertThat(seen.carried()).singleElement().asString()
        .startsWith("not carried: name's NOT NULL");
  }

  @Test
  void newValuesThatAreNotUniqueFailTheStepAndLeaveNoInvalidIndex() throws Exception {
    db.sql("CREATE TABLE rates (id bigint PRIMARY KEY, rate numeric NOT NULL UNIQUE)",
        "INSERT INTO rates VALUES (1, 1.2), (2, 1.4)");
    TableChange rounded = new TableChange(null, "rates", null, ChangeKind.CHANGE_TYPE,
        List.of(new NewColumn("rate_int", "integer", "round(rate)::integer")),
        List.of(new OldColumn("rate", "rate_int::numeric")));
    String owner = "schema-change/carry/rates";
    activities.expand(db.target(), rounded, owner);
    activities.backfill(db.target(), rounded, SETTINGS);
    assertThatThrownBy(() -> activities.constraints(db.target(), rounded, owner))
        .isInstanceOf(ActivityFailure.class)
        .cause().isInstanceOf(ApplicationFailure.class)
        .hasMessageContaining("could not be built");
    assertThat(db.count("SELECT count(*) FROM pg_class WHERE relname ="
        + " 'underway_uq_rates_rate_int'")).isZero();
  }
}
