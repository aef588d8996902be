package dev.underway.activities.kubernetes.real;

import dev.underway.workflows.evolution.contract.DatabaseActivities;
import dev.underway.guard.GuardSettings;
import dev.underway.guard.GuardState;
import dev.underway.kernel.ChangeResult;
import dev.underway.workflows.evolution.model.DatabaseState;
import dev.underway.workflows.evolution.model.NodesReady;
import dev.underway.workflows.evolution.model.PacedReplication;
import dev.underway.workflows.evolution.model.SnapshotRate;
import dev.underway.workflows.evolution.model.ReplicationProgress;
import dev.underway.workflows.evolution.model.ClusterTarget;
import dev.underway.workflows.evolution.InMemoryCluster;
import io.fabric8.kubernetes.api.model.apps.StatefulSet;
import io.fabric8.kubernetes.client.KubernetesClient;

/**
 * A STAND-IN for CockroachDB's SQL side (no {@code cockroach} binary may be installed on these
 * machines): the workflow tests' documented {@link InMemoryCluster} database activities (zones,
 * replication, the read-only user, all in memory), except that its live nodes follow the real
 * StatefulSet's Ready pods, as CockroachDB nodes join when their pods start. Only the database
 * side is stood in; the platform side of every test using it is the real API server.
 */
final class CockroachStandIn implements DatabaseActivities {
  private final InMemoryCluster memory;
  private final DatabaseActivities database;
  private final KubernetesClient admin;

  /** At Phase 0 of the reference story: RF 1 on every zone, no read-only user. */
  CockroachStandIn(KubernetesClient admin) {
    this(admin, InMemoryCluster.atPhase0().licensed(true));
  }

  /** With the in-memory database in the state {@code memory} is in. */
  CockroachStandIn(KubernetesClient admin, InMemoryCluster memory) {
    this.memory = memory;
    this.database = memory.database();
    this.admin = admin;
  }

  InMemoryCluster memory() {
    return memory;
  }

  /** A node is live once its pod is Ready (the stand-in's count only ever grows, like a join). */
  private void joinReadyPods(ClusterTarget target) {
    StatefulSet sts = admin.apps().statefulSets().inNamespace(target.namespace())
        .withName(target.statefulSet()).get();
    Integer ready = sts == null || sts.getStatus() == null ? null
        : sts.getStatus().getReadyReplicas();
    if (ready != null && ready > memory.nodes()) {
      memory.platform().scaleNodes(target, ready);
    }
  }

  @Override
  public DatabaseState observe(ClusterTarget target) {
    joinReadyPods(target);
    return database.observe(target);
  }

  @Override
  public NodesReady awaitLiveNodes(ClusterTarget target, int nodes) {
    joinReadyPods(target);
    return database.awaitLiveNodes(target, nodes);
  }

  @Override
  public ChangeResult setReplicationFactor(ClusterTarget target, int replicationFactor) {
    joinReadyPods(target);
    return database.setReplicationFactor(target, replicationFactor);
  }

  @Override
  public ReplicationProgress awaitReplicated(ClusterTarget target, int readingsRequired) {
    return database.awaitReplicated(target, readingsRequired);
  }

  @Override
  public ChangeResult ensureReadOnlyUser(ClusterTarget target) {
    return database.ensureReadOnlyUser(target);
  }

  @Override
  public SnapshotRate readSnapshotRate(ClusterTarget target) {
    return database.readSnapshotRate(target);
  }

  @Override
  public GuardState guardBaseline(ClusterTarget target, GuardSettings guard) {
    return database.guardBaseline(target, guard);
  }

  @Override
  public PacedReplication awaitReplicatedPaced(ClusterTarget target, int readingsRequired,
      SnapshotRate found, GuardSettings guard, GuardState baseline) {
    return database.awaitReplicatedPaced(target, readingsRequired, found, guard, baseline);
  }

  @Override
  public ChangeResult restoreSnapshotRate(ClusterTarget target, SnapshotRate found) {
    return database.restoreSnapshotRate(target, found);
  }
}
