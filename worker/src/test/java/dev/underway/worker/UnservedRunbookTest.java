package dev.underway.worker;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.spi.ILoggingEvent;
import dev.underway.runbooks.Runbooks;
import dev.underway.temporal.DevServerFixture;
import dev.underway.workflows.evolution.InMemoryCluster;
import io.temporal.api.enums.v1.WorkflowExecutionStatus;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * A worker whose activities do not serve every runbook, on the real Temporal dev server: {@code
 * underway worker} warns at start, naming the runbook and the activity interface it lacks;
 * {@code underway start} of that runbook, and a start on a task queue nobody polls, fail at once
 * saying why and what to do, while a runbook the worker serves starts as before; {@code
 * underway plan} does not wait out its timeout either. The activities are {@link
 * InMemoryCluster}, an in-memory STAND-IN for Kubernetes and CockroachDB: they serve
 * cluster-evolution and drift-check, not schema-change.
 */
class UnservedRunbookTest {
  static final String TQ = "underway-unserved";

  @RegisterExtension final BackgroundWorker background = new BackgroundWorker();

  static String example(String path) throws Exception {
    return Path.of(UnservedRunbookTest.class.getResource("/runbooks/" + path).toURI())
        .toString();
  }

  @Test
  void theWorkerAndStartSayAtOnceThatNoWorkerServesARunbook(@TempDir Path tmp)
      throws Exception {
    try (DevServerFixture temporal = DevServerFixture.start(tmp.resolve("temporal"), false)) {
      String address = temporal.server().address();
      InMemoryActivitiesProvider provider =
          new InMemoryActivitiesProvider(InMemoryCluster.atPhase0());
      Cli worker = new Cli(new GrpcTemporalConnector(), () -> List.of(provider),
          Map.of("USER", "ops"));
      Future<Cli.Result> running = background.submit(() -> worker.run("worker", "--address",
          address, "--task-queue", TQ, "--shutdown-grace", "PT5S"));
      await().atMost(Duration.ofSeconds(60))
          .until(() -> worker.lifecycle.isRunning() || running.isDone());
      assertThat(running.isDone()).as("worker ended early: %s",
          running.isDone() ? running.get() : "").isFalse();
      try {
        // The worker said at start what it does not serve, and why.
        List<String> warnings = background.logs().stream().filter(e -> e.getLevel() == Level.WARN)
            .map(ILoggingEvent::getFormattedMessage).toList();
        assertThat(warnings).as("WARN lines").singleElement().asString()
            .contains("runbook schema-change is NOT served by this worker")
            .contains("implements SchemaChangeActivities")
            .contains("dev.underway.workflows.schema.contract.SchemaChangeActivities")
            .contains("its workflow SchemaChange is not registered")
            .contains("activities 'in-memory' on task queue " + TQ);

        Cli client = new Cli(new GrpcTemporalConnector(), List::of, Map.of("USER", "alice"));
        // A runbook it serves starts as before.
        Cli.Result served = client.run("start", "--input-file",
            example("cluster-evolution/evolve.json"), "--address", address, "--task-queue", TQ);
        assertThat(served.exitCode()).as(served.toString()).isZero();
        assertThat(served.out()).doesNotContain("Note:");

        // One it does not serve: refused at once, the run left waiting for a worker.
        long started = System.nanoTime();
        Cli.Result unserved = client.run("start", "--input-file",
            example("schema-change/split-name.json"), "--address", address, "--task-queue", TQ);
        Duration took = Duration.ofNanos(System.nanoTime() - started);
        System.out.println("start of an unserved runbook:\n" + unserved + "took " + took);
        assertThat(unserved.exitCode()).as(unserved.toString()).isEqualTo(1);
        String id = unserved.out().lines().filter(l -> l.contains("workflow id:"))
            .map(l -> l.substring(l.indexOf(':') + 1).strip()).findFirst().orElseThrow();
        assertThat(Runbooks.owning(id)).contains(Runbooks.SCHEMA_CHANGE);
        assertThat(unserved.err()).contains("the run was started, but no worker on task queue '"
                + TQ + "' serves runbook schema-change")
            .contains("Unknown workflow type \"SchemaChange\"")
            .contains("do not implement SchemaChangeActivities")
            .contains("underway worker --task-queue " + TQ + " --address " + address)
            .contains("or end it: temporal workflow terminate --workflow-id " + id + " --reason 'no worker"
                + " serves it' --address " + address);
        assertThat(took).as("said at once").isLessThan(Duration.ofSeconds(15));
        assertThat(temporal.client().newUntypedWorkflowStub(id).describe().getStatus())
            .isEqualTo(WorkflowExecutionStatus.WORKFLOW_EXECUTION_STATUS_RUNNING);

        // Its plan does not wait out its timeout for a worker either.
        started = System.nanoTime();
        Cli.Result plan = client.run("plan", "--input-file", example("schema-change/plan.json"),
            "--address", address, "--task-queue", TQ);
        assertThat(plan.exitCode()).as(plan.toString()).isEqualTo(1);
        assertThat(plan.err()).contains("no plan: no worker on task queue '" + TQ
            + "' serves runbook schema-change").contains("was terminated");
        assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(
            Duration.ofSeconds(15));

        // A task queue nobody polls.
        String lonely = "underway-nobody-polls";
        Cli.Result unpolled = client.run("start", "--input-file",
            example("drift-check/phase-1.json"), "--address", address, "--task-queue", lonely);
        System.out.println("start on a task queue nobody polls:\n" + unpolled);
        assertThat(unpolled.exitCode()).as(unpolled.toString()).isEqualTo(1);
        assertThat(unpolled.err()).contains("the run was started, but no worker is polling task"
            + " queue '" + lonely + "'")
            .contains("whose activities serve runbook " + Runbooks.DRIFT_CHECK.name())
            .contains("underway worker --task-queue " + lonely + " --address " + address);
      } finally {
        worker.lifecycle.requestStop();
        assertThat(running.get(60, TimeUnit.SECONDS).exitCode()).isZero();
      }
    }
  }
}
