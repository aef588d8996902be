package dev.underway.sandbox.engine.postgres;

import dev.underway.activities.PlatformActivities;
import dev.underway.activities.support.Heartbeats;
import dev.underway.model.TargetRef;
import dev.underway.sandbox.engine.LocalPlatformBase;
import java.time.Duration;
import java.util.List;

/**
 * {@link PlatformActivities} for the local sandbox on PostgreSQL: the nodes are the server
 * processes of a {@link LocalPostgresCluster} (a primary and streaming standbys); scaling adds
 * standbys from base backups of the primary (the copy heartbeats the MiB copied). A node is Ready
 * when its process is alive and accepts connections. The reader Service is the cluster's
 * published reader endpoint; the PodDisruptionBudget has no local meaning and is only recorded,
 * so plans and verification read as on Kubernetes. The {@link TargetRef} only names the target
 * in messages.
 */
public class LocalPostgresPlatformActivities extends LocalPlatformBase {

  private final LocalPostgresCluster cluster;

  public LocalPostgresPlatformActivities(LocalPostgresCluster cluster, Duration pollInterval) {
    super(cluster, pollInterval);
    this.cluster = cluster;
  }

  @Override
  protected String kind() {
    return "local cluster";
  }

  @Override
  protected String scaleDownNeeds() {
    return "a standby would have to leave synchronous_standby_names first";
  }

  @Override
  protected List<String> startStoppedNodes() throws Exception {
    return cluster.startStoppedStandbys();
  }

  @Override
  protected String scaleStarting() {
    return "base backup starting";
  }

  @Override
  protected String addNode(Heartbeats beat) throws Exception {
    String next = "node" + cluster.nodeCount();
    return cluster.addStandby(bytes -> beat.report("base backup for " + next + ": "
        + bytes / (1024 * 1024) + " MiB copied")).name();
  }

  @Override
  protected String added(List<String> names) {
    return "streaming standby(s) " + String.join(", ", names) + " from base backups of "
        + LocalPostgresCluster.PRIMARY;
  }
}
