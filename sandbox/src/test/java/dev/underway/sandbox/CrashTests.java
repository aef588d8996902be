package dev.underway.sandbox;

import static org.awaitility.Awaitility.await;

import dev.underway.kernel.DecisionRequest;
import dev.underway.kernel.RunStatus;
import dev.underway.workflows.evolution.model.EvolutionRequest;
import dev.underway.sandbox.engine.postgres.LocalPostgresCluster;
import dev.underway.temporal.DevServerBinary;
import dev.underway.workflows.evolution.ClusterEvolutionWorkflow;
import io.temporal.client.WorkflowClient;
import io.temporal.client.WorkflowOptions;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;

/**
 * What the crash tests share: a Phase 0 cluster the workers own, workers as processes of their
 * own ({@code underway worker --activities local}, what {@code ./underway} runs), the run, and a
 * gate approved once it is open.
 */
final class CrashTests {
  private CrashTests() {}

  /**
   * A Phase 0 cluster in {@code dir} (one node, RF 1, the budget at 0 as the reference story has
   * it: no gate there), left running for the workers; its primary's pid. Skipped first when
   * there is no dev server to run it against.
   */
  static long phase0Cluster(Path dir) throws Exception {
    DevServerBinary.requireOrSkip();
    LocalPostgresCluster created = LocalPostgresCluster.create(LocalPostgresCluster.Options.in(dir)
        .keepingDirectory(true).stoppingOnJvmExit(true));
    created.setDisruptionBudget(0);
    long primaryPid = created.pid(LocalPostgresCluster.PRIMARY);
    created.detach(); // the servers keep running; the workers own the cluster from here
    return primaryPid;
  }

  /**
   * A worker in a JVM of its own on this test's classpath, serving {@code taskQueue} with the
   * cluster in {@code cluster}, its output in {@code log}, with {@code env} added.
   */
  static Process worker(String address, String taskQueue, Duration heartbeatTimeout,
      Path cluster, Path log, Map<String, String> env) throws IOException {
    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    ProcessBuilder pb = new ProcessBuilder(java, "-cp", System.getProperty("java.class.path"),
        SandboxMain.class.getName(), "worker", "--activities", "local",
        "--address", address, "--task-queue", taskQueue,
        "--heartbeat-timeout", heartbeatTimeout.toString())
        .redirectErrorStream(true).redirectOutput(log.toFile());
    pb.environment().put(LocalActivitiesProvider.CLUSTER_ENV, cluster.toString());
    pb.environment().putAll(env);
    return pb.start();
  }

  /** Starts the sandbox target's evolution on {@code taskQueue}; its stub by workflow id. */
  static ClusterEvolutionWorkflow startRun(WorkflowClient client, String taskQueue) {
    String id = ClusterEvolutionWorkflow.workflowId(Sandbox.TARGET);
    ClusterEvolutionWorkflow run = client.newWorkflowStub(ClusterEvolutionWorkflow.class,
        WorkflowOptions.newBuilder().setTaskQueue(taskQueue).setWorkflowId(id).build());
    WorkflowClient.start(run::evolve,
        new EvolutionRequest(Sandbox.TARGET, null, null, false, "test"));
    return client.newWorkflowStub(ClusterEvolutionWorkflow.class, id);
  }

  static void awaitGate(ClusterEvolutionWorkflow run, String gate) {
    await().atMost(Duration.ofSeconds(120)).until(() -> {
      RunStatus s = run.status();
      return s.openGate() != null && s.openGate().gate().equals(gate);
    });
  }

  static void approve(ClusterEvolutionWorkflow run, String gate) {
    awaitGate(run, gate);
    run.decide(new DecisionRequest(gate, "approve", "test", "crash test"));
  }
}
