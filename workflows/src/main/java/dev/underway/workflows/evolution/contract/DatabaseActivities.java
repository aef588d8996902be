package dev.underway.workflows.evolution.contract;

import dev.underway.guard.GuardSettings;
import dev.underway.guard.GuardState;
import dev.underway.kernel.ChangeResult;
import dev.underway.workflows.evolution.model.DatabaseState;
import dev.underway.workflows.evolution.model.NodesReady;
import dev.underway.workflows.evolution.model.PacedReplication;
import dev.underway.workflows.evolution.model.ReplicationProgress;
import dev.underway.workflows.evolution.model.ClusterTarget;
import dev.underway.workflows.evolution.model.SnapshotRate;
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

  /**
   * Version, live nodes, every zone's replication factor, the ranges' replicas, whether the
   * reader user exists and whether it may become the read-only user, PUBLIC's CREATE on schema
   * public, what the licence key states. Changes nothing.
   */
  @ActivityMethod(name = "Database.Observe")
  DatabaseState observe(ClusterTarget target);

  /** Waits until at least {@code nodes} nodes are live. Heartbeats {@link NodesReady}. */
  @ActivityMethod(name = "Database.AwaitLiveNodes")
  NodesReady awaitLiveNodes(ClusterTarget target, int nodes);

  /**
   * Sets {@code num_replicas} on every zone configuration ({@code SHOW ALL ZONE CONFIGURATIONS}),
   * not only {@code RANGE default}, as {@link dev.underway.workflows.evolution.model.ZoneRules} says: the factor on
   * every zone for 1 and 2; from 3 on, the factor on data zones and CockroachDB's default of 5
   * (at least the factor) on system zones below the factor. Zones already there are left alone.
   * Refuses (non-retryable) a factor larger than the live nodes.
   */
  @ActivityMethod(name = "Database.SetReplicationFactor")
  ChangeResult setReplicationFactor(ClusterTarget target, int replicationFactor);

  /**
   * Waits until the ranges really moved, on {@code readingsRequired} consecutive readings: each
   * taken at least the worker's settle time after the wait began (range metrics lag by up to two
   * 10-second intervals), each with no under-replicated or unavailable range in the metrics and
   * every range with the voting replicas its zone needs and no learner ({@code SHOW CLUSTER
   * RANGES}). Heartbeats {@link ReplicationProgress} and resumes from it, keeping the settle
   * start of its first attempt.
   */
  @ActivityMethod(name = "Database.AwaitReplicated")
  ReplicationProgress awaitReplicated(ClusterTarget target, int readingsRequired);

  /**
   * Creates the read-only user if missing (with its password in the same statement), grants it
   * SELECT on the target database's tables, and sets {@code default_transaction_read_only =
   * true} for it. The grants are the real enforcement; the default only makes a mistaken write
   * fail early. An existing role someone else uses is refused before it is touched; afterwards
   * the user's effective privileges are checked (it cannot write); PUBLIC's CREATE on schema
   * public is revoked only when {@code target.revokePublicCreate} asks for it.
   */
  @ActivityMethod(name = "Database.EnsureReadOnlyUser")
  ChangeResult ensureReadOnlyUser(ClusterTarget target);

  // ---- the snapshot rate, paced by the latency guard (a phase's data-moving wait) -----------

  /**
   * The snapshot rate settings as they are now ({@code kv.snapshot_rebalance.max_rate}, and
   * {@code kv.snapshot_recovery.max_rate} where the release still has it): the values a phase
   * restores afterwards. {@link SnapshotRate#notApplicable} where the database has none (the
   * sandbox's PostgreSQL). Changes nothing.
   */
  @ActivityMethod(name = "Database.ReadSnapshotRate")
  SnapshotRate readSnapshotRate(ClusterTarget target);

  /**
   * Samples the foreground's latency (the guard's probe, on a connection of its own) before the
   * phase moves data, for {@code guard}'s baseline time; heartbeats the guard's state. Changes
   * nothing. Null {@code guard}: the defaults.
   */
  @ActivityMethod(name = "Database.GuardBaseline")
  GuardState guardBaseline(ClusterTarget target, GuardSettings guard);

  /**
   * {@link #awaitReplicated} while the latency guard paces the snapshot rate: at every reading
   * the guard's duty sets each setting of {@code found} to {@code max(floor, duty x found)},
   * never above the value found (the floor is never above it either). Heartbeats {@link
   * PacedReplication} and resumes from it (the guard keeps its baseline). Leaves the rate where
   * it is when done: {@link #restoreSnapshotRate} puts it back.
   *
   * @param baseline the state {@link #guardBaseline} answered (its baseline is kept)
   */
  @ActivityMethod(name = "Database.AwaitReplicatedPaced")
  PacedReplication awaitReplicatedPaced(ClusterTarget target, int readingsRequired,
      SnapshotRate found, GuardSettings guard, GuardState baseline);

  /**
   * Puts every setting of {@code found} back exactly as found: an explicit value set again, a
   * default reset ({@code RESET CLUSTER SETTING}). Idempotent: settings already as found are left
   * alone. Not applicable: nothing to do.
   */
  @ActivityMethod(name = "Database.RestoreSnapshotRate")
  ChangeResult restoreSnapshotRate(ClusterTarget target, SnapshotRate found);
}
