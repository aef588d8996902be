package dev.underway.activities.sql.schema;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.underway.kernel.Failures;
import dev.underway.workflows.schema.contract.BackfillControl;
import dev.underway.workflows.schema.contract.BackfillProgress;
import dev.underway.workflows.schema.contract.BackfillResult;
import dev.underway.workflows.schema.contract.BackfillSettings;
import dev.underway.workflows.schema.contract.ChangeObjects;
import dev.underway.workflows.schema.contract.SchemaChangeActivities;
import dev.underway.workflows.schema.contract.SchemaFailures;
import dev.underway.workflows.schema.contract.TableChange;
import dev.underway.workflows.schema.contract.TableObservation;
import dev.underway.workflows.schema.contract.VerifyResult;
import dev.underway.workflows.schema.contract.VerifySettings;
import dev.underway.kernel.ChangeResult.Outcome;
import io.temporal.failure.ActivityFailure;
import io.temporal.failure.ApplicationFailure;
import io.temporal.testing.TestActivityEnvironment;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Every operation of a schema change against a real PostgreSQL server, each run twice (the second
 * run changes nothing), checked at the database: expand, backfill, verify, the flags, the
 * control row, contract, and the rollback that leaves the catalogue as it was.
 */
class SchemaChangeLifecycleOnPostgresTest {

  private static final String OWNER = "schema-change/app/orders";
  private static final BackfillSettings SETTINGS = new BackfillSettings(List.of("id"), 100, 500,
      1_500, null, null, 10, 50_000);

  @RegisterExtension static final PostgresDatabase db = new PostgresDatabase("lifecycle");

  private SchemaChangeActivities activities;

  @BeforeEach
  void setUp() {
    activities = db.activities(db.environment());
  }

  @Test
  void theWholeChangeEachStepTwice() throws Exception {
    db.amounts("orders", 2_000);
    TableChange change = SchemaFixture.typeChange("orders");
    ChangeObjects names = ChangeObjects.of(change);

    TableObservation before = activities.observe(db.target(), change, null);
    assertThat(before.tableExists()).isTrue();
    assertThat(before.rowsExact()).isEqualTo(2_000);
    assertThat(before.key().name()).isEqualTo("orders_pkey");
    assertThat(before.expressionProblems()).isEmpty();
    assertThat(before.unsafe()).isEmpty();
    assertThat(before.heldBy()).isNull();

    assertThat(activities.expand(db.target(), change, OWNER).outcome())
        .isEqualTo(Outcome.UPDATED);
    assertThat(activities.expand(db.target(), change, OWNER).outcome())
        .isEqualTo(Outcome.UNCHANGED);
    TableObservation expanded = activities.observe(db.target(), change, null);
    assertThat(expanded.heldBy()).isEqualTo(OWNER);
    assertThat(expanded.addedByHolder()).containsExactly("amount_v2");
    assertThat(expanded.triggers()).containsExactlyInAnyOrder(names.trigger(),
        names.helpers().namedNewTriggers().get(0), names.helpers().namedOldTrigger());
    assertThat(expanded.flags()).containsEntry(names.readsFlag(), "old")
        .containsEntry(names.writesFlag(), "both");

    // before the backfill the old rows have no new value: verify sees every one
    VerifyResult unfilled = activities.verify(db.target(), change,
        new VerifySettings(List.of("id"), 300, 3));
    assertThat(unfilled.rowsChecked()).isEqualTo(2_000);
    assertThat(unfilled.mismatches()).isEqualTo(2_000);
    assertThat(unfilled.sampleKeys()).containsExactly("(1)", "(2)", "(3)");

    BackfillResult filled = activities.backfill(db.target(), change, SETTINGS);
    assertThat(filled.rowsUpdated()).isEqualTo(2_000);
    assertThat(db.count("SELECT count(*) FROM orders WHERE amount_v2 IS DISTINCT FROM amount"))
        .isZero();
    BackfillProgress written = activities.progress(db.target(), change);
    assertThat(written.rowsDone()).isEqualTo(2_000);
    assertThat(written.cursor()).containsExactly("2000");
    // a second backfill walks again and touches no row: every one is synced
    assertThat(activities.backfill(db.target(), change, SETTINGS).rowsUpdated()).isZero();

    for (int i = 0; i < 2; i++) {
      VerifyResult clean = activities.verify(db.target(), change,
          new VerifySettings(List.of("id"), 300, 10));
      assertThat(clean.rowsChecked()).isEqualTo(2_000);
      assertThat(clean.mismatches()).isZero();
    }

    // a row the triggers did not keep right (written with them off) is found
    db.sql("ALTER TABLE orders DISABLE TRIGGER " + names.trigger(),
        "UPDATE orders SET amount_v2 = 99999 WHERE id = 1234",
        "ALTER TABLE orders ENABLE TRIGGER " + names.trigger());
    VerifyResult broken = activities.verify(db.target(), change,
        new VerifySettings(List.of("id"), 300, 10));
    assertThat(broken.mismatches()).isEqualTo(1);
    assertThat(broken.sampleKeys()).containsExactly("(1234)");
    db.sql("UPDATE orders SET amount = amount WHERE id = 1234");

    assertThat(activities.setFlag(db.target(), change, OWNER, names.readsFlag(), "new")
        .outcome()).isEqualTo(Outcome.UPDATED);
    assertThat(activities.setFlag(db.target(), change, OWNER, names.readsFlag(), "new")
        .outcome()).isEqualTo(Outcome.UNCHANGED);
    assertThat(db.scalar("SELECT value FROM underway_flags WHERE key = '" + names.readsFlag()
        + "'")).isEqualTo("new");
    assertFailure(() -> activities.setFlag(db.target(), change, OWNER, names.readsFlag(), "maybe"),
        Failures.INVALID_REQUEST);
    assertFailure(() -> activities.setFlag(db.target(), change, "someone-else",
        names.writesFlag(), "new"), SchemaFailures.CHANGE_IN_PROGRESS.type());

    BackfillControl pause = new BackfillControl(true, "alice: deploy", 250);
    assertThat(activities.control(db.target(), change, OWNER, pause).outcome())
        .isEqualTo(Outcome.UPDATED);
    assertThat(activities.control(db.target(), change, OWNER, pause).outcome())
        .isEqualTo(Outcome.UNCHANGED);
    assertThat(db.scalar("SELECT throttled || ' ' || throttle_reason || ' ' || batch_size"
        + " FROM underway_schema_changes WHERE table_name = 'public.orders'"))
        .isEqualTo("true alice: deploy 250");
    assertFailure(() -> activities.control(db.target(), change, "someone-else", pause),
        SchemaFailures.CHANGE_IN_PROGRESS.type());

    assertThat(activities.contract(db.target(), change, OWNER).outcome())
        .isEqualTo(Outcome.UPDATED);
    assertThat(activities.contract(db.target(), change, OWNER).outcome())
        .isEqualTo(Outcome.UNCHANGED);
    TableObservation contracted = activities.observe(db.target(), change, null);
    assertThat(contracted.columns()).extracting(TableObservation.Column::name)
        .containsExactly("id", "note", "amount_v2");
    assertThat(contracted.triggers()).isEmpty();
    assertThat(contracted.heldBy()).isNull();
    assertThat(contracted.flags()).containsEntry(names.readsFlag(), "new")
        .containsEntry(names.writesFlag(), "new");
    assertThat(db.count("SELECT count(*) FROM pg_proc WHERE proname = '" + names.function()
        + "'")).isZero();
  }

