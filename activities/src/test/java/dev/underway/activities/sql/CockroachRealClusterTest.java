package dev.underway.activities.sql;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.underway.workflows.evolution.contract.DatabaseActivities;
import dev.underway.kernel.Failures;
import dev.underway.kernel.ChangeResult;
import dev.underway.kernel.ChangeResult.Outcome;
import dev.underway.workflows.evolution.model.DatabaseState;
import dev.underway.workflows.evolution.model.Licence;
import dev.underway.workflows.evolution.model.ClusterTarget;
import io.temporal.activity.ActivityOptions;
import io.temporal.common.RetryOptions;
import io.temporal.failure.ActivityFailure;
import io.temporal.failure.ApplicationFailure;
import io.temporal.testing.TestActivityEnvironment;
import java.io.File;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The CockroachDB-only statements against a real single-node cluster ({@code cockroach
 * start-single-node --insecure}, in-memory store). Runs only when a {@code cockroach} binary is
 * on PATH; otherwise every test here is reported as skipped.
 */
class CockroachRealClusterTest {

  @TempDir static Path dir;
  private static Process cockroach;
  private static int sqlPort;

  private static final Optional<Path> BINARY = onPath("cockroach");

  /** Per test, so each one is reported as skipped with the reason. */
  @BeforeEach
  void requireCockroach() {
    assumeTrue(BINARY.isPresent(),
        "cockroach binary not on PATH: the CockroachDB-only SQL (zones, replication factor,"
            + " ranges, live nodes, licence) is not exercised in this run");
  }

  @BeforeAll
  static void startCockroach() throws Exception {
    if (BINARY.isEmpty()) {
      return;
    }
    Optional<Path> binary = BINARY;
    sqlPort = freePort();
    int httpPort = freePort();
    cockroach = new ProcessBuilder(binary.get().toString(), "start-single-node", "--insecure",
        "--store=type=mem,size=512MiB", "--listen-addr=127.0.0.1:" + sqlPort,
        "--http-addr=127.0.0.1:" + httpPort)
        .directory(dir.toFile())
        .redirectErrorStream(true)
        .redirectOutput(dir.resolve("cockroach.log").toFile())
        .start();
    Awaitility.await().atMost(Duration.ofSeconds(90)).pollInterval(Duration.ofMillis(250))
        .ignoreExceptions()
        .until(() -> {
          try (Connection c = connect("defaultdb"); Statement s = c.createStatement()) {
            s.execute("CREATE DATABASE IF NOT EXISTS app");
            s.execute("CREATE TABLE IF NOT EXISTS app.public.items (id INT PRIMARY KEY)");
            return true;
          }
        });
  }

  @AfterAll
  static void stopCockroach() throws Exception {
    if (cockroach != null) {
      cockroach.destroy();
      if (!cockroach.waitFor(30, TimeUnit.SECONDS)) {
        cockroach.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
      }
    }
  }

  private static Connection connect(String db) throws Exception {
    Properties p = new Properties();
    p.setProperty("user", "root");
    return DriverManager.getConnection(
        "jdbc:postgresql://127.0.0.1:" + sqlPort + "/" + db + "?sslmode=disable", p);
  }

  private static DatabaseActivities activities(TestActivityEnvironment env) {
    return activities(env, new SqlCredentials("root", null, null));
  }

  private static DatabaseActivities activities(TestActivityEnvironment env,
      SqlCredentials credentials) {
    env.registerActivitiesImplementations(new SqlDatabaseActivities(ConnectionFactory.jdbc(),
        t -> credentials, new CockroachDialect(), Duration.ofMillis(200)));
    return env.newActivityStub(DatabaseActivities.class, ActivityOptions.newBuilder()
        .setStartToCloseTimeout(Duration.ofMinutes(2))
        .setRetryOptions(RetryOptions.newBuilder().setMaximumAttempts(1).build())
        .build());
  }

