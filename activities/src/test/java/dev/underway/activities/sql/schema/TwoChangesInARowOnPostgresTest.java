package dev.underway.activities.sql.schema;

import static org.assertj.core.api.Assertions.assertThat;

import dev.underway.workflows.schema.contract.BackfillSettings;
import dev.underway.workflows.schema.contract.ChangeKind;
import dev.underway.workflows.schema.contract.ChangeObjects;
import dev.underway.workflows.schema.contract.NewColumn;
import dev.underway.workflows.schema.contract.OldColumn;
import dev.underway.workflows.schema.contract.SchemaChangeActivities;
import dev.underway.workflows.schema.contract.TableChange;
import io.temporal.testing.TestActivityEnvironment;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Two changes of the same table in a row, the second rolled back, with an application that
 * follows the first change's flags writing all along (the crash run's finding: the flags were
 * per table, so the second change started at reads=new, writes=new, and its rollback deleted the
 * first's flags; the application, following the read contract, went back to the dropped column
 * and failed every write with 42703). Each change has flags of its own now: the second starts at
 * the old shape, its rollback removes only its own, and the first's result and application are
 * left intact.
 */
class TwoChangesInARowOnPostgresTest {

  private static final BackfillSettings SETTINGS = new BackfillSettings(List.of("id"), 100, 500,
      1_500, null, null, 10, 50_000);

  @RegisterExtension static final PostgresDatabase db = new PostgresDatabase("twice");

  /** A rename of {@code email}, then (second) the amount's type. */
  static final TableChange RENAME = new TableChange(null, "accounts", null,
      ChangeKind.RENAME_COLUMN, List.of(new NewColumn("email_address", "text", "email")),
      List.of(new OldColumn("email", "email_address")));
  static final TableChange TYPE = new TableChange(null, "accounts", null,
      ChangeKind.CHANGE_TYPE, List.of(new NewColumn("amount_v2", "bigint", "amount::bigint")),
      List.of(new OldColumn("amount", "amount_v2::integer")));

  @Test
  void theSecondChangesRollbackLeavesTheFirstsResultAndItsApplicationIntact() throws Exception {
    db.sql("CREATE TABLE accounts (id bigint PRIMARY KEY, email text, amount integer NOT NULL)",
        "INSERT INTO accounts SELECT g, 'a' || g || '@x', g FROM generate_series(1, 500) g");
    String owner = "schema-change/twice/public.accounts";
    TestActivityEnvironment env = TestActivityEnvironment.newInstance();
    Application app = new Application();
    try {
      SchemaChangeActivities a = db.activities(env);
      ChangeObjects first = ChangeObjects.of(RENAME);
      a.expand(db.target(), RENAME, owner);
      a.backfill(db.target(), RENAME, SETTINGS);
      a.setFlag(db.target(), RENAME, owner, first.readsFlag(), "new");
      a.setFlag(db.target(), RENAME, owner, first.writesFlag(), "new");
      a.contract(db.target(), RENAME, owner);
      app.start();
      app.awaitWrites(50);

      ChangeObjects second = ChangeObjects.of(TYPE);
      a.expand(db.target(), TYPE, owner);
      assertThat(flag(second.readsFlag())).as("a change of its own starts at the old shape")
          .isEqualTo("old");
      assertThat(flag(second.writesFlag())).isEqualTo("both");
      a.backfill(db.target(), TYPE, SETTINGS);
      a.setFlag(db.target(), TYPE, owner, second.writesFlag(), "old");
      a.undoExpand(db.target(), TYPE, owner);
      app.awaitWrites(app.writes.get() + 50);
      app.stop();

      assertThat(app.failures).as("the first change's application never failed").isEmpty();
      assertThat(flag(first.readsFlag())).isEqualTo("new");
      assertThat(flag(first.writesFlag())).isEqualTo("new");
      assertThat(flag(second.readsFlag())).as("the second's flags are gone").isNull();
      assertThat(db.count("SELECT count(*) FROM information_schema.columns WHERE table_name ="
          + " 'accounts' AND column_name IN ('email', 'amount_v2')")).isZero();
      assertThat(db.count("SELECT count(*) FROM accounts WHERE email_address IS NULL"))
          .isZero();
    } finally {
      app.stop();
      env.close();
    }
  }

  private static String flag(String key) throws Exception {
    return db.scalar("SELECT (SELECT value FROM underway_flags WHERE key = '" + key + "')");
  }

  /**
   * The first change's application: reads its flags before every write (the read contract) and
   * writes {@code email_address} when writes are new, {@code email} otherwise.
   */
  static final class Application {
    final AtomicLong writes = new AtomicLong();
    final ConcurrentLinkedQueue<String> failures = new ConcurrentLinkedQueue<>();
    private final AtomicBoolean running = new AtomicBoolean();
    private Thread thread;

    void start() {
      running.set(true);
      thread = new Thread(this::run, "first-change-application");
      thread.start();
    }

    void stop() throws InterruptedException {
      running.set(false);
      if (thread != null) {
        thread.join(10_000);
      }
    }

    void awaitWrites(long n) {
      org.awaitility.Awaitility.await().until(() -> writes.get() >= n || !failures.isEmpty());
    }

    private void run() {
      ChangeObjects flags = ChangeObjects.of(RENAME);
      try (Connection c = db.connect()) {
        long i = 0;
        while (running.get()) {
          String writesShape = value(c, flags.writesFlag());
          String column = "new".equals(writesShape) ? "email_address" : "email";
          try (PreparedStatement ps = c.prepareStatement("UPDATE accounts SET " + column
              + " = ? WHERE id = ?")) {
            ps.setString(1, "w" + i + "@x");
            ps.setLong(2, 1 + (i % 500));
            ps.executeUpdate();
            writes.incrementAndGet();
          } catch (SQLException e) {
            failures.add(e.getSQLState() + " " + e.getMessage());
          }
          i++;
        }
      } catch (SQLException e) {
        failures.add(e.getMessage());
      }
    }

    private static String value(Connection c, String key) throws SQLException {
      try (PreparedStatement ps = c.prepareStatement(
          "SELECT value FROM underway_flags WHERE key = ?")) {
        ps.setString(1, key);
        try (ResultSet rs = ps.executeQuery()) {
          return rs.next() ? rs.getString(1) : "old";
        }
      }
    }
  }
}
