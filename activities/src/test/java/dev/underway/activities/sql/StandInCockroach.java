package dev.underway.activities.sql;

import dev.underway.activities.sql.RangeChecks.RangeReplicas;
import dev.underway.workflows.evolution.model.SnapshotRate;
import dev.underway.workflows.evolution.model.ZoneReplication;
import java.sql.Connection;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A STAND-IN for a CockroachDB cluster (no cockroach binary may be installed here), behaving as
 * CockroachDB's documentation says, on a test clock that advances by {@link #step} at every
 * reading of the range metrics:
 *
 * <ul>
 *   <li>after {@code ALTER ... CONFIGURE ZONE USING num_replicas = 3}, the ranges move one after
 *       the other: each gets a learner replica on the new node, which becomes a voter later
 *       ({@code SHOW CLUSTER RANGES}: {@code voting_replicas}, {@code learner_replicas});
 *   <li>the range metrics ({@code ranges.underreplicated} in {@code kv_store_status}) are
 *       recomputed every 10 s and published 10 s later, so right after the change they still
 *       describe the cluster before it: clean while ranges are under-replicated.
 * </ul>
 *
 * <p>Its snapshot rate settings behave as the cluster settings do: {@code
 * kv.snapshot_rebalance.max_rate} at its default of 32 MiB (and {@code
 * kv.snapshot_recovery.max_rate} on a release before v23.2, {@link #withRecoveryRate}), printed
 * as CockroachDB prints byte sizes; a {@code SET CLUSTER SETTING} stores a value, a {@code RESET}
 * goes back to the default; every statement is recorded.
 *
 * <p>Only the CockroachDB statements are replaced; the activity, the dialect's range check and
 * zone validation are the production code.
 */
final class StandInCockroach extends CockroachDialect {

  /** A clock the test moves. */
  static final class TestClock extends Clock {
    final AtomicLong millis;

    TestClock(long startMillis) {
      this.millis = new AtomicLong(startMillis);
    }

    @Override
    public ZoneId getZone() {
      return ZoneOffset.UTC;
    }

    @Override
    public Clock withZone(ZoneId zone) {
      return this;
    }

    @Override
    public Instant instant() {
      return Instant.ofEpochMilli(millis.get());
    }
  }

  private static final long METRIC_INTERVAL = 10_000;

  final TestClock clock = new TestClock(100_000);
  final Map<String, Integer> zones = new LinkedHashMap<>();
  final Set<Integer> live = new LinkedHashSet<>(List.of(1, 2, 3));
  final int rangeCount;
  /** How far the clock moves at each reading. */
  volatile Duration step = Duration.ofSeconds(2);
  /** After the change: the first learner appears after this, then one range every {@link #perRange}. */
  Duration firstMove = Duration.ofSeconds(2);
  Duration perRange = Duration.ofSeconds(4);
  /** How long a learner takes to become a voter. */
  Duration learnerTime = Duration.ofSeconds(4);
  /**
   * How long after a 10 s computation the metrics are published: 10 s as documented; longer for
   * a store whose status lags (a busy node), so that they stay clean for a while.
   */
  volatile Duration metricDelay = Duration.ofSeconds(10);
  private volatile long changedAt = -1;

  /** One reading as the activity saw it. */
  record Reading(long atMillis, boolean metricsClean, boolean rangesRight) {}

  final List<Reading> readings = new CopyOnWriteArrayList<>();

  /** {@code ranges} ranges with two voters on nodes 1 and 2, every zone at {@code rf}. */
  StandInCockroach(int ranges, int rf, String... zoneTargets) {
    this.rangeCount = ranges;
    for (String z : zoneTargets) {
      zones.put(z, rf);
    }
  }

  /** A cluster whose ranges already have three voters and a zone factor of 3. */
  static StandInCockroach settledAt3(int ranges) {
    StandInCockroach c = new StandInCockroach(ranges, 3, "RANGE default");
    c.changedAt = 0;
    return c;
  }

  // ---- the replicas as they really are at a moment ---------------------------------------------

  List<RangeReplicas> truthAt(long millis) {
    List<RangeReplicas> ranges = new ArrayList<>();
    for (int i = 0; i < rangeCount; i++) {
      List<Integer> voters = List.of(1, 2);
      List<Integer> learners = List.of();
      if (changedAt >= 0) {
        long learnerAt = changedAt + firstMove.toMillis() + i * perRange.toMillis();
        if (millis >= learnerAt + learnerTime.toMillis()) {
          voters = List.of(1, 2, 3);
        } else if (millis >= learnerAt) {
          learners = List.of(3);
        }
      }
      ranges.add(new RangeReplicas(i + 1, voters, learners));
    }
    return ranges;
  }

  boolean rightAt(long millis) {
    return RangeChecks.health(truthAt(millis), smallestZone(), live).healthy();
  }

  private int smallestZone() {
    return zones.values().stream().mapToInt(Integer::intValue).min().orElse(3);
  }

  private long underReplicatedAt(long millis) {
    return RangeChecks.health(truthAt(millis), smallestZone(millis), live).underReplicated();
  }

  /** The zones' factor as it was at a moment (before or after the change). */
  private int smallestZone(long millis) {
    return changedAt < 0 || millis < changedAt ? zoneBefore : smallestZone();
  }

  private volatile int zoneBefore;

  // ---- the CockroachDB statements ----------------------------------------------------------------

  @Override
  public String serverVersion(Connection c) {
    return "CockroachDB CCL v26.1.0 (stand-in)";
  }

  @Override
  public void allowInternals(Connection c, String version) {}

  @Override
  public int liveNodes(Connection c) {
    return live.size();
  }

  @Override
  public Set<Integer> liveNodeIds(Connection c) {
    return Set.copyOf(live);
  }

  @Override
  public synchronized List<ZoneReplication> zones(Connection c) {
    List<ZoneReplication> list = new ArrayList<>();
    zones.forEach((t, n) -> list.add(new ZoneReplication(t, n)));
    return list;
  }

  @Override
  public synchronized void setNumReplicas(Connection c, String target, int numReplicas) {
    alterZoneSql(target, numReplicas); // the real validation
    if (changedAt < 0) {
      zoneBefore = smallestZone();
      changedAt = clock.millis();
    }
    zones.put(target, numReplicas);
  }

  /** Published metrics: what was true at a 10 s boundary, {@link #metricDelay} before now. */
  @Override
  public RangeCounts rangeCounts(Connection c) {
    long now = clock.millis.addAndGet(step.toMillis());
    long computedAt = Math.floorDiv(now - metricDelay.toMillis(), METRIC_INTERVAL)
        * METRIC_INTERVAL;
    RangeCounts published = new RangeCounts(underReplicatedAt(computedAt), 0);
    readings.add(new Reading(now, published.clean(), rightAt(now)));
    return published;
  }

  @Override
  public List<RangeReplicas> clusterRanges(Connection c) {
    return truthAt(clock.millis());
  }

  // ---- the snapshot rate settings ----------------------------------------------------------------

  static final long MIB = 1024L * 1024;
  /** The settings this release knows, with their defaults. */
  final Map<String, Long> snapshotDefaults = new ConcurrentHashMap<>(
      Map.of(SNAPSHOT_REBALANCE_RATE, 32 * MIB));
  /** Values set explicitly ({@code system.settings} rows). */
  final Map<String, Long> snapshotSet = new ConcurrentHashMap<>();
  /** Every SET and RESET, as the statement the dialect would send. */
  final List<String> snapshotStatements = new CopyOnWriteArrayList<>();

  /** A release before v23.2: the recovery rate is a setting of its own. */
  StandInCockroach withRecoveryRate() {
    snapshotDefaults.put(SNAPSHOT_RECOVERY_RATE, 32 * MIB);
    return this;
  }

  /** The value in effect now. */
  long snapshotRate(String name) {
    return snapshotSet.getOrDefault(name, snapshotDefaults.get(name));
  }

  @Override
  public Optional<SnapshotRate.Setting> snapshotRate(Connection c, String name) {
    if (!snapshotDefaults.containsKey(name)) {
      return Optional.empty();
    }
    Long set = snapshotSet.get(name);
    long value = set != null ? set : snapshotDefaults.get(name);
    return Optional.of(new SnapshotRate.Setting(name, printed(value), value, set != null,
        set == null ? null : String.valueOf(set)));
  }

  @Override
  public void setSnapshotRate(Connection c, String name, long bytesPerSecond) {
    snapshotStatements.add(setSnapshotRateSql(name, bytesPerSecond)); // the real validation
    snapshotSet.put(name, bytesPerSecond);
  }

  @Override
  public void resetSnapshotRate(Connection c, String name) {
    snapshotStatements.add(resetSnapshotRateSql(name));
    snapshotSet.remove(name);
  }

  /** As CockroachDB prints a byte size: {@code 32 MiB}, {@code 8.5 MiB}, {@code 512 KiB}. */
  static String printed(long bytes) {
    if (bytes < 1024) {
      return bytes + " B";
    }
    double kib = bytes / 1024.0;
    double value = kib < 1024 ? kib : kib / 1024;
    String unit = kib < 1024 ? "KiB" : "MiB";
    return value == Math.rint(value) ? (long) value + " " + unit
        : String.format(Locale.ROOT, "%.1f %s", value, unit);
  }
}