  private static ClusterTarget target() {
    return ClusterTarget.of("local", "cockroach", "cockroach-public", "app")
        .withSql("127.0.0.1", sqlPort, "disable");
  }

  private static ClusterTarget target(String database, String readerUser) {
    return new ClusterTarget("local", "cockroach", "cockroach-public", null, null, database,
        readerUser, "127.0.0.1", sqlPort, "disable", null, null);
  }

  @Test
  void observesZonesNodesAndLicence() {
    TestActivityEnvironment env = TestActivityEnvironment.newInstance();
    try {
      DatabaseState state = activities(env).observe(target());
      assertThat(state.version()).contains("CockroachDB");
      assertThat(state.liveNodes()).isEqualTo(1);
      assertThat(state.zones()).extracting(z -> z.target()).contains("RANGE default");
      assertThat(state.zones()).allSatisfy(z -> assertThat(z.numReplicas()).isPositive());
      assertThat(state.licensed()).isFalse();
      assertThat(state.licence()).isEqualTo(Licence.NONE);
      // SHOW CLUSTER RANGES on one node: every range has its one voter, no learner
      assertThat(state.ranges()).isNotNull();
      assertThat(state.ranges().total()).isPositive();
      assertThat(state.ranges().healthy()).as(state.ranges().summary()).isTrue();
      assertThat(state.publicCanCreate()).as("CockroachDB's default").isTrue();
      assertThat(state.readerUserProblems()).isEmpty();
    } finally {
      env.close();
    }
  }

  @Test
  void anAdminIsRefusedAsTheReaderAndLeftAlone() throws Exception {
    try (Connection c = connect("app"); Statement s = c.createStatement()) {
      s.execute("CREATE ROLE IF NOT EXISTS app_admin");
      s.execute("GRANT admin TO app_admin");
    }
    TestActivityEnvironment env = TestActivityEnvironment.newInstance();
    try {
      DatabaseActivities db = activities(env);
      ClusterTarget target = target("app", "app_admin");
      assertThat(String.join("; ", db.observe(target).readerUserProblems()))
          .contains("superuser or admin");
      assertThatThrownBy(() -> db.ensureReadOnlyUser(target))
          .isInstanceOf(ActivityFailure.class)
          .satisfies(e -> assertThat(((ApplicationFailure) e.getCause()).getType())
              .isEqualTo(Failures.INVALID_REQUEST));
    } finally {
      env.close();
    }
  }

  @Test
  void anInsecureClusterCannotSetTheReadersPasswordAndNoUserIsLeft() throws Exception {
    TestActivityEnvironment env = TestActivityEnvironment.newInstance();
    try {
      DatabaseActivities db = activities(env, new SqlCredentials("root", null, "reader-Pa55"));
      ClusterTarget target = target("app", "pw_reader");
      assertThatThrownBy(() -> db.ensureReadOnlyUser(target))
          .isInstanceOf(ActivityFailure.class)
          .satisfies(e -> {
            ApplicationFailure cause = (ApplicationFailure) e.getCause();
            assertThat(cause.getType()).isEqualTo(Failures.CREDENTIALS);
            assertThat(cause.getOriginalMessage())
                .startsWith("an insecure cluster cannot set passwords: remove readerPassword");
          });
      assertThat(db.observe(target).readerUserExists()).isFalse();
    } finally {
      env.close();
    }
  }

  @Test
  void publicCreateIsRevokedOnRequestAndTheReaderCannotCreateTables() throws Exception {
    try (Connection c = connect("defaultdb"); Statement s = c.createStatement()) {
      s.execute("CREATE DATABASE IF NOT EXISTS app2");
    }
    TestActivityEnvironment env = TestActivityEnvironment.newInstance();
    try {
      DatabaseActivities db = activities(env);
      ClusterTarget target = target("app2", "closed_reader")
          .withRevokePublicCreate(true);
      assertThat(db.ensureReadOnlyUser(target).detail())
          .contains("revoked CREATE on schema public from PUBLIC",
              "checked: it cannot INSERT, UPDATE, DELETE, TRUNCATE or CREATE");
      assertThat(db.observe(target).publicCanCreate()).isFalse();
    } finally {
      env.close();
    }
    Properties p = new Properties();
    p.setProperty("user", "closed_reader");
    try (Connection r = DriverManager.getConnection(
        "jdbc:postgresql://127.0.0.1:" + sqlPort + "/app2?sslmode=disable", p);
         Statement s = r.createStatement()) {
      s.execute("SET default_transaction_read_only = off");
      assertThatThrownBy(() -> s.execute("CREATE TABLE public.sneaky (v INT)"))
          .isInstanceOf(java.sql.SQLException.class);
    }
  }

