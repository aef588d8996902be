package dev.underway.activities.sql.schema;

import static org.assertj.core.api.Assertions.assertThat;

import dev.underway.guard.GuardSettings;
import dev.underway.guard.GuardState;
import dev.underway.workflows.schema.contract.BackfillControl;
import dev.underway.workflows.schema.contract.BackfillProgress;
import dev.underway.workflows.schema.contract.BackfillResult;
import dev.underway.workflows.schema.contract.BackfillSettings;
import dev.underway.workflows.schema.contract.SchemaChangeActivities;
import dev.underway.workflows.schema.contract.TableChange;
import dev.underway.workflows.schema.contract.VerifyResult;
import dev.underway.workflows.schema.contract.VerifySettings;
import io.temporal.testing.TestActivityEnvironment;
import java.sql.Connection;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The backfill and the verify on the latency guard, against a real PostgreSQL server: a
 * foreground of multi-row write transactions whose p99 the backfill's batches push past the
 * ratio (the default probe, a lock of a random row rolled back, waits on the batch's row locks as
 * the writers do) makes the guard slow the backfill, which still finishes with every row right;
 * an attempt resumed from a progress that carries the guard's state keeps its baseline and its
 * cursor; the operator's ratio from the control row is applied; a backfill run twice leaves the
 * same table; the verify rests between chunks as the guard says and keeps its baseline too.
 */
class BackfillGuardOnPostgresTest {

  private static final String OWNER = "schema-change/guard";
  /** Heartbeats reach the test at most every 0.8 of this. */
  private static final Duration BEAT = Duration.ofMillis(250);
  /** A short baseline and a fast sampler: the test's window is 2 s of readings. */
  private static final GuardSettings GUARD = new GuardSettings(1.25, null, null, null, null,
      2_000L, 20L);

  @RegisterExtension static final PostgresDatabase db = new PostgresDatabase("guarded");

  private static BackfillSettings guarded(GuardSettings guard, int min) {
    return new BackfillSettings(List.of("id"), 1_000, 500, 1_500, null, null, min, 5_000, guard);
  }

  private static boolean slowed(GuardState s) {
    return s != null && (GuardState.SLOWED.equals(s.mode()) || GuardState.FLOOR.equals(s.mode()));
  }

  @Test
  void aForegroundWhoseP99TheBackfillPushesPastTheRatioMakesTheGuardSlowIt() throws Exception {
    int rows = 10_000;
    db.amounts("loaded", rows);
    TableChange change = SchemaFixture.typeChange("loaded");
    // every batch holds its row locks for at least 300 ms (the backfill's session alone, which
    // runs as replica), and a batch is a tenth of the table or more: the probe and the writers
    // wait on those locks for certain, however fast the machine (100,000 unslowed rows once
    // finished in 3.4 s, before the guard's first judgement)
    db.sql("CREATE FUNCTION slow_batch() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN"
            + " IF current_setting('session_replication_role') = 'replica' THEN"
            + " PERFORM pg_sleep(0.3); END IF; RETURN NULL; END $$",
        "CREATE TRIGGER slow_batch AFTER UPDATE ON loaded FOR EACH STATEMENT"
            + " EXECUTE FUNCTION slow_batch()",
        "ALTER TABLE loaded ENABLE ALWAYS TRIGGER slow_batch");
    List<BackfillProgress> beats = new CopyOnWriteArrayList<>();
    TestActivityEnvironment env = db.environment();
    env.setActivityHeartbeatListener(BackfillProgress.class, beats::add);
    SchemaChangeActivities activities = db.activities(env, BEAT);
    activities.expand(db.target(), change, OWNER);

    BackfillResult result;
    ForegroundWriters writers = new ForegroundWriters(db, "loaded", rows, 2, 5);
    try (writers) {
      result = activities.backfill(db.target(), change, guarded(GUARD, 500));
    }

    BackfillProgress last = activities.progress(db.target(), change);
    System.out.println("guarded backfill under a writing foreground: " + last.summary() + "; "
        + last.guard().summary() + "; changes " + last.guardChanges().stream()
            .map(GuardState::mode).toList() + "; foreground " + writers.committed.get()
        + " transactions; " + result.millis() + " ms, throttled " + result.throttledMillis()
        + " ms");
    // rows the foreground wrote meanwhile were filled by the sync trigger, not the backfill
    assertThat(result.rowsUpdated()).as("it still finishes").isPositive().isLessThanOrEqualTo(rows);
    assertThat(last.rowsDone()).isEqualTo(result.rowsUpdated());
    assertThat(db.count("SELECT count(*) FROM loaded WHERE amount_v2 IS DISTINCT FROM amount"))
        .as("every row right, the foreground's writes included").isZero();
    assertThat(writers.committed.get()).as("the foreground ran").isPositive();
    assertThat(writers.failed.get()).as("no foreground transaction failed: "
        + writers.lastFailure.get()).isZero();
    assertThat(beats).as("the baseline was sampled before the first batch")
        .anySatisfy(b -> {
          assertThat(b.guard().mode()).isEqualTo(GuardState.BASELINE);
          assertThat(b.rowsDone()).isZero();
        });
    BackfillProgress slowedBeat = beats.stream().filter(b -> slowed(b.guard())).findFirst()
        .orElseThrow(() -> new AssertionError("never slowed: " + beats.get(beats.size() - 1)));
    assertThat(slowedBeat.guard().duty()).isLessThan(1.0);
    assertThat(slowedBeat.guard().baselineP99Ms()).isPositive();
    assertThat(slowedBeat.guard().p99Ms()).isGreaterThan(slowedBeat.guard().budgetMs());
    assertThat(slowedBeat.throttle()).startsWith("latency: ");
    assertThat(beats).as("it rested after a batch")
        .anySatisfy(b -> assertThat(b.guard().restMillis()).isPositive());
    assertThat(beats).as("a slowed batch is not larger than the one before it")
        .allSatisfy(b -> assertThat(b.batchSize()).isBetween(500, 5_000));
    assertThat(last.guardChanges()).extracting(GuardState::mode)
        .startsWith(GuardState.BASELINE, GuardState.FREE)
        .containsAnyOf(GuardState.SLOWED, GuardState.FLOOR);
    assertThat(last.guardChanges()).hasSizeLessThanOrEqualTo(BackfillProgress.GUARD_CHANGES_KEPT);
    assertThat(result.throttledMillis()).as("the rests count as throttled time").isPositive();
  }

