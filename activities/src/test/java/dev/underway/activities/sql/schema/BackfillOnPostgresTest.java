package dev.underway.activities.sql.schema;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;
import static org.awaitility.Awaitility.await;

import dev.underway.guard.GuardState;
import dev.underway.workflows.schema.contract.BackfillControl;
import dev.underway.workflows.schema.contract.BackfillProgress;
import dev.underway.workflows.schema.contract.BackfillResult;
import dev.underway.workflows.schema.contract.BackfillSettings;
import dev.underway.workflows.schema.contract.SchemaChangeActivities;
import dev.underway.workflows.schema.contract.TableChange;
import io.temporal.failure.CanceledFailure;
import io.temporal.testing.TestActivityEnvironment;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The backfill activity against a real PostgreSQL server: an attempt stopped half-way (its
 * worker gone: Temporal cancels it at a heartbeat) is resumed by the next attempt from its last
 * heartbeat, so the rows touched, counted at the database by a statement trigger, are the rows in
 * the table and not more than one batch over; the operator's throttle pauses it and unthrottle
 * releases it, a pinned batch size is used; a foreground probe over the budget of a run recorded
 * before the guard (an absolute budget) makes the guard slow it.
 */
class BackfillOnPostgresTest {

  private static final String OWNER = "schema-change/backfill";
  /** Heartbeats reach the test at most every 0.8 of this. */
  private static final Duration BEAT = Duration.ofMillis(250);

  @RegisterExtension static final PostgresDatabase db = new PostgresDatabase("backfill");

  private static BackfillSettings fixed(int batch) {
    return new BackfillSettings(List.of("id"), batch, 500, 1_500, null, null, batch, batch);
  }

  /** Counts every row any UPDATE touches, into {@code touched}. */
  static void countTouches(SchemaFixture db, String table) throws Exception {
    db.sql("CREATE TABLE IF NOT EXISTS touched (n bigint)",
        "CREATE OR REPLACE FUNCTION count_touched() RETURNS trigger LANGUAGE plpgsql AS"
            + " $$ BEGIN INSERT INTO touched SELECT count(*) FROM changed; RETURN NULL; END $$",
        "CREATE TRIGGER count_touched AFTER UPDATE ON " + table
            + " REFERENCING NEW TABLE AS changed FOR EACH STATEMENT"
            + " EXECUTE FUNCTION count_touched()",
        // the backfill runs under session_replication_role = replica, where only ALWAYS fire
        "ALTER TABLE " + table + " ENABLE ALWAYS TRIGGER count_touched",
        "TRUNCATE touched");
  }

  @Test
  void aStoppedBackfillResumesFromItsLastHeartbeatNotFromTheStart() throws Exception {
    int rows = 60_000;
    int batch = 500;
    db.amounts("resumed", rows);
    TableChange change = SchemaFixture.typeChange("resumed");
    AtomicReference<BackfillProgress> last = new AtomicReference<>();

    TestActivityEnvironment first = TestActivityEnvironment.newInstance();
    try {
      SchemaChangeActivities activities = db.activities(first, BEAT);
      activities.expand(db.target(), change, OWNER);
      countTouches(db, "resumed");
      first.setActivityHeartbeatListener(BackfillProgress.class, p -> {
        last.set(p);
        if (p.rowsDone() >= 10_000) {
          first.requestCancelActivity();
        }
      });
      Throwable stopped = catchThrowable(() -> activities.backfill(db.target(), change,
          fixed(batch)));
      assertThat(stopped).isInstanceOf(CanceledFailure.class);
    } finally {
      first.close();
    }
    long touchedFirst = db.count("SELECT coalesce(sum(n), 0) FROM touched");
    long heartbeated = last.get().rowsDone();
    assertThat(heartbeated).isBetween(10_000L, touchedFirst);
    assertThat(touchedFirst).as("the first attempt stopped half-way").isLessThan(rows);

    long resumedAt;
    TestActivityEnvironment second = TestActivityEnvironment.newInstance();
    try {
      SchemaChangeActivities activities = db.activities(second, BEAT);
      second.setHeartbeatDetails(last.get());
      BackfillResult result = activities.backfill(db.target(), change, fixed(batch));

      assertThat(result.attempts()).isEqualTo(2);
      // from the last heartbeat, or the progress row when that is further (at most a second old)
      resumedAt = activities.progress(db.target(), change).resumedFrom();
      assertThat(resumedAt).isBetween(heartbeated, touchedFirst);
      assertThat(result.rowsUpdated()).as("counted: up to where it resumed, then what it did")
          .isEqualTo(resumedAt + rows - touchedFirst);
    } finally {
      second.close();
    }
    long touched = db.count("SELECT sum(n) FROM touched");
    // the second attempt walked from where it resumed, but the rows the first had done after
    // that point are synced already and are not touched again: no row is touched twice
    assertThat(touched).as("rows touched over both attempts").isEqualTo(rows);
    assertThat(db.count("SELECT count(*) FROM resumed WHERE amount_v2 IS DISTINCT FROM amount"))
        .isZero();
  }