  @Test
  void theRollbackLeavesTheCatalogueAsItWasTwice() throws Exception {
    db.amounts("rolled", 300);
    db.sql("CREATE INDEX rolled_note ON rolled (note)",
        "CREATE TABLE other_flags_user (k int)");
    TableChange change = SchemaFixture.typeChange("rolled");
    ChangeObjects names = ChangeObjects.of(change);
    String before = activities.observe(db.target(), change, null).catalogue();

    activities.expand(db.target(), change, OWNER);
    activities.backfill(db.target(), change, SETTINGS);
    activities.setFlag(db.target(), change, OWNER, names.readsFlag(), "new");
    assertThat(activities.observe(db.target(), change, null).catalogue()).isNotEqualTo(before);

    assertThat(activities.undoExpand(db.target(), change, OWNER).outcome())
        .isEqualTo(Outcome.UPDATED);
    assertThat(activities.undoExpand(db.target(), change, OWNER).outcome())
        .isEqualTo(Outcome.UNCHANGED);
    TableObservation after = activities.observe(db.target(), change, null);
    assertThat(after.catalogue()).isEqualTo(before);
    assertThat(after.heldBy()).isNull();
    assertThat(after.flags()).isEmpty();
    assertThat(db.count("SELECT count(*) FROM pg_proc WHERE proname = '" + names.function()
        + "'")).isZero();
  }

  @Test
  void theUndoOfAnotherRunsChangeIsRefusedAndTouchesNothing() throws Exception {
    db.amounts("held", 10);
    TableChange change = SchemaFixture.typeChange("held");
    activities.expand(db.target(), change, OWNER);
    String expanded = activities.observe(db.target(), change, null).catalogue();

    assertFailure(() -> activities.undoExpand(db.target(), change, "intruder"),
        SchemaFailures.CHANGE_IN_PROGRESS.type());
    assertFailure(() -> activities.contract(db.target(), change, "intruder"),
        SchemaFailures.CHANGE_IN_PROGRESS.type());
    assertThat(activities.observe(db.target(), change, null).catalogue()).isEqualTo(expanded);
  }

