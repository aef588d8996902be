package dev.underway.activities.sql.schema;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.underway.workflows.schema.contract.BackfillControl;
import dev.underway.workflows.schema.contract.BackfillProgress;
import dev.underway.workflows.schema.contract.BackfillResult;
import dev.underway.workflows.schema.contract.BackfillSettings;
import dev.underway.workflows.schema.contract.ChangeObjects;
import dev.underway.workflows.schema.contract.SchemaChangeActivities;
import dev.underway.workflows.schema.contract.TableChange;
import dev.underway.workflows.schema.contract.VerifyResult;
import dev.underway.workflows.schema.contract.VerifySettings;
import dev.underway.workflows.schema.contract.WriterEvidence;
import io.temporal.testing.TestActivityEnvironment;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

/**
 * Drives the production activities through one change the way the SchemaChange workflow does:
 * expand, the backfill (with the operator's throttle to hold it half-way while writers run),
 * verify, constraints, the flags, the contract, and the rollback's undos newest first. Two
 * activity environments: one for the steps, one for the backfill (its heartbeats are watched).
 */
final class ChangeDriver implements AutoCloseable {

  /** Heartbeats of the backfill reach the driver at most every 0.8 of this. */
  private static final Duration BEAT = Duration.ofSeconds(1);

  private final SchemaFixture db;
  private final TableChange change;
  private final String owner;
  private final ChangeObjects names;
  private final TestActivityEnvironment stepsEnv = TestActivityEnvironment.newInstance();
  private final TestActivityEnvironment backfillEnv = TestActivityEnvironment.newInstance();
  private final SchemaChangeActivities steps;
  private final SchemaChangeActivities backfiller;
  private final List<BackfillProgress> beats = new CopyOnWriteArrayList<>();

  ChangeDriver(SchemaFixture db, TableChange change) {
    this.db = db;
    this.change = change;
    this.owner = "schema-change/matrix/" + change.table();
    this.names = ChangeObjects.of(change);
    this.steps = db.activities(stepsEnv);
    backfillEnv.setActivityHeartbeatListener(BackfillProgress.class, beats::add);
    this.backfiller = db.activities(backfillEnv, BEAT);
  }

  ChangeObjects names() {
    return names;
  }

  SchemaChangeActivities activities() {
    return steps;
  }

  void expand() {
    steps.expand(db.target(), change, owner);
  }

  /** Batches of {@code batch} rows, never adapted. */
  static BackfillSettings fixed(int batch) {
    return new BackfillSettings(List.of("id"), batch, 500, 1_500, null, null, batch, batch);
  }

  /** The whole backfill, in batches of {@code batch} rows. */
  BackfillResult backfill(int batch) {
    return backfiller.backfill(db.target(), change, fixed(batch));
  }

  /**
   * Starts the backfill in batches of ten, throttles it once it has done a batch, runs {@code
   * whilePaused} with the progress where it stopped (rows up to the cursor are filled, the others
   * not yet), releases it and waits for it to finish.
   */
  BackfillResult backfillPausedHalfWay(PausedWork whilePaused) throws Exception {
    beats.clear();
    CompletableFuture<BackfillResult> running = CompletableFuture.supplyAsync(
        () -> backfill(10));
    await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(5))
        .until(() -> running.isDone() || beats.stream().anyMatch(b -> b.rowsDone() > 0));
    steps.control(db.target(), change, owner, new BackfillControl(true, "writers matrix", null));
    await().atMost(Duration.ofSeconds(30)).until(() -> running.isDone()
        || (!beats.isEmpty() && beats.get(beats.size() - 1).throttle() != null));
    assertThat(running).as("the backfill was still running when throttled").isNotDone();
    BackfillProgress paused = beats.get(beats.size() - 1);
    assertThat(paused.rowsDone()).as("paused half-way").isPositive()
        .isLessThan(paused.rowsTotal());
    whilePaused.run(paused);
    steps.control(db.target(), change, owner, new BackfillControl(false, null, null));
    BackfillResult result = running.get(2, TimeUnit.MINUTES);
    assertThat(result.throttledMillis()).isPositive();
    return result;
  }

  /** Work done while the backfill is paused. */
  @FunctionalInterface
  interface PausedWork {
    void run(BackfillProgress paused) throws Exception;
  }

  /** Verify finds every row's two shapes in agreement (the workflow holds otherwise). */
  void verifiesClean() {
    VerifyResult v = steps.verify(db.target(), change,
        new VerifySettings(List.of("id"), 1_000, 5));
    assertThat(v.mismatches()).as("rows whose shapes disagree, e.g. %s", v.sampleKeys())
        .isZero();
  }

  void constraints() {
    steps.constraints(db.target(), change, owner);
  }

  void reads(String value) {
    steps.setFlag(db.target(), change, owner, names.readsFlag(), value);
  }

  void writes(String value) {
    steps.setFlag(db.target(), change, owner, names.writesFlag(), value);
  }

  WriterEvidence evidence() {
    return steps.writers(db.target(), change, 60_000);
  }

  void contract() {
    steps.contract(db.target(), change, owner);
  }

  /** The rollback's first undos, newest first, up to {@code writes=old}. */
  void rollBackToWritesOld(boolean readsWereNew, boolean writesWereNew) {
    if (writesWereNew) {
      writes("both");
    }
    if (readsWereNew) {
      reads("old");
    }
    writes("old");
  }

  /** The rollback's last undo: the expand's. */
  void undoExpand() {
    steps.undoExpand(db.target(), change, owner);
  }

  @Override
  public void close() {
    backfillEnv.close();
    stepsEnv.close();
  }
}
