package dev.underway.workflows.evolution.contract;

import dev.underway.kernel.ChangeResult;
import dev.underway.workflows.evolution.model.NodesReady;
import dev.underway.workflows.evolution.model.PlatformState;
import dev.underway.workflows.evolution.model.ClusterTarget;
import io.temporal.activity.ActivityInterface;
import io.temporal.activity.ActivityMethod;

/**
 * Where the database's nodes run: Kubernetes (a StatefulSet, Services, a PodDisruptionBudget),
 * or the local sandbox. Every method is idempotent: it states the desired end, never a delta.
 *
 * <p>Activity type names are {@code Platform.<Method>} (set per method: {@code namePrefix} is ignored when a name is given); they appear in history and the UI.
 */
@ActivityInterface
public interface PlatformActivities {

  /** Reads the cluster's nodes, reader Service and disruption budget. Changes nothing. */
  @ActivityMethod(name = "Platform.Observe")
  PlatformState observe(ClusterTarget target);

  /**
   * Makes the cluster have {@code nodes} nodes. Already that many: {@code UNCHANGED}. More than
   * that: a non-retryable {@code ScaleDownRefused} failure, nothing changed (Underway never
   * scales down: that needs {@code cockroach node decommission} first). Does not wait for
   * readiness.
   */
  @ActivityMethod(name = "Platform.ScaleNodes")
  ChangeResult scaleNodes(ClusterTarget target, int nodes);

  /**
   * Waits until {@code nodes} pods are Ready. Heartbeats {@link NodesReady} and resumes from the
   * last heartbeat after a retry.
   */
  @ActivityMethod(name = "Platform.AwaitNodesReady")
  NodesReady awaitNodesReady(ClusterTarget target, int nodes);

  /** Creates or patches the managed PodDisruptionBudget to {@code maxUnavailable}. */
  @ActivityMethod(name = "Platform.ApplyDisruptionBudget")
  ChangeResult applyDisruptionBudget(ClusterTarget target, int maxUnavailable);

  /** Creates or patches the reader Service (the reader path clients connect to). */
  @ActivityMethod(name = "Platform.EnsureReaderService")
  ChangeResult ensureReaderService(ClusterTarget target);
}
