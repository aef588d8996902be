package dev.underway.worker;

import dev.underway.workflows.evolution.ClusterEvolutionWorkflowImpl;
import dev.underway.workflows.evolution.InMemoryCluster;
import dev.underway.workflows.evolution.SearchAttributes;
import io.temporal.api.enums.v1.IndexedValueType;
import io.temporal.client.WorkflowClient;
import io.temporal.testing.TestEnvironmentOptions;
import io.temporal.testing.TestWorkflowEnvironment;
import io.temporal.worker.Worker;

/**
 * The SDK's in-memory Temporal test server in REAL time (a person at a terminal does not skip
 * time), the search attributes registered as an operator would, and a worker whose activities
 * are {@link InMemoryCluster}: an in-memory STAND-IN for Kubernetes and CockroachDB.
 */
final class CliTestEnvironment implements AutoCloseable {
  static final String TASK_QUEUE = "underway-cli-test";

  final TestWorkflowEnvironment env;
  final WorkflowClient client;
  final InMemoryCluster cluster;

  CliTestEnvironment(InMemoryCluster cluster) {
    this.cluster = cluster;
    this.env = TestWorkflowEnvironment.newInstance(
        TestEnvironmentOptions.newBuilder().setUseTimeskipping(false).build());
    for (var key : SearchAttributes.ALL) {
      env.registerSearchAttribute(key.getName(), IndexedValueType.INDEXED_VALUE_TYPE_KEYWORD);
    }
    Worker worker = env.newWorker(TASK_QUEUE);
    worker.registerWorkflowImplementationTypes(ClusterEvolutionWorkflowImpl.class);
    worker.registerActivitiesImplementations(cluster.activities());
    env.start();
    this.client = env.getWorkflowClient();
  }

  /** A CLI whose commands use this environment's client; $USER is carol. */
  Cli cli() {
    return new Cli(o -> TemporalConnection.borrowed(client, env.getOperatorServiceStubs()),
        java.util.List::of, java.util.Map.of("USER", "carol"));
  }

  @Override
  public void close() {
    env.close();
  }
}
