package dev.underway.activities.local;

import dev.underway.activities.Failures;
import dev.underway.activities.PlatformActivities;
import dev.underway.activities.support.Polling;
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
import java.util.Objects;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What the platform activities of every local sandbox engine share: observing, waiting for
 * ready nodes, the recorded disruption budget (no local meaning: recorded so plans and
 * verification read as on Kubernetes) and the published reader endpoint. Each engine adds how it
 * scales. The {@link TargetRef} only names the target in messages.
 */
abstract class LocalPlatformBase implements PlatformActivities {

  private static final Logger log = LoggerFactory.getLogger(LocalPlatformBase.class);

  private final LocalNodes cluster;
  final Duration pollInterval;

  LocalPlatformBase(LocalNodes cluster, Duration pollInterval) {
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
    log.info("Observed {} ({} in {}): {}", name(target), kind(), cluster.directory(), state);
    return state;
  }

  /** How the engine's cluster is named in messages, e.g. {@code local cluster}. */
  abstract String kind();

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
      Polling.pause(pollInterval);
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

}
