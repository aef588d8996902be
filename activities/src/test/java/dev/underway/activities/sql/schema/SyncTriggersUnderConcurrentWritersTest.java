package dev.underway.activities.sql.schema;

import static org.assertj.core.api.Assertions.assertThat;

import dev.underway.workflows.schema.contract.BackfillSettings;
import dev.underway.workflows.schema.contract.SchemaChangeActivities;
import dev.underway.workflows.schema.contract.TableChange;
import dev.underway.workflows.schema.contract.VerifySettings;
import io.temporal.testing.TestActivityEnvironment;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Old-shape writers (they know only {@code amount integer}) and new-shape writers (only {@code
 * amount_v2 bigint}) insert and update the same rows at the same time, while the backfill walks
 * the table: afterwards every row has both shapes right, checked at the database and by verify.
 */
class SyncTriggersUnderConcurrentWritersTest {

  private static final int ROWS = 3_000;
  private static final int OPS_PER_WRITER = 400;

  @RegisterExtension static final PostgresDatabase db = new PostgresDatabase("concurrent");
  private static final ExecutorService pool = Executors.newFixedThreadPool(5);

  @AfterAll
  static void stop() throws Exception {
    pool.shutdownNow();
    pool.awaitTermination(10, TimeUnit.SECONDS);
  }

  @Test
  void bothShapesStayRightWhileBothKindsOfWriterAndTheBackfillRun() throws Exception {
    db.amounts("accounts", ROWS);
    TableChange change = SchemaFixture.typeChange("accounts");
    TestActivityEnvironment env = TestActivityEnvironment.newInstance();
    try {
      SchemaChangeActivities activities = db.activities(env);
      activities.expand(db.target(), change, "schema-change/concurrent/accounts");

      List<CompletableFuture<Void>> writers = new ArrayList<>();
      for (int w = 0; w < 2; w++) {
        int first = ROWS + 1 + w * 10_000;
        writers.add(CompletableFuture.runAsync(() -> write(
            "UPDATE accounts SET amount = ? WHERE id = ?",
            "INSERT INTO accounts (id, amount) VALUES (?, ?)", first), pool));
        int firstNew = ROWS + 100_001 + w * 10_000;
        writers.add(CompletableFuture.runAsync(() -> write(
            "UPDATE accounts SET amount_v2 = ? WHERE id = ?",
            "INSERT INTO accounts (id, amount_v2) VALUES (?, ?)", firstNew), pool));
      }
      activities.backfill(db.target(), change, new BackfillSettings(List.of("id"), 50, 50,
          1_500, null, null, 10, 200));
      CompletableFuture.allOf(writers.toArray(CompletableFuture[]::new)).get(2, TimeUnit.MINUTES);

      assertThat(db.count("SELECT count(*) FROM accounts")).isEqualTo(ROWS + 4L * 100);
      assertThat(db.count("SELECT count(*) FROM accounts WHERE amount_v2 IS DISTINCT FROM"
          + " amount::bigint")).isZero();
      assertThat(db.count("SELECT count(*) FROM accounts WHERE amount_v2 IS NULL")).isZero();
      assertThat(db.count("SELECT count(*) FROM accounts WHERE id > 100000")).isEqualTo(200);
      var verified = activities.verify(db.target(), change,
          new VerifySettings(List.of("id"), 1_000, 10));
      assertThat(verified.rowsChecked()).isEqualTo(ROWS + 4L * 100);
      assertThat(verified.mismatches()).isZero();
    } finally {
      env.close();
    }
  }

  /** Updates random existing rows and inserts 100 new ones, through one shape's column. */
  private static void write(String update, String insert, int firstId) {
    try (Connection c = db.connect();
         PreparedStatement up = c.prepareStatement(update);
         PreparedStatement in = c.prepareStatement(insert)) {
      ThreadLocalRandom random = ThreadLocalRandom.current();
      int inserted = 0;
      for (int i = 0; i < OPS_PER_WRITER; i++) {
        if (i % 4 == 0) {
          in.setLong(1, firstId + inserted++);
          in.setInt(2, random.nextInt(1_000_000));
          in.executeUpdate();
        } else {
          up.setInt(1, random.nextInt(1_000_000));
          up.setLong(2, 1 + random.nextInt(ROWS));
          up.executeUpdate();
        }
      }
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }
}
