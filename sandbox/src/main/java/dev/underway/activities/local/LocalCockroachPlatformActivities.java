package dev.underway.activities.local;

import static dev.underway.activities.local.LocalPlatformActivities.invalid;
import static dev.underway.activities.local.LocalPlatformActivities.name;

import dev.underway.activities.DatabaseActivities;
import dev.underway.activities.Failures;
import dev.underway.activities.PlatformActivities;
import dev.underway.activities.support.Heartbeats;
import dev.underway.activities.sql.CockroachDialect;
import dev.underway.activities.sql.SqlDatabaseActivities;
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
 * {@link PlatformActivities} for the local CockroachDB sandbox: the nodes are the {@code
 * cockroach} processes of a {@link LocalCockroachCluster}; a node is Ready when its process is
 * alive and {@code /health?ready=1} answers 200 (what the Kubernetes readiness probe asks). The
 * reader Service is the cluster's published load-balanced URL; the PodDisruptionBudget is
 * recorded only. The {@link TargetRef} only names the target in messages.
 *
 * <p>The database side is the production SQL code: {@link #databaseActivities}.
 */
public class LocalCockroachPlatformActivities extends LocalPlatformBase {

  private static final Logger log =
      LoggerFactory.getLogger(LocalCockroachPlatformActivities.class);

  private final LocalCockroachCluster cluster;

  public LocalCockroachPlatformActivities(LocalCockroachCluster cluster, Duration pollInterval) {
    super(cluster, pollInterval);
    this.cluster = cluster;
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
        List<String> added = Heartbeats.during("starting a node", beat -> {
          List<String> names = new ArrayList<>();
          while (cluster.nodeCount() < nodes) {
            names.add(cluster.addNode().name());
            beat.report(names.get(names.size() - 1) + " started");
          }
          return names;
        });
        String detail = "nodes " + before + " -> " + nodes + " (started " + String.join(", ", added)
            + " joining " + cluster.first().address() + ")";
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
    return "local CockroachDB cluster";
  }
}
