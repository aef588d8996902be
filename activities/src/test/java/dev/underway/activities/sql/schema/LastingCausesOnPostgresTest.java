package dev.underway.activities.sql.schema;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import dev.underway.activities.sql.ConnectionFactory;
import dev.underway.activities.sql.SqlCredentials;
import dev.underway.kernel.Failures;
import dev.underway.targets.PostgresServer;
import dev.underway.workflows.schema.contract.SchemaChangeActivities;
import dev.underway.workflows.schema.contract.TableChange;
import dev.underway.targets.PostgresTarget;
import io.temporal.activity.ActivityOptions;
import io.temporal.client.WorkflowFailedException;
import io.temporal.client.WorkflowOptions;
import io.temporal.common.RetryOptions;
import io.temporal.failure.ActivityFailure;
import io.temporal.failure.ApplicationFailure;
import io.temporal.testing.TestWorkflowEnvironment;
import io.temporal.worker.Worker;
import io.temporal.workflow.Workflow;
import io.temporal.workflow.WorkflowInterface;
import io.temporal.workflow.WorkflowMethod;
import java.net.ServerSocket;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Causes no retry can fix, produced for real by a PostgreSQL server (no TLS, like a plain local
 * server): a step retried as the schema change retries its steps (every second or so, no attempt
 * limit; here in Temporal's test server, which retries as a real one does) stops at its first
 * attempt with a typed failure and the operator's sentence, and never shows the password. A
 * cause a retry can fix (nothing listening on the port, as while a server restarts) is retried.
 */
@Timeout(60) // a cause taken as transient would be retried for ever: fail instead
class LastingCausesOnPostgresTest {

  @RegisterExtension static final PostgresDatabase db = new PostgresDatabase("causes");

  private static final String QUEUE = "causes";
  private static final AtomicInteger attempts = new AtomicInteger();

  private TestWorkflowEnvironment env;
  private SqlCredentials login;

  /** One step of the schema change, retried as its stubs retry (maxAttempts 0: no limit). */
  @WorkflowInterface
  public interface OneStep {
    @WorkflowMethod
    void run(String step, PostgresTarget target, TableChange change, int maxAttempts);
  }

  public static class OneStepImpl implements OneStep {
    @Override
    public void run(String step, PostgresTarget target, TableChange change, int maxAttempts) {
      SchemaChangeActivities a = Workflow.newActivityStub(SchemaChangeActivities.class,
          ActivityOptions.newBuilder().setStartToCloseTimeout(Duration.ofMinutes(1))
              .setRetryOptions(RetryOptions.newBuilder().setInitialInterval(Duration.ofSeconds(1))
                  .setBackoffCoefficient(2).setMaximumInterval(Duration.ofSeconds(5))
                  .setMaximumAttempts(maxAttempts).build())
              .build());
      if (step.equals("expand")) {
        a.expand(target, change, "schema-change/causes");
      } else {
        a.observe(target, change, null);
      }
    }
  }

  @BeforeAll
  static void table() throws Exception {
    db.sql("CREATE TABLE customers (id bigint PRIMARY KEY, name text)");
  }

  @BeforeEach
  void setUp() {
    attempts.set(0);
    login = db.credentials();
    env = TestWorkflowEnvironment.newInstance();
    Worker worker = env.newWorker(QUEUE);
    worker.registerWorkflowImplementationTypes(OneStepImpl.class);
    ConnectionFactory jdbc = ConnectionFactory.jdbc();
    // every attempt counted where it opens its connection
    ConnectionFactory counted = (target, c) -> {
      attempts.incrementAndGet();
      return jdbc.open(target, c);
    };
    worker.registerActivitiesImplementations(new PostgresSchemaChangeActivities(counted,
        target -> login));
    env.start();
  }

  @AfterEach
  void tearDown() {
    env.close();
  }

  private Throwable run(String step, PostgresServer target, TableChange change,
      int maxAttempts) {
    OneStep wf = env.getWorkflowClient().newWorkflowStub(OneStep.class,
        WorkflowOptions.newBuilder().setTaskQueue(QUEUE).build());
    Throwable thrown = catchThrowable(() -> wf.run(step, target, change, maxAttempts));
    assertThat(thrown).isInstanceOf(WorkflowFailedException.class);
    assertThat(thrown.getCause()).isInstanceOf(ActivityFailure.class);
    return thrown.getCause().getCause();
  }

  private ApplicationFailure failsOnce(String step, PostgresServer target, TableChange change,
      String type) {
    Throwable cause = run(step, target, change, 0);
    assertThat(cause).isInstanceOf(ApplicationFailure.class);
    ApplicationFailure f = (ApplicationFailure) cause;
    assertThat(f.getType()).as(f.getOriginalMessage()).isEqualTo(type);
    assertThat(f.isNonRetryable()).as(f.getOriginalMessage()).isTrue();
    assertThat(attempts.get()).as("attempts of " + step).isEqualTo(1);
    assertThat(f.getOriginalMessage()).doesNotContain(db.pg.superuserPassword());
    return f;
  }

  @Test
  void aWrongPasswordStopsAtTheFirstAttempt() {
    login = new SqlCredentials(db.pg.superuser(), "not-the-Pa55word", null);

    ApplicationFailure f = failsOnce("observe", db.target(), SchemaFixture.split("customers"),
        Failures.CREDENTIALS);

    assertThat(f.getOriginalMessage()).startsWith("SQL authentication failed for "
        + db.pg.superuser() + "@" + db.pg.host() + ":" + db.pg.port() + "/causes (SQLSTATE"
        + " 28P01").contains("UNDERWAY_SQL_PASSWORD").doesNotContain("not-the-Pa55word");
  }

  @Test
  void verifyFullAgainstAServerWithoutTlsStopsAtTheFirstAttemptSayingWhatToSet() {
    PostgresServer verifyFull = db.target().withSslMode("verify-full");

    ApplicationFailure f = failsOnce("observe", verifyFull, SchemaFixture.split("customers"),
        Failures.TLS);

    assertThat(f.getOriginalMessage()).startsWith("the server at " + db.pg.host() + ":"
        + db.pg.port() + " does not accept TLS, and target.sslMode is \"verify-full\" (SQLSTATE"
        + " 08004").contains("set target.sslMode to \"disable\" for a local server without TLS");
  }

  @Test
  void anUnknownHostStopsAtTheFirstAttempt() {
    PostgresServer nowhere = PostgresServer.of("no-such-host.invalid", db.pg.port(), "causes")
        .withSslMode("disable");

    ApplicationFailure f = failsOnce("observe", nowhere, SchemaFixture.split("customers"),
        Failures.TARGET_NOT_FOUND);

    assertThat(f.getOriginalMessage()).startsWith("host \"no-such-host.invalid\" is unknown")
        .contains("fix target.sqlHost");
  }

  @Test
  void aMissingDatabaseStopsAtTheFirstAttempt() {
    PostgresServer noDb = PostgresServer.of(db.pg.host(), db.pg.port(), "no_such_db")
        .withSslMode("disable");

    ApplicationFailure f = failsOnce("observe", noDb, SchemaFixture.split("customers"),
        Failures.TARGET_NOT_FOUND);

    assertThat(f.getOriginalMessage()).startsWith("database \"no_such_db\" does not exist on");
  }

  @Test
  void aMissingTableStopsAtTheFirstAttempt() {
    // the observation reports it (the run refuses from that); a change step refuses it itself
    ApplicationFailure f = failsOnce("expand", db.target(), SchemaFixture.split("no_such_table"),
        Failures.TARGET_NOT_FOUND);

    assertThat(f.getOriginalMessage()).contains("table public.no_such_table does not exist");
  }

  @Test
  void nothingListeningOnThePortIsRetried() throws Exception {
    int closed;
    try (ServerSocket s = new ServerSocket(0)) {
      closed = s.getLocalPort();
    }
    PostgresServer down = PostgresServer.of(db.pg.host(), closed, "causes")
        .withSslMode("disable");

    Throwable cause = run("observe", down, SchemaFixture.split("customers"), 3);

    assertThat(attempts.get()).as("a refused connection is retried").isEqualTo(3);
    assertThat(cause.getMessage()).contains("SQLSTATE 08001").contains("refused");
  }
}