  @Test
  void anAttemptResumedWithTheGuardsStateKeepsItsBaselineAndItsCursor() throws Exception {
    int rows = 3_000;
    db.amounts("resumed", rows);
    TableChange change = SchemaFixture.typeChange("resumed");
    List<BackfillProgress> beats = new CopyOnWriteArrayList<>();
    TestActivityEnvironment env = db.environment();
    SchemaChangeActivities activities = db.activities(env, BEAT);
    activities.expand(db.target(), change, OWNER);
    // the attempt before filled the rows up to its cursor
    db.sql("UPDATE resumed SET amount = amount WHERE id <= 1000");
    BackfillOnPostgresTest.countTouches(db, "resumed");
    GuardState before = new GuardState(GuardState.FREE, 0.8, 0.9, 2.0, 1.25, 1.0, 0L,
        Instant.now().minusSeconds(60).toString(), "p99 0.9 ms = 1.13x baseline 0.8 ms");
    List<GuardState> changes = List.of(
        new GuardState(GuardState.BASELINE, null, null, null, 1.25, 1.0, 0L, null, null), before);
    env.setHeartbeatDetails(new BackfillProgress(List.of("1000"), 1_000, rows, 2, 500, 0, null,
        null, 1, 0, null, 10_000L, 2_000L, before, changes));
    env.setActivityHeartbeatListener(BackfillProgress.class, beats::add);
    // were the baseline sampled again it would take this long, and the beats would say so
    GuardSettings longBaseline = new GuardSettings(1.25, null, null, null, null, 20_000L, 20L);

    BackfillResult result = activities.backfill(db.target(), change, guarded(longBaseline, 10));

    assertThat(result.attempts()).isEqualTo(2);
    assertThat(result.rowsUpdated()).isEqualTo(rows);
    assertThat(db.count("SELECT sum(n) FROM touched")).as("from its cursor").isEqualTo(2_000);
    assertThat(beats).isNotEmpty().allSatisfy(b -> {
      assertThat(b.guard().mode()).isNotEqualTo(GuardState.BASELINE);
      assertThat(b.guard().baselineP99Ms()).isEqualTo(0.8);
      assertThat(b.guardChanges().get(0).mode()).isEqualTo(GuardState.BASELINE);
    });
    assertThat(db.count("SELECT count(*) FROM resumed WHERE amount_v2 IS DISTINCT FROM amount"))
        .isZero();
  }

  @Test
  void theOperatorsRatioFromTheControlRowIsApplied() throws Exception {
    db.amounts("steered", 2_000);
    TableChange change = SchemaFixture.typeChange("steered");
    List<BackfillProgress> beats = new CopyOnWriteArrayList<>();
    TestActivityEnvironment env = db.environment();
    SchemaChangeActivities activities = db.activities(env, BEAT);
    activities.expand(db.target(), change, OWNER);
    // a control table made before the guard has no ratio column: setting one adds it
    db.sql("ALTER TABLE underway_schema_changes DROP COLUMN guard_ratio");
    assertThat(activities.control(db.target(), change, OWNER,
        new BackfillControl(false, null, 100, 2.0)).outcome().name()).isEqualTo("UPDATED");
    assertThat(activities.control(db.target(), change, OWNER,
        new BackfillControl(false, null, 100, 2.0)).outcome().name()).isEqualTo("UNCHANGED");
    env.setActivityHeartbeatListener(BackfillProgress.class, beats::add);

    BackfillResult result = activities.backfill(db.target(), change, guarded(GUARD, 10));

    assertThat(result.rowsUpdated()).isEqualTo(2_000);
    assertThat(beats).filteredOn(b -> b.rowsDone() > 0)
        .allSatisfy(b -> assertThat(b.guard().ratio()).isEqualTo(2.0));
    BackfillProgress last = activities.progress(db.target(), change);
    assertThat(last.guard().ratio()).as("the operator's, not the request's 1.25").isEqualTo(2.0);
    assertThat(last.batchSize()).as("pinned with it").isEqualTo(100);
  }

