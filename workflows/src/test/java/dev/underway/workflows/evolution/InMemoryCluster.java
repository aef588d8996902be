package dev.underway.workflows.evolution;

import dev.underway.workflows.evolution.contract.DatabaseActivities;
import dev.underway.kernel.Failures;
import dev.underway.workflows.evolution.contract.EvolutionFailures;
import dev.underway.workflows.evolution.contract.PlatformActivities;
import dev.underway.guard.GuardSettings;
import dev.underway.guard.GuardState;
import dev.underway.kernel.ChangeResult;
import dev.underway.kernel.ChangeResult.Outcome;
import dev.underway.workflows.evolution.model.DatabaseState;
import dev.underway.workflows.evolution.model.NodesReady;
import dev.underway.workflows.evolution.model.PacedReplication;
import dev.underway.workflows.evolution.model.PlatformState;
import dev.underway.workflows.evolution.model.ReplicationProgress;
import dev.underway.workflows.evolution.model.ClusterTarget;
import dev.underway.workflows.evolution.model.SnapshotRate;
import dev.underway.workflows.evolution.model.ZoneReplication;
import dev.underway.workflows.evolution.model.ZoneRules;
import io.temporal.activity.Activity;
import io.temporal.failure.ApplicationFailure;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * A STAND-IN for Kubernetes and CockroachDB, used only to test workflow logic in the
 * time-skipping test environment (the real activities are tested against fabric8's mock server
 * and real PostgreSQL in the activities module). It keeps the cluster's shape in memory, obeys
 * the activities' contracts (idempotent, refuses scale-down) and records every call so tests can
 * assert what ran and in which order.
 */
public class InMemoryCluster {

  /** The zones a fresh CockroachDB cluster lists in SHOW ALL ZONE CONFIGURATIONS. */
  public static final List<String> ZONES = List.of(
      "RANGE default", "DATABASE system", "RANGE meta", "RANGE liveness", "RANGE system",
      "TABLE system.public.replication_constraint_stats",
      "TABLE system.public.replication_stats");

  public static final List<String> MUTATIONS = List.of(
      "Platform.ScaleNodes", "Platform.ApplyDisruptionBudget", "Platform.EnsureReaderService",
      "Database.SetReplicationFactor", "Database.EnsureReadOnlyUser");

  private int nodes;
  private final Map<String, Integer> zones = new LinkedHashMap<>();
  private boolean readerUser;
  private boolean readerService;
  private Integer budget;
  private boolean licensed;
  /** When false, SetReplicationFactor reports success but changes nothing (a broken cluster). */
  private volatile boolean zoneChangesTakeEffect = true;
  /** Pods not Ready and nodes not live (an unhealthy cluster: a run holds). */
  private int podsNotReady;
  private int nodesNotLive;
  /** When set, ScaleNodes fails with a retryable error, as with the Kubernetes API down. */
  private volatile boolean scaleUnreachable;
  /** When set, AwaitReplicated heartbeats until this latch opens (or it is cancelled). */
  private volatile CountDownLatch replicationGate;
  private final List<String> calls = Collections.synchronizedList(new ArrayList<>());
  private final InMemorySnapshotRate snapshotRate = new InMemorySnapshotRate();

  public InMemoryCluster(int nodes, int replicationFactor) {
    this.nodes = nodes;
    ZONES.forEach(z -> zones.put(z, replicationFactor));
    this.budget = replicationFactor <= 2 ? 0 : 1;
  }

  /** A cluster at Phase 0 of the reference story: 1 node, RF 1, no reader path. */
  public static InMemoryCluster atPhase0() {
    return new InMemoryCluster(1, 1);
  }

  /** A cluster at Phase 1: 2 nodes, RF 2, reader path. */
  public static InMemoryCluster atPhase1() {
    InMemoryCluster c = new InMemoryCluster(2, 2);
    c.readerUser = true;
    c.readerService = true;
    return c;
  }

  public InMemoryCluster licensed(boolean value) {
    this.licensed = value;
    return this;
  }

  /** The database has CockroachDB's snapshot rate setting, set to {@code bytesPerSecond}. */
  public InMemoryCluster withSnapshotRate(long bytesPerSecond) {
    snapshotRate.set(bytesPerSecond);
    return this;
  }

  /** The latency guard's duty during the replication wait (1: free). */
  public void guardDuty(double duty) {
    snapshotRate.slowTo(duty);
  }

  /** The snapshot rate now; null where the database has none. */
  public Long snapshotRate() {
    return snapshotRate.value();
  }

  /** Every value the snapshot rate took during the run, in order. */
  public List<Long> snapshotRates() {
    return snapshotRate.history();
  }

  public InMemoryCluster withoutDisruptionBudget() {
    this.budget = null;
    return this;
  }

