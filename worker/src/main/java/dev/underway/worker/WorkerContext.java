package dev.underway.worker;

import java.util.Map;

/**
 * What an {@link ActivitiesProvider} may use to build activities. It deliberately carries no
 * Temporal credentials.
 *
 * @param namespace the Temporal namespace served
 * @param taskQueue the task queue polled
 * @param environment the process environment (e.g. {@code KUBECONFIG}, {@code UNDERWAY_SQL_USER})
 */
public record WorkerContext(String namespace, String taskQueue, Map<String, String> environment) {
  public WorkerContext {
    environment = environment == null ? Map.of() : Map.copyOf(environment);
  }

  @Override
  public String toString() {
    return "WorkerContext[namespace=" + namespace + ", taskQueue=" + taskQueue
        + ", environment=(" + environment.size() + " variables, not shown)]";
  }
}
