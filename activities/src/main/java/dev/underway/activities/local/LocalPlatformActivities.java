package dev.underway.activities.local;

import dev.underway.activities.Failures;
import dev.underway.activities.PlatformActivities;
import dev.underway.model.ChangeResult;
import dev.underway.model.ChangeResult.Outcome;
import dev.underway.model.NodesReady;
import dev.underway.model.PlatformState;
import dev.underway.model.TargetRef;
import io.temporal.activity.Activity;
import io.temporal.activity.ActivityExecutionContext;
import io.temporal.failure.ApplicationFailure;
import java.io.IOException;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@link PlatformActivities} for the local sandbox: the nodes are the server processes of a
 * {@link LocalCluster} (a primary and streaming standbys). A node is Ready when its process is
 * alive and accepts connections. The reader Service is the cluster's published reader endpoint;
 * the PodDisruptionBudget has no local meaning and is only recorded, so plans and verification
 * read as on Kubernetes. The {@link TargetRef} only names the target in messages.
 */
public class LocalPlatformActivities implements PlatformActivities {

  private static final Logger log = LoggerFactory.getLogger(LocalPlatformActivities.class);

  private final LocalCluster cluster;
  private final Duration pollInterval;

  public LocalPlatformActivities(LocalCluster cluster, Duration pollInterval) {
    this.cluster = Objects.requireNonNull(cluster, "cluster");
    this.pollInterval = Objects.requireNonNull(pollInterval, "pollInterval");
    if (pollInterval.isNegative() || pollInterval.isZero()) {
      throw new IllegalArgumentException("pollInterval must be positive: " + pollInterval);
    }
  }

  @Override
  public PlatformState observe(TargetRef target) {
    PlatformState state = new PlatformState(cluster.nodeCount(), cluster.readyNodeCount(),
        cluster.readerPublished(), cluster.disruptionBudget().orElse(null), PlatformState.LOCAL);
    log.info("Observed {} (local cluster {}): {}", name(target), cluster.directory(), state);
    return state;
  }

  @Override
  public ChangeResult scaleNodes(TargetRef target, int nodes) {
    if (nodes < 1) {
      throw invalid("nodes must be at least 1, got " + nodes);
    }
    String object = "local cluster " + name(target);
    synchronized (cluster) {
      int before = cluster.nodeCount();
      if (before > nodes) {
        throw ApplicationFailure.newNonRetryableFailure(
            "Refused: " + object + " has " + before + " nodes and " + nodes + " were asked for."
                + " Underway never scales down (a standby would have to leave"
                + " synchronous_standby_names first). Nothing was changed.",
            Failures.SCALE_DOWN_REFUSED);
      }
      try {
        List<String> restarted = cluster.startStoppedStandbys();
        if (!restarted.isEmpty()) {
          log.warn("{}: started standby(s) {} that were recorded but not running", object,
              restarted);
        }
        if (before == nodes) {
          return ChangeResult.unchanged(object, "already " + nodes + " node(s)");
        }
        List<String> added = new ArrayList<>();
        while (cluster.nodeCount() < nodes) {
          added.add(cluster.addStandby().name());
        }
        String detail = "nodes " + before + " -> " + nodes + " (streaming standby(s) "
            + String.join(", ", added) + " from base backups of " + LocalCluster.PRIMARY + ")";
        log.info("{}: {}", object, detail);
        return new ChangeResult(object, Outcome.UPDATED, detail);
      } catch (IOException | SQLException e) {
        throw new LocalActivityException("scaling " + object + " to " + nodes + " failed: "
            + e.getMessage());
      }
    }
  }

  @Override
  public NodesReady awaitNodesReady(TargetRef target, int nodes) {
    if (nodes < 1) {
      throw invalid("nodes must be at least 1, got " + nodes);
    }
    ActivityExecutionContext ctx = Activity.getExecutionContext();
    ctx.getHeartbeatDetails(NodesReady.class).ifPresent(p -> log.info(
        "Resuming the wait for {} ready nodes of {} at {}/{}", nodes, name(target), p.ready(),
        p.wanted()));
    while (true) {
      NodesReady progress = new NodesReady(cluster.readyNodeCount(), nodes);
      ctx.heartbeat(progress);
      if (progress.done()) {
        log.info("{}: {} of {} nodes ready", name(target), progress.ready(), nodes);
        return progress;
      }
      log.debug("{}: {} of {} nodes ready; waiting", name(target), progress.ready(), nodes);
      pause(pollInterval);
    }
  }

  @Override
  public ChangeResult applyDisruptionBudget(TargetRef target, int maxUnavailable) {
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
  public ChangeResult ensureReaderService(TargetRef target) {
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

  static String name(TargetRef target) {
    return target == null ? "local" : target.key();
  }

  static ApplicationFailure invalid(String message) {
    return ApplicationFailure.newNonRetryableFailure(message, Failures.INVALID_REQUEST);
  }

  static void pause(Duration interval) {
    try {
      Thread.sleep(interval.toMillis());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new LocalActivityException("interrupted while waiting");
    }
  }
}