  /** Makes {@code pods} pods not Ready and {@code nodes} nodes not live; 0, 0 heals. */
  public synchronized void unhealthy(int pods, int nodes) {
    this.podsNotReady = pods;
    this.nodesNotLive = nodes;
  }

  /** Someone else scales the cluster (behind Underway's back). */
  public synchronized void scaledElsewhere(int nodes) {
    this.nodes = nodes;
  }

  /** ScaleNodes fails (retryably) until {@code false} again: the API is unreachable. */
  public void scaleUnreachable(boolean value) {
    scaleUnreachable = value;
  }

  public void breakZoneChanges() {
    zoneChangesTakeEffect = false;
  }

  /** Makes AwaitReplicated wait until {@link #finishReplication()}. */
  public void holdReplication() {
    replicationGate = new CountDownLatch(1);
  }

  public void finishReplication() {
    replicationGate.countDown();
  }

  public List<String> calls() {
    synchronized (calls) {
      return List.copyOf(calls);
    }
  }

  public List<String> mutatingCalls() {
    return calls().stream().filter(c -> MUTATIONS.stream().anyMatch(c::startsWith)).toList();
  }

  public synchronized int nodes() {
    return nodes;
  }

  public synchronized Map<String, Integer> zones() {
    return Map.copyOf(zones);
  }

  /**
   * Every zone as a cluster evolved to {@code rf} has it ({@link ZoneRules}): the factor, and
   * from 3 the system zones at CockroachDB's default 5.
   */
  public static Map<String, Integer> zonesAt(int rf) {
    Map<String, Integer> expected = new LinkedHashMap<>();
    ZONES.forEach(z -> expected.put(z, ZoneRules.wanted(z, rf)));
    return Map.copyOf(expected);
  }

  public synchronized boolean hasReaderUser() {
    return readerUser;
  }

  public synchronized boolean hasReaderService() {
    return readerService;
  }

  public synchronized Integer budget() {
    return budget;
  }

  private void record(String call) {
    calls.add(call);
  }

  /** The activity implementations to register with a worker. */
  public Object[] activities() {
    return new Object[] {platform(), database()};
  }

  public PlatformActivities platform() {
    InMemoryCluster c = this;
    return new PlatformActivities() {
      @Override
      public PlatformState observe(ClusterTarget target) {
        return c.observePlatform(target);
      }

      @Override
      public ChangeResult scaleNodes(ClusterTarget target, int nodes) {
        return c.scaleNodes(target, nodes);
      }

      @Override
      public NodesReady awaitNodesReady(ClusterTarget target, int nodes) {
        return c.awaitNodesReady(target, nodes);
      }

      @Override
      public ChangeResult applyDisruptionBudget(ClusterTarget target, int maxUnavailable) {
        return c.applyDisruptionBudget(target, maxUnavailable);
      }

      @Override
      public ChangeResult ensureReaderService(ClusterTarget target) {
        return c.ensureReaderService(target);
      }
    };
  }

  public DatabaseActivities database() {
    InMemoryCluster c = this;
    return new DatabaseActivities() {
      @Override
      public DatabaseState observe(ClusterTarget target) {
        return c.observeDatabase(target);
      }

      @Override
      public NodesReady awaitLiveNodes(ClusterTarget target, int nodes) {
        return c.awaitLiveNodes(target, nodes);
      }

      @Override
      public ChangeResult setReplicationFactor(ClusterTarget target, int replicationFactor) {
        return c.setReplicationFactor(target, replicationFactor);
      }

      @Override
      public ReplicationProgress awaitReplicated(ClusterTarget target, int readingsRequired) {
        return c.awaitReplicated(target, readingsRequired);
      }

      @Override
      public ChangeResult ensureReadOnlyUser(ClusterTarget target) {
        return c.ensureReadOnlyUser(target);
      }

      @Override
      public SnapshotRate readSnapshotRate(ClusterTarget target) {
        c.record("Database.ReadSnapshotRate");
        return c.snapshotRate.read();
      }

      @Override
      public GuardState guardBaseline(ClusterTarget target, GuardSettings guard) {
        c.record("Database.GuardBaseline");
        return c.snapshotRate.baseline(guard);
      }

      @Override
      public PacedReplication awaitReplicatedPaced(ClusterTarget target, int readingsRequired,
          SnapshotRate found, GuardSettings guard, GuardState baseline) {
        c.record("Database.AwaitReplicatedPaced");
        return c.snapshotRate.paced(found, () -> c.waitForReplication(readingsRequired));
      }

      @Override
      public ChangeResult restoreSnapshotRate(ClusterTarget target, SnapshotRate found) {
        c.record("Database.RestoreSnapshotRate");
        return c.snapshotRate.restore(found);
      }
    };
  }

  // ---- platform ----------------------------------------------------------------------------

