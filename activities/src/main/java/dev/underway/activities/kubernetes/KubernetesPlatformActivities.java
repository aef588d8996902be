package dev.underway.activities.kubernetes;

import dev.underway.workflows.evolution.contract.PlatformActivities;
import dev.underway.activities.support.HeartbeatWait;
import dev.underway.kernel.ChangeResult;
import dev.underway.workflows.evolution.model.NodesReady;
import dev.underway.workflows.evolution.model.PlatformState;
import dev.underway.workflows.evolution.model.ClusterTarget;
import io.fabric8.kubernetes.api.model.apps.StatefulSet;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import java.time.Duration;
import java.util.Objects;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@link PlatformActivities} on Kubernetes: a CockroachDB StatefulSet, its reader Service and its
 * PodDisruptionBudget. Each method is a short list of named steps over the per-kind operators;
 * failures retrying cannot fix are non-retryable {@code ApplicationFailure}s raised before any
 * change. API errors (timeouts, 409 conflicts, 5xx) are left to Temporal's retry policy: every
 * method reads before it writes, so a retry converges instead of repeating.
 */
public class KubernetesPlatformActivities implements PlatformActivities {
  private static final Logger log = LoggerFactory.getLogger(KubernetesPlatformActivities.class);

  private final StatefulSetOperator statefulSets;
  private final ServiceOperator services;
  private final DisruptionBudgetOperator budgets;
  private final DesiredObjects desired;
  private final Duration pollInterval;

  /**
   * @param client the Kubernetes client (owned by the caller, who closes it)
   * @param pollInterval how often {@link #awaitNodesReady} reads the pods; also its heartbeat rate
   */
  public KubernetesPlatformActivities(KubernetesClient client, Duration pollInterval) {
    Objects.requireNonNull(client, "client");
    this.pollInterval = Objects.requireNonNull(pollInterval, "pollInterval");
    if (pollInterval.isNegative() || pollInterval.isZero()) {
      throw new IllegalArgumentException("pollInterval must be positive: " + pollInterval);
    }
    this.statefulSets = new StatefulSetOperator(client);
    this.services = new ServiceOperator(client);
    this.budgets = new DisruptionBudgetOperator(client);
    this.desired = new DesiredObjects(client.getKubernetesSerialization());
  }

  @Override
  public PlatformState observe(ClusterTarget target) {
    Refusals.requireTarget(target);
    return permitted(target, () -> observeAllowed(target));
  }

  private PlatformState observeAllowed(ClusterTarget target) {
    StatefulSet sts = statefulSets.require(target);
    int desiredNodes = StatefulSetOperator.desiredReplicas(sts);
    int readyNodes = statefulSets.readyNodes(target, sts);
    boolean reader = services.exists(target.namespace(), target.readerServiceOrDefault());
    Integer maxUnavailable = budgets.maxUnavailable(target.namespace(), target.disruptionBudgetName());
    PlatformState state = new PlatformState(desiredNodes, readyNodes, reader, maxUnavailable);
    log.info("Observed {}: {} desired, {} ready, reader Service {} {}, budget {} maxUnavailable {}",
        target.key(), desiredNodes, readyNodes, target.readerServiceOrDefault(),
        reader ? "present" : "absent", target.disruptionBudgetName(), maxUnavailable);
    return state;
  }

  @Override
  public ChangeResult scaleNodes(ClusterTarget target, int nodes) {
    Refusals.requireTarget(target);
    if (nodes < 1) {
      throw Refusals.invalid("cannot scale " + target.key() + " to " + nodes
          + " nodes: a cluster needs at least 1");
    }
    return permitted(target, () -> statefulSets.scaleTo(target, nodes));
  }

  @Override
  public NodesReady awaitNodesReady(ClusterTarget target, int nodes) {
    Refusals.requireTarget(target);
    if (nodes < 1) {
      throw Refusals.invalid("cannot wait for " + nodes + " Ready nodes: at least 1 is needed");
    }
    return permitted(target, () -> awaitAllowed(target, nodes));
  }

  private NodesReady awaitAllowed(ClusterTarget target, int nodes) {
    log.info("Waiting for {} Ready nodes of {}", nodes, target.key());
    return HeartbeatWait.until("the wait for " + nodes + " Ready nodes of " + target.key(),
        NodesReady.class, pollInterval, NodesReady::done, last -> {
          StatefulSet sts = statefulSets.require(target);
          int desiredNodes = StatefulSetOperator.desiredReplicas(sts);
          if (desiredNodes < nodes) {
            throw Refusals.invalid("StatefulSet " + target.key() + " has replicas "
                + desiredNodes + ", so " + nodes + " nodes can never be Ready: scale it first");
          }
          NodesReady progress = new NodesReady(statefulSets.readyNodes(target, sts), nodes);
          if (last == null || progress.ready() != last.ready()) {
            log.info("{}: {}/{} nodes Ready", target.key(), progress.ready(), nodes);
          }
          return progress;
        });
  }

  @Override
  public ChangeResult applyDisruptionBudget(ClusterTarget target, int maxUnavailable) {
    Refusals.requireTarget(target);
    if (maxUnavailable < 0) {
      throw Refusals.invalid("maxUnavailable must be 0 or more, got " + maxUnavailable);
    }
    return permitted(target, () -> budgets.reconcile(desired.disruptionBudget(target,
        StatefulSetOperator.podSelector(target, statefulSets.require(target)), maxUnavailable)));
  }

  @Override
  public ChangeResult ensureReaderService(ClusterTarget target) {
    Refusals.requireTarget(target);
    return permitted(target, () -> services.reconcile(desired.readerService(target,
        StatefulSetOperator.podSelector(target, statefulSets.require(target)))));
  }

  /**
   * Runs one activity's requests; the API server's 403 becomes a non-retryable refusal naming
   * what was refused, since retrying cannot grant a permission (the worker's Role is namespaced:
   * a target in another namespace is the usual cause). Other API errors stay retryable.
   */
  private static <T> T permitted(ClusterTarget target, Supplier<T> requests) {
    try {
      return requests.get();
    } catch (KubernetesClientException e) {
      if (e.getCode() == 403) {
        log.warn("{}: the API server refused a request: {}", target.key(), e.getMessage());
        throw Refusals.forbidden(target, e);
      }
      throw e;
    }
  }
}
