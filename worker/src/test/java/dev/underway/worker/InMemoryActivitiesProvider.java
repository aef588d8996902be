package dev.underway.worker;

import dev.underway.workflows.evolution.InMemoryCluster;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;

/** Test provider: the in-memory stand-in for Kubernetes and CockroachDB. */
final class InMemoryActivitiesProvider implements ActivitiesProvider {
  final InMemoryCluster cluster;
  final AtomicBoolean closed = new AtomicBoolean();
  volatile WorkerContext context;

  InMemoryActivitiesProvider(InMemoryCluster cluster) {
    this.cluster = cluster;
  }

  @Override
  public String name() {
    return "in-memory";
  }

  @Override
  public String description() {
    return "an in-memory stand-in cluster (tests only)";
  }

  @Override
  public List<Object> activities(WorkerContext context) {
    this.context = context;
    return List.of(cluster.activities());
  }

  @Override
  public void close() {
    closed.set(true);
  }
}