  @Test
  void setsEveryZoneToOneThenIsUnchangedAndRefusesMoreThanTheLiveNodes() {
    TestActivityEnvironment env = TestActivityEnvironment.newInstance();
    try {
      DatabaseActivities db = activities(env);
      db.setReplicationFactor(target(), 1);
      assertThat(db.observe(target()).zones())
          .allSatisfy(z -> assertThat(z.numReplicas()).isEqualTo(1));
      assertThat(db.setReplicationFactor(target(), 1).outcome()).isEqualTo(Outcome.UNCHANGED);
      assertThatThrownBy(() -> db.setReplicationFactor(target(), 2))
          .isInstanceOf(ActivityFailure.class)
          .satisfies(e -> assertThat(((ApplicationFailure) e.getCause()).getType())
              .isEqualTo(Failures.INVALID_REQUEST));
      assertThat(db.awaitLiveNodes(target(), 1).done()).isTrue();
      assertThat(db.awaitReplicated(target(), 2).done()).isTrue();
    } finally {
      env.close();
    }
  }

  @Test
  void readOnlyUserOnCockroach() {
    TestActivityEnvironment env = TestActivityEnvironment.newInstance();
    try {
      DatabaseActivities db = activities(env);
      ChangeResult first = db.ensureReadOnlyUser(target());
      assertThat(first.outcome()).isEqualTo(Outcome.CREATED);
      assertThat(first.detail())
          .as("PUBLIC's CREATE on schema public, CockroachDB's default, is left and said")
          .contains("CAN CREATE in schema public through PUBLIC");
      assertThat(db.ensureReadOnlyUser(target()).outcome()).isEqualTo(Outcome.UNCHANGED);
      assertThat(db.observe(target()).readerUserExists()).isTrue();
    } finally {
      env.close();
    }
  }

  @Test
  void readOnlyUserCoversTheTablesOfTheNamedOwners() throws Exception {
    try (Connection c = connect("app"); Statement s = c.createStatement()) {
      s.execute("CREATE ROLE IF NOT EXISTS app_owner");
    }
    TestActivityEnvironment env = TestActivityEnvironment.newInstance();
    try {
      DatabaseActivities db = activities(env);
      ClusterTarget target = target().withTableOwners(List.of("app_owner"));
      assertThat(db.ensureReadOnlyUser(target).detail())
          .contains("SELECT on future tables of app_owner");
      assertThat(db.ensureReadOnlyUser(target).outcome()).isEqualTo(Outcome.UNCHANGED);
      assertThatThrownBy(() -> db.ensureReadOnlyUser(
          target().withTableOwners(List.of("no_such_owner"))))
          .isInstanceOf(ActivityFailure.class)
          .satisfies(e -> assertThat(((ApplicationFailure) e.getCause()).getType())
              .isEqualTo(Failures.INVALID_REQUEST));
    } finally {
      env.close();
    }
  }

  private static Optional<Path> onPath(String name) {
    String path = System.getenv("PATH");
    if (path == null) {
      return Optional.empty();
    }
    return Arrays.stream(path.split(File.pathSeparator))
        .map(p -> Path.of(p, name))
        .filter(Files::isExecutable)
        .findFirst();
  }

  private static int freePort() throws Exception {
    try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      return s.getLocalPort();
    }
  }
}
