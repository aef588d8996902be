package dev.underway.activities.sql.schema;

import static dev.underway.activities.sql.schema.SchemaChangeLifecycleOnPostgresTest.assertFailure;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.underway.workflows.schema.contract.SchemaChangeActivities;
import dev.underway.workflows.schema.contract.SchemaFailures;
import dev.underway.workflows.schema.contract.TableChange;
import dev.underway.kernel.ChangeResult;
import dev.underway.kernel.ChangeResult.Outcome;
import io.temporal.failure.ApplicationFailure;
import io.temporal.testing.TestActivityEnvironment;
import java.sql.Connection;
import java.sql.Statement;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The expand never queues for long behind a transaction that holds the table: each attempt waits
 * at most its lock timeout, the attempts are bounded, and when none gets the lock the failure is
 * {@code LockNotGranted} with nothing changed; when the holder commits between attempts, the
 * next attempt expands.
 */
class ExpandLockTimeoutOnPostgresTest {

  private static final String OWNER = "schema-change/locks";
  private static final LockRetry QUICK = new LockRetry(Duration.ofMillis(200), 3,
      Duration.ofMillis(50));
  /** Attempts enough for the test to see one fail and release the holder. */
  private static final LockRetry PATIENT = new LockRetry(Duration.ofMillis(200), 100,
      Duration.ofMillis(50));

  @RegisterExtension static final PostgresDatabase db = new PostgresDatabase("locks");

  @Test
  void aTableHeldByALongTransactionIsNotExpandedAndNothingChanges() throws Exception {
    db.amounts("held", 10);
    TableChange change = SchemaFixture.typeChange("held");
    TestActivityEnvironment env = TestActivityEnvironment.newInstance();
    try (Connection holder = db.connect()) {
      SchemaChangeActivities activities = db.activities(env, QUICK, Pacing.DEFAULT);
      String before = activities.observe(db.target(), change, null).catalogue();
      hold(holder, "held");

      ApplicationFailure failure = assertFailure(
          () -> activities.expand(db.target(), change, OWNER),
              SchemaFailures.LOCK_NOT_GRANTED.type());

      assertThat(failure.isNonRetryable()).isTrue();
      assertThat(failure.getOriginalMessage()).contains("3 attempts").contains("nothing");
      holder.rollback();
      assertThat(activities.observe(db.target(), change, null).catalogue()).isEqualTo(before);
      assertThat(activities.observe(db.target(), change, null).heldBy()).isNull();
    } finally {
      env.close();
    }
  }

  @Test
  void theExpandGetsItsLockOnceTheHolderCommits() throws Exception {
    db.amounts("released", 10);
    TableChange change = SchemaFixture.typeChange("released");
    TestActivityEnvironment env = TestActivityEnvironment.newInstance();
    try (Connection holder = db.connect()) {
      SchemaChangeActivities activities = db.activities(env, PATIENT, Pacing.DEFAULT);
      hold(holder, "released");
      CompletableFuture<ChangeResult> expand = CompletableFuture.supplyAsync(
          () -> activities.expand(db.target(), change, OWNER));

      // an attempt is waiting for the lock (and never longer than its timeout)
      await().atMost(Duration.ofSeconds(20)).until(() -> db.count("SELECT count(*) FROM pg_locks"
          + " WHERE relation = 'released'::regclass AND NOT granted") > 0);
      assertThat(expand).isNotDone();
      holder.commit();

      assertThat(expand.get(1, TimeUnit.MINUTES).outcome()).isEqualTo(Outcome.UPDATED);
      assertThat(activities.observe(db.target(), change, null).column("amount_v2")).isNotNull();
    } finally {
      env.close();
    }
  }

  /** Opens a transaction on {@code holder} that holds a lock every ALTER TABLE waits for. */
  private static void hold(Connection holder, String table) throws Exception {
    holder.setAutoCommit(false);
    try (Statement s = holder.createStatement()) {
      s.execute("LOCK TABLE " + table + " IN ACCESS SHARE MODE");
    }
  }
}
