package dev.underway.activities.local;

import dev.underway.activities.Failures;
import dev.underway.activities.PlatformActivities;
import dev.underway.activities.support.Heartbeats;
import dev.underway.model.ChangeResult;
import dev.underway.model.ChangeResult.Outcome;
import dev.underway.model.TargetRef;
import io.temporal.client.ActivityCompletionException;
import io.temporal.failure.ApplicationFailure;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@link PlatformActivities} for the local sandbox: the nodes are the server processes of a
 * {@link LocalCluster} (a primary and streaming standbys). A node is Ready when its process is
 * alive and accepts connections. The reader Service is the cluster's published reader endpoint;
 * the PodDisruptionBudget has no local meaning and is only recorded, so plans and verification
 * read as on Kubernetes. The {@link TargetRef} only names the target in messages.
 */
public class LocalPlatformActivities extends LocalPlatformBase {

  private static final Logger log = LoggerFactory.getLogger(LocalPlatformActivities.class);

  private final LocalCluster cluster;

  public LocalPlatformActivities(LocalCluster cluster, Duration pollInterval) {
    super(cluster, pollInterval);
    this.cluster = cluster;
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
        List<String> added = Heartbeats.during("base backup starting", beat -> {
          List<String> names = new ArrayList<>();
          while (cluster.nodeCount() < nodes) {
            String next = "node" + cluster.nodeCount();
            names.add(cluster.addStandby(bytes -> beat.report("base backup for " + next + ": "
                + bytes / (1024 * 1024) + " MiB copied")).name());
            beat.report(next + " started");
          }
          return names;
        });
        String detail = "nodes " + before + " -> " + nodes + " (streaming standby(s) "
            + String.join(", ", added) + " from base backups of " + LocalCluster.PRIMARY + ")";
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
  String kind() {
    return "local cluster";
  }
}
