package dev.underway.worker;

import dev.underway.workflows.evolution.InMemoryCluster;
import java.util.List;

/**
 * Registered in the test META-INF/services to prove the ServiceLoader path: a fresh in-memory
 * STAND-IN cluster at Phase 0 per worker.
 */
public final class ServiceLoadedInMemoryProvider implements ActivitiesProvider {
  @Override
  public String name() {
    return "service-loaded-in-memory";
  }

  @Override
  public List<Object> activities(WorkerContext context) {
    return List.of(InMemoryCluster.atPhase0().activities());
  }
}