  @Test
  void theContractIsRefusedWhileAViewReadsTheDroppedColumn() throws Exception {
    db.amounts("viewed", 10);
    db.sql("CREATE VIEW viewed_amounts AS SELECT id, amount FROM viewed");
    TableChange change = SchemaFixture.typeChange("viewed");
    assertThat(activities.observe(db.target(), change, null).dependents())
        .as("found before the first gate").containsExactly("view viewed_amounts uses amount");
    activities.expand(db.target(), change, OWNER);
    String expanded = activities.observe(db.target(), change, null).catalogue();

    ApplicationFailure refused = assertFailure(
        () -> activities.contract(db.target(), change, OWNER), SchemaFailures.UNSAFE_CHANGE.type());
    assertThat(refused.getOriginalMessage()).contains("view viewed_amounts uses amount");
    assertThat(activities.observe(db.target(), change, null).catalogue()).isEqualTo(expanded);
  }

  @Test
  void theVersionTagIsSetByTheBackfillAndCountedPerVersion() throws Exception {
    db.sql("CREATE TABLE people (id int PRIMARY KEY, first_name text, last_name text)",
        "INSERT INTO people SELECT g, 'f' || g, 'l' || g FROM generate_series(1, 500) g");
    TableChange base = SchemaFixture.computed("people");
    TableChange change = new TableChange(null, "people", null, base.kind(), base.add(),
        base.replace(), "schema_version", 2, null);
    activities.expand(db.target(), change, OWNER);
    assertThat(activities.observe(db.target(), change, null).versions()).containsEntry(-1, 500L);
    db.sql("UPDATE people SET schema_version = 2 WHERE id <= 100");

    BackfillResult result = activities.backfill(db.target(), change, SETTINGS);

    assertThat(result.rowsUpdated()).isEqualTo(400);
    assertThat(activities.observe(db.target(), change, null).versions()).containsExactly(
        java.util.Map.entry(2, 500L));
    assertThat(db.count("SELECT count(*) FROM people WHERE full_name IS DISTINCT FROM"
        + " first_name || ' ' || last_name AND id > 100")).isZero();
    assertThat(activities.undoExpand(db.target(), change, OWNER).outcome())
        .isEqualTo(Outcome.UPDATED);
    assertThat(activities.observe(db.target(), change, null).column("schema_version")).isNull();
  }

  @Test
  void aBackfillStopsWithoutRetryingOnARowItsUpDoesNotWorkOn() throws Exception {
    db.amounts("divided", 1_500);
    // amount is 0 on row 1000 only: the rows tried before the expand are fine
    TableChange change = new TableChange(null, "divided", null,
        dev.underway.workflows.schema.contract.ChangeKind.ADD_COLUMN,
        List.of(new dev.underway.workflows.schema.contract.NewColumn("inverse", "bigint",
            "(1000000 / amount)::bigint")), List.of());
    activities.expand(db.target(), change, OWNER);

    ApplicationFailure failure = assertFailure(
        () -> activities.backfill(db.target(), change, SETTINGS),
            SchemaFailures.EXPRESSION_FAILED.type());

    assertThat(failure.isNonRetryable()).isTrue();
    assertThat(failure.getOriginalMessage()).contains("division by zero");
    assertThat(db.count("SELECT count(*) FROM divided WHERE inverse IS NOT NULL"))
        .as("the batches before the bad row are kept").isPositive().isLessThan(1_000L);
  }

  @Test
  void aVerifyResumesAfterItsLastHeartbeat() throws Exception {
    db.amounts("checked", 1_000);
    TableChange change = SchemaFixture.typeChange("checked");
    activities.expand(db.target(), change, OWNER);
    TestActivityEnvironment retried = TestActivityEnvironment.newInstance();
    try {
      SchemaChangeActivities again = db.activities(retried);
      // an earlier attempt checked keys up to 600 and found one mismatch
      retried.setHeartbeatDetails(new Verify.Progress(List.of("600"), 600, 1, List.of("(7)")));

      VerifyResult result = again.verify(db.target(), change,
          new VerifySettings(List.of("id"), 150, 10));

      assertThat(result.rowsChecked()).isEqualTo(1_000);
      assertThat(result.mismatches()).isEqualTo(1 + 400);
      assertThat(result.sampleKeys()).startsWith("(7)", "(601)", "(602)");
    } finally {
      retried.close();
    }
  }

  static ApplicationFailure assertFailure(Runnable call, String type) {
    Throwable thrown = org.assertj.core.api.Assertions.catchThrowable(call::run);
    assertThat(thrown).isInstanceOf(ActivityFailure.class);
    assertThat(thrown.getCause()).isInstanceOf(ApplicationFailure.class);
    ApplicationFailure failure = (ApplicationFailure) thrown.getCause();
    assertThat(failure.getType()).as(failure.getOriginalMessage()).isEqualTo(type);
    return failure;
  }
}
