package dev.underway.activities;

import dev.underway.model.ChangeResult;
import dev.underway.model.DatabaseState;
import dev.underway.model.NodesReady;
import dev.underway.model.ReplicationProgress;
import dev.underway.model.TargetRef;
import io.temporal.activity.ActivityInterface;
import io.temporal.activity.ActivityMethod;

/**
 * What the database is asked over SQL. Every method is idempotent ({@code IF NOT EXISTS}, "set to
 * N" never "add one"). Credentials are resolved by the implementation and never appear in
 * arguments, results, heartbeats or logs.
 *
 * <p>Activity type names are {@code Database.<Method>}.
 */
@ActivityInterface
public interface DatabaseActivities {

  /** Version, live nodes, every zone's replication factor, reader user, licence. Changes nothing. */
  @ActivityMethod(name = "Database.Observe")
  DatabaseState observe(TargetRef target);

  /** Waits until at least {@code nodes} nodes are live. Heartbeats {@link NodesReady}. */
  @ActivityMethod(name = "Database.AwaitLiveNodes")
  NodesReady awaitLiveNodes(TargetRef target, int nodes);

  /**
   * Sets {@code num_replicas} to {@code replicationFactor} on every zone configuration ({@code
   * SHOW ALL ZONE CONFIGURATIONS}), not only {@code RANGE default}. Zones already there are left
   * alone. Refuses (non-retryable) a factor larger than the live nodes.
   */
  @ActivityMethod(name = "Database.SetReplicationFactor")
  ChangeResult setReplicationFactor(TargetRef target, int replicationFactor);

  /**
   * Waits until under-replicated and unavailable ranges are both 0 on {@code readingsRequired}
   * consecutive readings. Heartbeats {@link ReplicationProgress} and resumes from it.
   */
  @ActivityMethod(name = "Database.AwaitReplicated")
  ReplicationProgress awaitReplicated(TargetRef target, int readingsRequired);

  /**
   * Creates the read-only user if missing, grants it SELECT on the target database's tables, and
   * sets {@code default_transaction_read_only = true} for it. The grants are the real
   * enforcement; the default only makes a mistaken write fail early.
   */
  @ActivityMethod(name = "Database.EnsureReadOnlyUser")
  ChangeResult ensureReadOnlyUser(TargetRef target);
}