  @Test
  void aBackfillRunTwiceLeavesTheSameTable() throws Exception {
    db.amounts("twice", 4_000);
    TableChange change = SchemaFixture.typeChange("twice");
    SchemaChangeActivities activities = db.activities(db.environment(), BEAT);
    activities.expand(db.target(), change, OWNER);
    String table = "SELECT md5(string_agg(id || ':' || amount || ':' || amount_v2, ','"
        + " ORDER BY id)) FROM twice";

    BackfillResult first = activities.backfill(db.target(), change, guarded(GUARD, 10));
    String once = db.scalar(table);
    BackfillResult second = activities.backfill(db.target(), change, guarded(GUARD, 10));

    assertThat(first.rowsUpdated()).isEqualTo(4_000);
    assertThat(second.rowsUpdated()).isZero();
    assertThat(db.scalar(table)).isEqualTo(once);
    assertThat(db.count("SELECT count(*) FROM twice WHERE amount_v2 IS DISTINCT FROM amount"))
        .isZero();
  }

  @Test
  void theVerifyIsGuardedAndAResumedOneKeepsItsBaseline() throws Exception {
    db.amounts("checked", 3_000);
    TableChange change = SchemaFixture.typeChange("checked");
    TestActivityEnvironment env = db.environment();
    SchemaChangeActivities activities = db.activities(env, BEAT);
    activities.expand(db.target(), change, OWNER);
    activities.backfill(db.target(), change, guarded(GuardSettings.disabled(), 10));
    List<Verify.Progress> told = new CopyOnWriteArrayList<>();
    VerifyResult first;
    try (Connection c = db.connect(); Connection probing = db.connect()) {
      ChangeSpec spec = ChangeSpec.of(change);
      TableKey key = TableKey.find(c, TableCatalogue.read(c, TableObserver.oid(c, spec.table())),
          null).key();
      first = new Verify(500, 5, LongStatement.unwatched(), (state, changes) -> StepGuard.open(
          GUARD, GuardProbes.open(probing, GUARD, spec.table(), key), state, changes))
          .run(c, spec, key, null, told::add);
    }

    assertThat(first.rowsChecked()).isEqualTo(3_000);
    assertThat(first.mismatches()).isZero();
    assertThat(told).as("the baseline sampled before the first chunk, told meanwhile")
        .anySatisfy(p -> {
          assertThat(p.guard().mode()).isEqualTo(GuardState.BASELINE);
          assertThat(p.rowsChecked()).isZero();
        });
    assertThat(told).filteredOn(p -> p.rowsChecked() > 0).hasSizeGreaterThanOrEqualTo(6)
        .allSatisfy(p -> assertThat(p.guard().mode()).isNotEqualTo(GuardState.BASELINE));
    Verify.Progress after = told.get(told.size() - 1);
    assertThat(after.guard().baselineP99Ms()).isPositive();
    List<Verify.Progress> beats = new CopyOnWriteArrayList<>();

    // a retried verify, given the first's progress half-way, keeps that baseline
    beats.clear();
    Verify.Progress halfWay = new Verify.Progress(List.of("1500"), 1_500, 0, List.of(),
        after.guard());
    TestActivityEnvironment retry = TestActivityEnvironment.newInstance();
    try {
      SchemaChangeActivities again = db.activities(retry, BEAT);
      retry.setHeartbeatDetails(halfWay);
      retry.setActivityHeartbeatListener(Verify.Progress.class, beats::add);
      GuardSettings longBaseline = new GuardSettings(1.25, null, null, null, null, 20_000L, 20L);
      VerifyResult second = again.verify(db.target(), change,
          new VerifySettings(List.of("id"), 500, 5, longBaseline));
      assertThat(second.rowsChecked()).isEqualTo(3_000);
      assertThat(beats).isNotEmpty().allSatisfy(p -> {
        assertThat(p.guard().mode()).isNotEqualTo(GuardState.BASELINE);
        assertThat(p.guard().baselineP99Ms()).isEqualTo(after.guard().baselineP99Ms());
      });
    } finally {
      retry.close();
    }
  }
}
