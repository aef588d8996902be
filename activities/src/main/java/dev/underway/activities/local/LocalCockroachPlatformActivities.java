package dev.underway.activities.local;

import static dev.underway.activities.local.LocalPlatformActivities.invalid;
import static dev.underway.activities.local.LocalPlatformActivities.name;
import static dev.underway.activities.local.LocalPlatformActivities.pause;

import dev.underway.activities.DatabaseActivities;
import dev.underway.activities.Failures;
import dev.underway.activities.PlatformActivities;
import dev.underway.activities.sql.CockroachDialect;
import dev.underway.activities.sql.SqlDatabaseActivities;
import dev.underway.model.ChangeResult;
import dev.underway.model.ChangeResult.Outcome;
import dev.underway.model.NodesReady;
import dev.underway.model.PlatformState;
import dev.underway.model.TargetRef;
import io.temporal.activity.Activity;
import io.temporal.activity.ActivityExecutionContext;
import io.temporal.failure.ApplicationFailure;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@link PlatformActivities} for the local CockroachDB sandbox: the nodes are the {@code
 * cockroach} processes of a {@link LocalCockroachCluster}; a node is Ready when its process is
 * alive and {@code /health?ready=1} answers 200 (what the Kubernetes readiness probe asks). The
 * reader Service is the cluster's published load-balanced URL; the PodDisruptionBudget is
 * recorded only. The {@link TargetRef} only names the target in messages.
 *
 * <p>The database side is the production SQL code: {@link #databaseActivities}.
 */
public class LocalCockroachPlatformActivities implements PlatformActivities {

  private static final Logger log =
      LoggerFactory.getLogger(LocalCockroachPlatformActivities.class);

  private final LocalCockroachCluster cluster;
  private final Duration pollInterval;

  public LocalCockroachPlatformActivities(LocalCockroachCluster cluster, Duration pollInterval) {
    this.cluster = Objects.requireNonNull(cluster, "cluster");
    this.pollInterval = Objects.requireNonNull(pollInterval, "pollInterval");
    if (pollInterval.isNegative() || pollInterval.isZero()) {
      throw new IllegalArgumentException("pollInterval must be positive: " + pollInterval);
    }
  }

  /**
   * The {@link DatabaseActivities} for this cluster: {@link SqlDatabaseActivities} with {@link
   * CockroachDialect} (zones, ranges, live nodes, read-only user, licence), connecting to the
   * local nodes as {@code root} without a password.
   */
  public static DatabaseActivities databaseActivities(LocalCockroachCluster cluster,
      Duration pollInterval) {
    return new SqlDatabaseActivities(cluster.connectionFactory(), cluster.credentialSource(),
        new CockroachDialect(), pollInterval);
  }

  @Override
  public PlatformState observe(TargetRef target) {
    PlatformState state = new PlatformState(cluster.nodeCount(), cluster.readyNodeCount(),
        cluster.readerPublished(), cluster.disruptionBudget().orElse(null), PlatformState.LOCAL);
    log.info("Observed {} (local CockroachDB cluster {}): {}", name(target), cluster.directory(),
        state);
    return state;
  }

  @Override
  public ChangeResult scaleNodes(TargetRef target, int nodes) {
    if (nodes < 1) {
      throw invalid("nodes must be at least 1, got " + nodes);
    }
    String object = "local CockroachDB cluster " + name(target);
    synchronized (cluster) {
      int before = cluster.nodeCount();
      if (before > nodes) {
        throw ApplicationFailure.newNonRetryableFailure(
            "Refused: " + object + " has " + before + " nodes and " + nodes + " were asked for."
                + " Underway never scales down (a CockroachDB node has to be decommissioned with"
                + " `cockroach node decommission` first). Nothing was changed.",
            Failures.SCALE_DOWN_REFUSED);
      }
      try {
        List<String> restarted = cluster.startStoppedNodes();
        if (!restarted.isEmpty()) {
          log.warn("{}: started node(s) {} that were recorded but not running", object,
              restarted);
        }
        if (before == nodes) {
          return ChangeResult.unchanged(object, "already " + nodes + " node(s)");
        }
        List<String> added = new ArrayList<>();
        while (cluster.nodeCount() < nodes) {
          added.add(cluster.addNode().name());
        }
        String detail = "nodes " + before + " -> " + nodes + " (started " + String.join(", ", added)
            + " joining " + cluster.first().address() + ")";
        log.info("{}: {}", object, detail);
        return new ChangeResult(object, Outcome.UPDATED, detail);
      } catch (IOException e) {
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
}
