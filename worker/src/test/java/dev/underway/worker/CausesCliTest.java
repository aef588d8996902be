package dev.underway.worker;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.underway.local.postgres.LocalPostgres;
import dev.underway.temporal.DevServerFixture;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * The operator's commands tell the cause at once, on the real Temporal dev server with the
 * production worker ({@code underway worker}: the schema change's activities over JDBC) and a
 * real PostgreSQL server without TLS, as a plain local one is: a {@code plan} whose target keeps
 * the default {@code sslMode} (verify-full) exits 1 within seconds with the sentence that says
 * what to set (no "is a worker polling?"), and {@code status} of that dry run shows it FAILED
 * with the sentence; {@code start} waits for the first observation, so a table without a key
 * exits 1 with the refusal, a good table exits 0 once observed, and {@code --no-wait} at once;
 * a run terminated from outside shows TERMINATED, never the state it had.
 */
class CausesCliTest {
  static final String TQ = "underway-causes";

  @RegisterExtension final BackgroundWorker background = new BackgroundWorker();

  static String request(LocalPostgres pg, String table, String sslMode) {
    return "{\"target\": {\"sqlHost\": \"" + pg.host() + "\", \"sqlPort\": " + pg.port()
        + ", \"database\": \"shop\"" + (sslMode == null ? "" : ", \"sslMode\": \"" + sslMode
        + "\"") + "}, \"change\": {\"table\": \"" + table + "\", \"kind\": \"ADD_COLUMN\","
        + " \"add\": [{\"name\": \"name_upper\", \"type\": \"text\", \"up\": \"upper(name)\"}]},"
        + " \"requestedBy\": \"alice\"}";
  }

  static String id(Cli.Result started) {
    return started.out().lines().filter(l -> l.contains("workflow id:"))
        .map(l -> l.substring(l.indexOf(':') + 1).strip()).findFirst().orElseThrow();
  }

  @Test
  void planStartAndStatusTellTheCauseAtOnce(@TempDir Path tmp) throws Exception {
    try (DevServerFixture temporal = DevServerFixture.start(tmp.resolve("temporal"), false);
         LocalPostgres pg = LocalPostgres.start(LocalPostgres.Options.under(tmp.resolve("pg")))) {
      try (Connection c = pg.connect("postgres"); Statement s = c.createStatement()) {
        s.execute("CREATE DATABASE shop");
      }
      try (Connection c = pg.connect("shop"); Statement s = c.createStatement()) {
        for (String t : List.of("customers", "accounts")) {
          s.execute("CREATE TABLE " + t + " (id bigint PRIMARY KEY, name text)");
          s.execute("INSERT INTO " + t + " SELECT g, 'n' || g FROM generate_series(1, 100) g");
        }
        s.execute("CREATE TABLE keyless (id bigint, name text)");
      }
      String address = temporal.server().address();
      Cli worker = new Cli(new GrpcTemporalConnector(),
          () -> List.of(new KubernetesActivitiesProvider()),
          Map.of("USER", "ops", "UNDERWAY_SQL_USER", pg.superuser(),
              "UNDERWAY_SQL_PASSWORD", pg.superuserPassword()));
      Future<Cli.Result> running = background.submit(() -> worker.run("worker", "--address",
          address, "--task-queue", TQ, "--shutdown-grace", "PT5S"));
      await().atMost(Duration.ofSeconds(60))
          .until(() -> worker.lifecycle.isRunning() || running.isDone());
      try {
        Cli client = new Cli(new GrpcTemporalConnector(), List::of, Map.of("USER", "alice"));

        // plan with the default sslMode against a server without TLS
        Path plan = Files.writeString(tmp.resolve("plan.json"),
            request(pg, "customers", null));
        long t0 = System.nanoTime();
        Cli.Result planned = client.run("plan", "--input-file", plan.toString(), "--address",
            address, "--task-queue", TQ);
        Duration took = Duration.ofNanos(System.nanoTime() - t0);
        System.out.println("plan against a server without TLS, in " + took + ":\n" + planned);
        assertThat(planned.exitCode()).as(planned.toString()).isEqualTo(1);
        assertThat(planned.err()).contains("no plan: plan/observe failed: the server at "
                + pg.host() + ":" + pg.port() + " does not accept TLS, and target.sslMode is"
                + " \"verify-full\"")
            .contains("set target.sslMode to \"disable\" for a local server without TLS")
            .doesNotContain("is a worker polling").doesNotContain("\tat ")
            .doesNotContain(pg.superuserPassword());
        assertThat(took).as("said at once").isLessThan(Duration.ofSeconds(30));
        String status = planned.err().lines().filter(l -> l.contains("underway status "))
            .map(l -> l.substring(l.indexOf("underway status ")).strip()).findFirst()
            .orElseThrow();
        String dryRun = status.split(" ")[2];
        Cli.Result failed = client.run("status", dryRun, "--address", address);
        assertThat(failed.exitCode()).as(failed.toString()).isEqualTo(1);
        assertThat(failed.out()).containsPattern("state: +FAILED")
            .contains("does not accept TLS").doesNotContain("RUNNING")
            .doesNotContain("In flight");

        // start on a table without a key: refused at the observation, exit 1 with the reason
        Cli.Result keyless = client.run("start", "--input", request(pg, "keyless", "disable"),
            "--address", address, "--task-queue", TQ);
        System.out.println("start on a table without a key:\n" + keyless);
        assertThat(keyless.exitCode()).as(keyless.toString()).isEqualTo(1);
        assertThat(keyless.err()).contains("the run failed: Refused before any change:")
            .contains("public.keyless").doesNotContain("\tat ");

        // a good table: exit 0 once observed, the expand gate open
        Cli.Result good = client.run("start", "--input", request(pg, "customers", "disable"),
            "--address", address, "--task-queue", TQ);
        System.out.println("start on a good table:\n" + good);
        assertThat(good.exitCode()).as(good.toString()).isZero();
        assertThat(good.out()).contains("Waiting for the run to observe its target")
            .contains("Observed: WAITING_FOR_APPROVAL, gate expand is open");

        // terminated from outside: status says TERMINATED, not the state it had
        String goodId = id(good);
        temporal.client().newUntypedWorkflowStub(goodId).terminate("operator ended it");
        Cli.Result terminated = client.run("status", goodId, "--address", address);
        System.out.println("status of a terminated run:\n" + terminated);
        assertThat(terminated.exitCode()).as(terminated.toString()).isEqualTo(1);
        assertThat(terminated.out()).containsPattern("(state|status): +TERMINATED")
            .contains("ended:        TERMINATED: the run was terminated: operator ended it")
            .doesNotContainPattern("state: +WAITING_FOR_APPROVAL");

        // --no-wait: exit 0 at once, nothing observed yet
        Cli.Result quick = client.run("start", "--no-wait", "--input",
            request(pg, "accounts", "disable"), "--address", address, "--task-queue", TQ);
        assertThat(quick.exitCode()).as(quick.toString()).isZero();
        assertThat(quick.out()).doesNotContain("Waiting for the run").doesNotContain("Observed");
      } finally {
        worker.lifecycle.requestStop();
        assertThat(running.get(60, TimeUnit.SECONDS).exitCode()).isZero();
      }
    }
  }
}
