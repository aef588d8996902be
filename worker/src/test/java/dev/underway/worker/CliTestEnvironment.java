package dev.underway.worker;

import dev.underway.workflows.evolution.InMemoryCluster;
import dev.underway.workflows.evolution.WorkflowTestSupport;
import io.temporal.client.WorkflowClient;
import io.temporal.testing.TestWorkflowEnvironment;

/**
 * The SDK's in-memory Temporal test server in REAL time (a person at a terminal does not skip
 * time), the search attributes registered as an operator would, and a worker whose activities
 * are {@link InMemoryCluster}: an in-memory STAND-IN for Kubernetes and CockroachDB.
 */
final class CliTestEnvironment implements AutoCloseable {
  static final String TASK_QUEUE = WorkflowTestSupport.TASK_QUEUE;

  private final WorkflowTestSupport support;
  final TestWorkflowEnvironment env;
  final WorkflowClient client;
  final InMemoryCluster cluster;

  CliTestEnvironment(InMemoryCluster cluster) {
    this.support = new WorkflowTestSupport(cluster, false);
    this.env = support.env;
    this.client = support.client;
    this.cluster = cluster;
  }

  /** A CLI whose commands use this environment's client; $USER is carol. */
  Cli cli() {
    return new Cli(o -> TemporalConnection.borrowed(client, env.getOperatorServiceStubs()),
        java.util.List::of, java.util.Map.of("USER", "carol"));
  }

  @Override
  public void close() {
    support.close();
  }
}
