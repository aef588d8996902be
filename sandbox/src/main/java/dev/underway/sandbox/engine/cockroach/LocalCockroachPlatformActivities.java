package dev.underway.sandbox.engine.cockroach;

import dev.underway.activities.DatabaseActivities;
import dev.underway.activities.PlatformActivities;
import dev.underway.activities.sql.CockroachDialect;
import dev.underway.activities.sql.SqlDatabaseActivities;
import dev.underway.activities.support.Heartbeats;
import dev.underway.model.TargetRef;
import dev.underway.sandbox.engine.LocalPlatformBase;
import java.time.Duration;
import java.util.List;

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
  protected String kind() {
    return "local CockroachDB cluster";
  }

  @Override
  protected String scaleDownNeeds() {
    return "a CockroachDB node has to be decommissioned with `cockroach node decommission`"
        + " first";
  }

  @Override
  protected List<String> startStoppedNodes() throws Exception {
    return cluster.startStoppedNodes();
  }

  @Override
  protected String scaleStarting() {
    return "starting a node";
  }

  @Override
  protected String addNode(Heartbeats beat) throws Exception {
    return cluster.addNode().name();
  }

  @Override
  protected String added(List<String> names) {
    return "started " + String.join(", ", names) + " joining " + cluster.first().address();
  }
}