  @Test
  void aRetryResumesFromTheProgressRowWhenItIsAheadOfTheLastHeartbeat() throws Exception {
    int rows = 5_000;
    db.amounts("rowed", rows);
    TableChange change = SchemaFixture.typeChange("rowed");
    TestActivityEnvironment env = TestActivityEnvironment.newInstance();
    try {
      SchemaChangeActivities activities = db.activities(env, BEAT);
      activities.expand(db.target(), change, OWNER);
      countTouches(db, "rowed");
      // the last heartbeat that reached the server said 1,000; the row says 4,000 were done
      BackfillProgress beat = new BackfillProgress(List.of("1000"), 1_000, rows, 2, 500, 0,
          null, null, 1, 0, null);
      db.sql("UPDATE underway_schema_changes SET progress = '{\"cursor\":[\"4000\"],"
          + "\"rowsDone\":4000,\"rowsTotal\":5000,\"batches\":8,\"batchSize\":500,"
          + "\"rowsPerSecond\":0,\"attempts\":1,\"resumedFrom\":0}'"
          + " WHERE table_name = 'public.rowed'");
      env.setHeartbeatDetails(beat);

      BackfillResult result = activities.backfill(db.target(), change, fixed(500));

      assertThat(result.rowsUpdated()).isEqualTo(rows);
      assertThat(db.count("SELECT sum(n) FROM touched")).isEqualTo(1_000);
    } finally {
      env.close();
    }
  }

  @Test
  void theRateAndTheThrottledTimeCountEveryAttempt() throws Exception {
    int rows = 2_000;
    db.amounts("timed", rows);
    TableChange change = SchemaFixture.typeChange("timed");
    List<BackfillProgress> beats = new CopyOnWriteArrayList<>();
    TestActivityEnvironment env = TestActivityEnvironment.newInstance();
    try {
      SchemaChangeActivities activities = db.activities(env, BEAT);
      activities.expand(db.target(), change, OWNER);
      // the attempt before ran 100 s, 7 s of them throttled, and did half the rows
      env.setHeartbeatDetails(new BackfillProgress(List.of("1000"), 1_000, rows, 2, 500, 10,
          null, null, 1, 0, null, 100_000L, 7_000L));
      env.setActivityHeartbeatListener(BackfillProgress.class, beats::add);

      BackfillResult result = activities.backfill(db.target(), change, fixed(500));

      assertThat(result.attempts()).isEqualTo(2);
      assertThat(result.rowsUpdated()).isEqualTo(rows);
      assertThat(result.millis()).as("both attempts' time").isBetween(100_000L, 160_000L);
      assertThat(result.throttledMillis()).isGreaterThanOrEqualTo(7_000L);
      assertThat(result.rowsPerSecond()).as("all rows over all attempts' time")
          .isEqualTo(rows * 1000.0 / result.millis()).isLessThan(20.0);
      BackfillProgress last = beats.get(beats.size() - 1);
      assertThat(last.activeMillis()).as("a later attempt would continue from these")
          .isGreaterThanOrEqualTo(100_000L);
      assertThat(last.throttledMillis()).isGreaterThanOrEqualTo(7_000L);
    } finally {
      env.close();
    }
  }