  synchronized PlatformState observePlatform(ClusterTarget target) {
    record("Platform.Observe");
    return new PlatformState(nodes, nodes - podsNotReady, readerService, budget);
  }

  synchronized ChangeResult scaleNodes(ClusterTarget target, int wanted) {
    record("Platform.ScaleNodes(" + wanted + ")");
    if (scaleUnreachable) {
      throw new IllegalStateException("the Kubernetes API is unreachable (in-memory stand-in)");
    }
    if (wanted < nodes) {
      throw ApplicationFailure.newNonRetryableFailure(
          "would scale down from " + nodes + " to " + wanted,
          EvolutionFailures.SCALE_DOWN_REFUSED.type());
    }
    if (wanted == nodes) {
      return ChangeResult.unchanged("StatefulSet " + target.key(), "already " + nodes);
    }
    String detail = "replicas " + nodes + " -> " + wanted;
    nodes = wanted;
    return new ChangeResult("StatefulSet " + target.key(), Outcome.UPDATED, detail);
  }

  synchronized NodesReady awaitNodesReady(ClusterTarget target, int wanted) {
    record("Platform.AwaitNodesReady(" + wanted + ")");
    return new NodesReady(nodes, wanted);
  }

  synchronized ChangeResult applyDisruptionBudget(ClusterTarget target, int maxUnavailable) {
    record("Platform.ApplyDisruptionBudget(" + maxUnavailable + ")");
    Outcome outcome = budget == null ? Outcome.CREATED
        : budget == maxUnavailable ? Outcome.UNCHANGED : Outcome.UPDATED;
    budget = maxUnavailable;
    return new ChangeResult("PodDisruptionBudget " + target.disruptionBudgetName(), outcome,
        "maxUnavailable " + maxUnavailable);
  }

  synchronized ChangeResult ensureReaderService(ClusterTarget target) {
    record("Platform.EnsureReaderService");
    Outcome outcome = readerService ? Outcome.UNCHANGED : Outcome.CREATED;
    readerService = true;
    return new ChangeResult("Service " + target.readerServiceOrDefault(), outcome, "reader path");
  }

  // ---- database ----------------------------------------------------------------------------

  synchronized DatabaseState observeDatabase(ClusterTarget target) {
    record("Database.Observe");
    List<ZoneReplication> list = zones.entrySet().stream()
        .map(e -> new ZoneReplication(e.getKey(), e.getValue())).toList();
    return new DatabaseState("CockroachDB CCL v25.4.0 (in-memory stand-in)", nodes - nodesNotLive,
        list, readerUser, licensed);
  }

  synchronized NodesReady awaitLiveNodes(ClusterTarget target, int wanted) {
    record("Database.AwaitLiveNodes(" + wanted + ")");
    return new NodesReady(nodes, wanted);
  }

  synchronized ChangeResult setReplicationFactor(ClusterTarget target, int rf) {
    record("Database.SetReplicationFactor(" + rf + ")");
    if (rf > nodes) {
      throw ApplicationFailure.newNonRetryableFailure(
          "RF " + rf + " > " + nodes + " live nodes", Failures.INVALID_REQUEST);
    }
    long changed = zones.entrySet().stream()
        .filter(e -> !ZoneRules.satisfied(e.getKey(), e.getValue(), rf)).count();
    if (zoneChangesTakeEffect) {
      zones.replaceAll((k, v) -> ZoneRules.satisfied(k, v, rf) ? v : ZoneRules.wanted(k, rf));
    }
    return new ChangeResult("zone configurations", changed == 0 ? Outcome.UNCHANGED
        : Outcome.UPDATED, changed + " zone(s) set to num_replicas " + rf);
  }

  ReplicationProgress awaitReplicated(ClusterTarget target, int readingsRequired) {
    record("Database.AwaitReplicated");
    return waitForReplication(readingsRequired);
  }

  ReplicationProgress waitForReplication(int readingsRequired) {
    CountDownLatch gate = replicationGate;
    if (gate != null) {
      try {
        while (!gate.await(20, TimeUnit.MILLISECONDS)) {
          // Heartbeating is how a cancelled activity learns of it: this throws on cancel.
          Activity.getExecutionContext().heartbeat(
              new ReplicationProgress(7, 0, 0, readingsRequired));
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw Activity.wrap(e);
      }
    }
    return new ReplicationProgress(0, 0, readingsRequired, readingsRequired);
  }

  synchronized ChangeResult ensureReadOnlyUser(ClusterTarget target) {
    record("Database.EnsureReadOnlyUser");
    Outcome outcome = readerUser ? Outcome.UNCHANGED : Outcome.CREATED;
    readerUser = true;
    return new ChangeResult("user " + target.readerUserOrDefault(), outcome, "SELECT only");
  }
}
