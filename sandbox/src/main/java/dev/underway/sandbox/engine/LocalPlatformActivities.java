package dev.underway.sandbox.engine;

import dev.underway.kernel.Failures;
import dev.underway.workflows.evolution.contract.EvolutionFailures;
import dev.underway.workflows.evolution.contract.PlatformActivities;
import dev.underway.activities.support.HeartbeatWait;
import dev.underway.activities.support.Heartbeats;
import dev.underway.kernel.ChangeResult;
import dev.underway.kernel.ChangeResult.Outcome;
import dev.underway.workflows.evolution.model.NodesReady;
import dev.underway.workflows.evolution.model.PlatformState;
import dev.underway.workflows.evolution.model.ClusterTarget;
import io.temporal.client.ActivityCompletionException;
import io.temporal.failure.ApplicationFailure;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@link PlatformActivities} on a local cluster, whatever its engine: the nodes are the cluster's
 * server processes. Observing; scaling up (never down) with the stopped nodes started again
 * first, each new node added the engine's way ({@link LocalCluster#addNode}: a standby from a base
 * backup of the primary that heartbeats the MiB copied, or a CockroachDB node joining the
 * others); waiting for Ready nodes (the engine's readiness: accepts a connection, or {@code
 * /health?ready=1} answers 200); the reader Service is the cluster's published reader endpoint;
 * the PodDisruptionBudget has no local meaning and is only recorded, so plans and verification
 * read as on Kubernetes. The {@link ClusterTarget} only names the target in messages.
 */
public class LocalPlatformActivities implements PlatformActivities {

  private static final Logger log = LoggerFactory.getLogger(LocalPlatformActivities.class);

  private final LocalCluster<?> cluster;
  private final Duration pollInterval;

  public LocalPlatformActivities(LocalCluster<?> cluster, Duration pollInterval) {
    this.cluster = Objects.requireNonNull(cluster, "cluster");
    this.pollInterval = Objects.requireNonNull(pollInterval, "pollInterval");
    if (pollInterval.isNegative() || pollInterval.isZero()) {
      throw new IllegalArgumentException("pollInterval must be positive: " + pollInterval);
    }
  }

  /** The cluster in messages, e.g. {@code local PostgreSQL cluster}. */
  private String kind() {
    return "local " + cluster.engine().displayName() + " cluster";
  }

  @Override
  public PlatformState observe(ClusterTarget target) {
    PlatformState state = new PlatformState(cluster.nodeCount(), cluster.readyNodeCount(),
        cluster.readerPublished(), cluster.disruptionBudget().orElse(null), PlatformState.LOCAL);
    log.info("Observed {} ({} in {}): {}", name(target), kind(), cluster.directory(), state);
    return state;
  }

  @Override
  public ChangeResult scaleNodes(ClusterTarget target, int nodes) {
    if (nodes < 1) {
      throw invalid("nodes must be at least 1, got " + nodes);
    }
    String object = kind() + " " + name(target);
    synchronized (cluster) {
      int before = cluster.nodeCount();
      if (before > nodes) {
        throw ApplicationFailure.newNonRetryableFailure(
            "Refused: " + object + " has " + before + " nodes and " + nodes + " were asked for."
                + " Underway never scales down (" + cluster.scaleDownNeeds() + "). Nothing was"
                + " changed.",
            EvolutionFailures.SCALE_DOWN_REFUSED.type());
      }
      try {
        List<String> restarted = cluster.startStoppedNodes();
        if (!restarted.isEmpty()) {
          log.warn("{}: started {} that were recorded but not running", object, restarted);
        }
        if (before == nodes) {
          return ChangeResult.unchanged(object, "already " + nodes + " node(s)");
        }
        List<String> names = Heartbeats.during("adding node(s)", beat -> {
          List<String> started = new ArrayList<>();
          while (cluster.nodeCount() < nodes) {
            started.add(cluster.addNode(beat::report).name());
            beat.report(started.get(started.size() - 1) + " started");
          }
          return started;
        });
        String detail = "nodes " + before + " -> " + nodes + " ("
            + cluster.describeAdded(names) + ")";
        log.info("{}: {}", object, detail);
        return new ChangeResult(object, Outcome.UPDATED, detail);
      } catch (ActivityCompletionException e) {
        throw e;
      } catch (Exception e) {
        throw new LocalActivityException("scaling " + object + " to " + nodes + " failed: "
            + e.getMessage());
      }
    }
  }

  @Override
  public NodesReady awaitNodesReady(ClusterTarget target, int nodes) {
    return HeartbeatWait.forNodes("ready", name(target), nodes, pollInterval,
        cluster::readyNodeCount);
  }

  @Override
  public ChangeResult applyDisruptionBudget(ClusterTarget target, int maxUnavailable) {
    if (maxUnavailable < 0) {
      throw invalid("maxUnavailable must not be negative, got " + maxUnavailable);
    }
    String object = "disruption budget of " + name(target) + " (recorded only: nothing evicts"
        + " local processes)";
    synchronized (cluster) {
      Integer before = cluster.disruptionBudget().orElse(null);
      if (Integer.valueOf(maxUnavailable).equals(before)) {
        return ChangeResult.unchanged(object, "maxUnavailable already " + maxUnavailable);
      }
      try {
        cluster.setDisruptionBudget(maxUnavailable);
      } catch (IOException e) {
        throw new LocalActivityException("recording the disruption budget failed: "
            + e.getMessage());
      }
      return new ChangeResult(object, before == null ? Outcome.CREATED : Outcome.UPDATED,
          "maxUnavailable " + (before == null ? "(none)" : before) + " -> " + maxUnavailable);
    }
  }

  @Override
  public ChangeResult ensureReaderService(ClusterTarget target) {
    String object = "reader endpoint " + (target == null ? "" : target.readerServiceOrDefault())
        + " of " + name(target);
    try {
      if (!cluster.publishReader()) {
        return ChangeResult.unchanged(object, "already published: "
            + cluster.readerJdbcUrl().orElseThrow());
      }
    } catch (IOException e) {
      throw new LocalActivityException("publishing the reader path failed: " + e.getMessage());
    }
    return new ChangeResult(object, Outcome.CREATED,
        "published " + cluster.readerJdbcUrl().orElseThrow());
  }

  /** The target in messages: its key, or {@code local}. */
  public static String name(ClusterTarget target) {
    return target == null ? "local" : target.key();
  }

  /** A request no retry can fix, refused before anything changes. */
  public static ApplicationFailure invalid(String message) {
    return ApplicationFailure.newNonRetryableFailure(message, Failures.INVALID_REQUEST);
  }
}