  @Test
  void theOperatorsThrottlePausesItUnthrottleReleasesItAndAPinnedBatchSizeIsUsed()
      throws Exception {
    db.amounts("throttled", 3_000);
    TableChange change = SchemaFixture.typeChange("throttled");
    List<BackfillProgress> beats = new CopyOnWriteArrayList<>();
    TestActivityEnvironment control = TestActivityEnvironment.newInstance();
    TestActivityEnvironment running = TestActivityEnvironment.newInstance();
    try {
      SchemaChangeActivities operator = db.activities(control);
      operator.expand(db.target(), change, OWNER);
      operator.control(db.target(), change, OWNER, new BackfillControl(true, "alice: deploy", 77));
      running.setActivityHeartbeatListener(BackfillProgress.class, beats::add);
      SchemaChangeActivities worker = db.activities(running, BEAT);
      CompletableFuture<BackfillResult> backfill = CompletableFuture.supplyAsync(
          () -> worker.backfill(db.target(), change, new BackfillSettings(List.of("id"), 1_000,
              500, 1_500, null, null, 10, 50_000)));

      await().atMost(Duration.ofSeconds(20)).until(() -> !beats.isEmpty()
          && "throttled by alice: deploy".equals(beats.get(beats.size() - 1).throttle()));
      int seen = beats.size();
      await().during(Duration.ofSeconds(1)).atMost(Duration.ofSeconds(5))
          .until(() -> beats.stream().allMatch(b -> b.rowsDone() == 0));
      assertThat(beats.size()).as("it heartbeats while paused").isGreaterThan(seen);
      assertThat(backfill).isNotDone();
      assertThat(operator.progress(db.target(), change).throttle())
          .isEqualTo("throttled by alice: deploy");

      operator.control(db.target(), change, OWNER, new BackfillControl(false, null, 77));
      BackfillResult result = backfill.get(1, TimeUnit.MINUTES);

      assertThat(result.rowsUpdated()).isEqualTo(3_000);
      assertThat(result.batches()).isEqualTo((3_000 + 76) / 77);
      assertThat(result.throttledMillis()).isGreaterThanOrEqualTo(1_000);
      assertThat(beats).filteredOn(b -> b.rowsDone() > 0)
          .allSatisfy(b -> assertThat(b.batchSize()).isEqualTo(77));
      assertThat(beats).as("paused: no ETA; the rate in whole rows per second").allSatisfy(b -> {
        assertThat(b.rowsPerSecond()).isEqualTo(Math.rint(b.rowsPerSecond()));
        if (b.throttle() != null) {
          assertThat(b.etaSeconds()).isNull();
        }
      });
    } finally {
      running.close();
      control.close();
    }
  }

  @Test
  void aForegroundProbeOverTheBudgetOfARunRecordedBeforeTheGuardSlowsIt() throws Exception {
    db.amounts("probed", 1_500);
    TableChange change = SchemaFixture.typeChange("probed");
    List<BackfillProgress> beats = new CopyOnWriteArrayList<>();
    TestActivityEnvironment env = TestActivityEnvironment.newInstance();
    try {
      env.setActivityHeartbeatListener(BackfillProgress.class, beats::add);
      SchemaChangeActivities activities = db.activities(env, BEAT);
      activities.expand(db.target(), change, OWNER);
      // 2 ms a row: a walk of seconds, long enough for the guard's readings to judge it
      db.sql("CREATE FUNCTION slow_row() RETURNS trigger LANGUAGE plpgsql AS"
              + " $$ BEGIN PERFORM pg_sleep(0.002); RETURN NEW; END $$",
          "CREATE TRIGGER slow_row BEFORE UPDATE ON probed FOR EACH ROW"
              + " EXECUTE FUNCTION slow_row()",
          "ALTER TABLE probed ENABLE ALWAYS TRIGGER slow_row");

      // as recorded before the guard: no guard settings, a budget and a probe
      BackfillResult result = activities.backfill(db.target(), change, new BackfillSettings(
          List.of("id"), 100, 500, 1_500, 5L, "SELECT pg_sleep(0.02)", 10, 50_000));

      assertThat(result.rowsUpdated()).isEqualTo(1_500);
      // its budget is the guard's absolute budget, its probe the guard's probe (rolled back)
      assertThat(beats).anySatisfy(b -> {
        assertThat(b.throttle()).startsWith("latency: p99 ").contains("> budget 5.0 ms");
        assertThat(b.guard().mode()).isIn(GuardState.SLOWED, GuardState.FLOOR);
        assertThat(b.guard().budgetMs()).isEqualTo(5.0);
        assertThat(b.guard().ratio()).isNull();
        assertThat(b.guard().duty()).isLessThan(1.0);
      });
      // never larger while over budget
      List<Integer> sizes = beats.stream().filter(b -> b.guard().duty() < 1.0)
          .map(BackfillProgress::batchSize).toList();
      assertThat(sizes).isNotEmpty().isSortedAccordingTo(java.util.Comparator.reverseOrder());
      // the duty shrinks a batch no further than Backfill.SLOWED_SMALLEST; it never grows
      assertThat(activities.progress(db.target(), change).batchSize()).isLessThanOrEqualTo(100);
      assertThat(result.throttledMillis()).isPositive();
    } finally {
      env.close();
    }
  }
}
