package dev.underway.sandbox.engine.postgres;

import static dev.underway.activities.support.Polling.pause;
import static dev.underway.sandbox.engine.LocalPlatformActivities.invalid;
import static dev.underway.sandbox.engine.LocalPlatformActivities.name;

import dev.underway.workflows.evolution.contract.DatabaseActivities;
import dev.underway.kernel.Failures;
import dev.underway.activities.sql.CockroachDialect;
import dev.underway.activities.sql.PortableRoleSql;
import dev.underway.activities.sql.ReaderSafety;
import dev.underway.activities.sql.SqlDatabaseActivities;
import dev.underway.activities.support.HeartbeatWait;
import dev.underway.guard.GuardSettings;
import dev.underway.guard.GuardState;
import dev.underway.kernel.ChangeResult;
import dev.underway.kernel.ChangeResult.Outcome;
import dev.underway.workflows.evolution.model.DatabaseState;
import dev.underway.workflows.evolution.model.NodesReady;
import dev.underway.workflows.evolution.model.PacedReplication;
import dev.underway.workflows.evolution.model.RangeHealth;
import dev.underway.workflows.evolution.model.ReplicationProgress;
import dev.underway.workflows.evolution.model.ClusterTarget;
import dev.underway.workflows.evolution.model.SnapshotRate;
import dev.underway.workflows.evolution.model.ZoneReplication;
import dev.underway.sandbox.engine.LocalActivityException;
import io.temporal.failure.ApplicationFailure;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@link DatabaseActivities} for the local sandbox, over the cluster's writer path as its admin.
 *
 * <ul>
 *   <li>live nodes: the primary plus the standbys {@code pg_stat_replication} shows streaming;
 *   <li>replication factor: one "zone", {@code synchronous_standby_names} (see {@link
 *       SyncStandbys}), changed with {@code ALTER SYSTEM} and {@code pg_reload_conf()}, never a
 *       restart;
 *   <li>replicated: the setting in the configuration file is the one in effect (the reload took
 *       effect), and every listed standby is streaming, in the synchronous set ({@code
 *       pg_stat_replication.sync_state} quorum or sync: its WAL sender has the reload too) and has
 *       replayed past the primary's WAL position when the wait began (kept in the heartbeat, so a
 *       retried wait keeps it); on consecutive readings;
 *   <li>read-only user: the same code as for CockroachDB ({@link SqlDatabaseActivities} with
 *       {@link PortableRoleSql}), connected through the writer path.
 * </ul>
 */
public class LocalPostgresDatabaseActivities implements DatabaseActivities {

  private static final Logger log = LoggerFactory.getLogger(LocalPostgresDatabaseActivities.class);

  /** The one "zone" the local target has. */
  public static final String ZONE = "synchronous_standby_names";

  private static final Duration RELOAD_TIMEOUT = Duration.ofSeconds(30);

  private final LocalPostgresCluster cluster;
  private final Duration pollInterval;
  private final PortableRoleSql roles = new PortableRoleSql();
  private final ReaderSafety safety = new ReaderSafety();
  private final SqlDatabaseActivities readOnlyUser;

  public LocalPostgresDatabaseActivities(LocalPostgresCluster cluster, Duration pollInterval) {
    this.cluster = Objects.requireNonNull(cluster, "cluster");
    this.pollInterval = Objects.requireNonNull(pollInterval, "pollInterval");
    if (pollInterval.isNegative() || pollInterval.isZero()) {
      throw new IllegalArgumentException("pollInterval must be positive: " + pollInterval);
    }
    this.readOnlyUser = new SqlDatabaseActivities(
        (target, credentials) -> cluster.openWriter(target.database()),
        target -> cluster.sqlCredentials(),
        new CockroachDialect(roles),
        pollInterval);
  }

  // ---- observe --------------------------------------------------------------------------------

  @Override
  public DatabaseState observe(ClusterTarget target) {
    return withWriter(target, "observe", c -> {
      String version = show(c, "server_version");
      Reading r = read(c, null);
      String readerName = target.readerUserOrDefault();
      boolean reader = roles.roleExists(c, readerName);
      List<String> problems = reader ? safety.problems(c, readerName,
          cluster.sqlCredentials().user(), target.tableOwnersOrEmpty()) : List.of();
      DatabaseState state = new DatabaseState("PostgreSQL " + version, r.liveNodes(),
          List.of(new ZoneReplication(ZONE, r.sync().replicationFactor())), reader, true,
          DatabaseState.POSTGRESQL, r.health(false), null, problems,
          safety.publicCanCreate(c));
      log.info("Observed {}: {} live node(s), {} = '{}' (RF {}), reader user {}", name(target),
          r.liveNodes(), ZONE, r.sync().toSetting(), r.sync().replicationFactor(),
          reader ? "present" : "absent");
      return state;
    });
  }

  // ---- live nodes -----------------------------------------------------------------------------

  /** Live: the primary and the standbys {@code pg_stat_replication} shows streaming. */
  @Override
  public NodesReady awaitLiveNodes(ClusterTarget target, int nodes) {
    return HeartbeatWait.forNodes("live", name(target), nodes, pollInterval,
        () -> withWriter(target, "read live nodes", c -> read(c, null).liveNodes()));
  }

  // ---- replication factor ---------------------------------------------------------------------

  @Override
  public ChangeResult setReplicationFactor(ClusterTarget target, int replicationFactor) {
    if (replicationFactor < 1) {
      throw invalid("replication factor must be at least 1, got " + replicationFactor);
    }
    int nodes = cluster.nodeCount();
    if (replicationFactor > nodes) {
      throw invalid("replication factor " + replicationFactor + " is more than the " + nodes
          + " node(s) of " + name(target) + ": scale first. Nothing was changed.");
    }
    SyncStandbys desired =
        SyncStandbys.forReplicationFactor(replicationFactor, cluster.standbyNames());
    String object = ZONE + " of " + name(target);
    return withWriter(target, "setReplicationFactor", c -> {
      Reading r = read(c, null);
      String before = r.sync().toSetting();
      if (show(c, ZONE).trim().equals(desired.toSetting())) {
        return ChangeResult.unchanged(object, ZONE + " already '" + desired.toSetting()
            + "' (RF " + replicationFactor + ")");
      }
      long streaming = desired.names().stream().filter(r::streaming).count();
      if (streaming < desired.required()) {
        // commits would wait for a standby that is not there: never make the writer path stall
        throw new LocalActivityException("only " + streaming + " of the standbys "
            + desired.names() + " stream, a commit would wait for " + desired.required()
            + ": wait for the nodes to be live first. Nothing was changed.");
      }
      try (Statement s = c.createStatement()) {
        s.execute("ALTER SYSTEM SET " + ZONE + " = '" + desired.toSetting() + "'");
        s.execute("SELECT pg_reload_conf()");
      }
      awaitSetting(target, desired.toSetting());
      String detail = ZONE + " '" + before + "' -> '" + desired.toSetting() + "' (RF "
          + r.sync().replicationFactor() + " -> " + replicationFactor + ", reloaded, no restart)";
      log.info("{}: {}", object, detail);
      return new ChangeResult(object, Outcome.UPDATED, detail);
    });
  }

  /** Until a new session sees the reloaded value (the reload is asynchronous). */
  private void awaitSetting(ClusterTarget target, String value) throws SQLException {
    long deadline = System.nanoTime() + RELOAD_TIMEOUT.toNanos();
    while (true) {
      try (Connection c = cluster.openWriter(target.database())) {
        if (show(c, ZONE).trim().equals(value)) {
          return;
        }
      }
      if (System.nanoTime() > deadline) {
        throw new LocalActivityException(ZONE + " was set but is not in effect after "
            + RELOAD_TIMEOUT + ": look at the primary's log");
      }
      pause(Duration.ofMillis(Math.min(100, pollInterval.toMillis())));
    }
  }

  // ---- up-replication -------------------------------------------------------------------------

  /**
   * Until every standby in the setting is in the synchronous set and has replayed the primary's
   * WAL position of when the wait first began (the heartbeat keeps it, with the clean readings in
   * a row, so a retried wait carries on), on {@code readingsRequired} consecutive readings.
   */
  @Override
  public ReplicationProgress awaitReplicated(ClusterTarget target, int readingsRequired) {
    if (readingsRequired < 1) {
      throw invalid("readingsRequired must be at least 1, got " + readingsRequired);
    }
    ReplicationProgress done = HeartbeatWait.until("the replication wait of " + name(target),
        ReplicationProgress.class, pollInterval, ReplicationProgress::done, last -> {
          String mark = last == null ? null : last.replayMark();
          Reading r = withWriter(target, "read replication", c -> read(c, mark));
          RangeHealth health = r.health(true);
          int clean = health.healthy() ? (last == null ? 0 : last.consecutiveCleanReadings()) + 1
              : 0;
          if (r.reloadPending()) {
            log.debug("{}: the configuration file says '{}' (not yet in effect)", name(target),
                r.fileSetting());
          }
          return new ReplicationProgress(health.underReplicated(), health.unavailable(), clean,
              readingsRequired, null, null, null, r.mark());
        });
    log.info("{}: every standby in the synchronous set and past {} on {} consecutive readings",
        name(target), done.replayMark(), done.consecutiveCleanReadings());
    return done;
  }

  // ---- the snapshot rate: PostgreSQL has none --------------------------------------------------

  /**
   * Why the phase has no snapshot rate steps here: a standby is made by a base backup, paced by
   * the latency guard inside the scale step ({@link BaseBackup.CopyMeter}), and then streams WAL.
   */
  static final String NO_SNAPSHOT_RATE = "PostgreSQL has no snapshot rate setting (a new"
      + " standby's base backup is paced by the latency guard in the scale step)";

  @Override
  public SnapshotRate readSnapshotRate(ClusterTarget target) {
    return SnapshotRate.notApplicable(NO_SNAPSHOT_RATE);
  }

  /** Nothing to pace here: the guard's state says so (off), nothing is sampled. */
  @Override
  public GuardState guardBaseline(ClusterTarget target, GuardSettings guard) {
    return new GuardState(GuardState.OFF, null, null, null, null, 1.0, 0L, null,
        "not applicable: " + NO_SNAPSHOT_RATE);
  }

  @Override
  public PacedReplication awaitReplicatedPaced(ClusterTarget target, int readingsRequired,
      SnapshotRate found, GuardSettings guard, GuardState baseline) {
    throw invalid("not applicable: " + NO_SNAPSHOT_RATE + "; the replication wait is"
        + " Database.AwaitReplicated");
  }

  @Override
  public ChangeResult restoreSnapshotRate(ClusterTarget target, SnapshotRate found) {
    return ChangeResult.unchanged("snapshot rate of " + name(target),
        "not applicable: " + NO_SNAPSHOT_RATE);
  }

  // ---- read-only user -------------------------------------------------------------------------

  @Override
  public ChangeResult ensureReadOnlyUser(ClusterTarget target) {
    if (target == null) {
      throw invalid("target is required");
    }
    LocalPostgresCluster.Node primary = cluster.primary();
    // so that messages name where the SQL really went
    return readOnlyUser.ensureReadOnlyUser(
        target.withSql(primary.host(), primary.port(), "disable"));
  }

  // ---- readings ---------------------------------------------------------------------------------

  /** A standby as {@code pg_stat_replication} shows it. */
  record StandbyStatus(String state, String syncState, boolean caughtUp) {}

  /**
   * One look at the primary.
   *
   * @param mark the WAL position the standbys' replay is compared with
   * @param fileSetting {@code synchronous_standby_names} as the configuration files say it now
   *     (null when they do not set it)
   * @param standbys by {@code application_name}
   */
  record Reading(SyncStandbys sync, String mark, String fileSetting,
      Map<String, StandbyStatus> standbys) {
    int liveNodes() {
      return 1 + (int) standbys.values().stream().filter(s -> "streaming".equals(s.state()))
          .count();
    }

    boolean streaming(String name) {
      StandbyStatus s = standbys.get(name);
      return s != null && "streaming".equals(s.state());
    }

    /** In the synchronous set: the primary counts it for synchronous commit. */
    boolean synchronous(String name) {
      StandbyStatus s = standbys.get(name);
      return streaming(name)
          && ("quorum".equals(s.syncState()) || "sync".equals(s.syncState()));
    }

    /** In the synchronous set and replayed up to the mark. */
    boolean caughtUp(String name) {
      return synchronous(name) && standbys.get(name).caughtUp();
    }

    /** The configuration files name other standbys than the setting in effect: not reloaded. */
    boolean reloadPending() {
      return fileSetting != null && !SyncStandbys.parse(fileSetting).equals(sync);
    }

    /**
     * The database as one range whose replicas are the primary and the listed standbys:
     * under-replicated while a listed standby is not in the synchronous set (or, with {@code
     * replayed}, has not replayed up to the mark), or the setting is not yet in effect;
     * unavailable while fewer are in the synchronous set than a commit waits for.
     *
     * @param replayed whether replay up to the mark counts (the wait: yes; an observation under
     *     a write load: no, a standby is always a little behind the current position)
     */
    RangeHealth health(boolean replayed) {
      long behind = sync.names().stream()
          .filter(n -> !(replayed ? caughtUp(n) : synchronous(n))).count();
      long synchronous = sync.names().stream().filter(this::synchronous).count();
      boolean under = behind > 0 || reloadPending();
      return new RangeHealth(1, under ? 1 : 0, synchronous < sync.required() ? 1 : 0, 0);
    }
  }

  /** {@code mark}: the LSN the standbys must have replayed; null: the current one. */
  private static Reading read(Connection c, String mark) throws SQLException {
    SyncStandbys sync = SyncStandbys.parse(show(c, ZONE));
    String current;
    try (Statement s = c.createStatement();
         ResultSet rs = s.executeQuery("SELECT pg_current_wal_lsn()::text")) {
      rs.next();
      current = rs.getString(1);
    }
    String replayMark = mark != null ? mark : current;
    Map<String, StandbyStatus> standbys = new LinkedHashMap<>();
    try (PreparedStatement ps = c.prepareStatement(
        "SELECT application_name, state, sync_state,"
            + " coalesce(replay_lsn >= ?::pg_lsn, false)"
            + " FROM pg_stat_replication ORDER BY application_name")) {
      ps.setString(1, replayMark);
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          standbys.put(rs.getString(1),
              new StandbyStatus(rs.getString(2), rs.getString(3), rs.getBoolean(4)));
        }
      }
    }
    return new Reading(sync, replayMark, fileSetting(c), standbys);
  }

  /**
   * {@code synchronous_standby_names} as the configuration files say it now (the last entry
   * wins: {@code postgresql.auto.conf} after {@code postgresql.conf}); null when no file sets it.
   * {@code pg_file_settings} reads the files when asked, whatever the server has applied.
   */
  private static String fileSetting(Connection c) throws SQLException {
    try (PreparedStatement ps = c.prepareStatement("SELECT setting FROM pg_file_settings"
        + " WHERE name = ? AND error IS NULL ORDER BY seqno DESC LIMIT 1")) {
      ps.setString(1, ZONE);
      try (ResultSet rs = ps.executeQuery()) {
        return rs.next() ? rs.getString(1) : null;
      }
    }
  }

  private static String show(Connection c, String setting) throws SQLException {
    try (Statement s = c.createStatement();
         ResultSet rs = s.executeQuery("SHOW " + setting)) {
      rs.next();
      return rs.getString(1);
    }
  }

  @FunctionalInterface
  private interface SqlWork<T> {
    T run(Connection connection) throws SQLException;
  }

  private <T> T withWriter(ClusterTarget target, String what, SqlWork<T> work) {
    if (target == null || target.database() == null || target.database().isBlank()) {
      throw ApplicationFailure.newNonRetryableFailure(what + ": target.database is required",
          Failures.INVALID_REQUEST);
    }
    try (Connection c = cluster.openWriter(target.database())) {
      c.setAutoCommit(true);
      return work.run(c);
    } catch (SQLException e) {
      if ("28P01".equals(e.getSQLState()) || "28000".equals(e.getSQLState())) {
        throw ApplicationFailure.newNonRetryableFailure("SQL authentication failed on the local"
            + " cluster " + cluster.directory() + " (SQLSTATE " + e.getSQLState() + ")",
            Failures.CREDENTIALS);
      }
      log.warn("{} on {} failed (SQLSTATE {}): {}", what, name(target), e.getSQLState(),
          e.getMessage());
      throw new LocalActivityException(what + " on " + name(target) + " failed (SQLSTATE "
          + e.getSQLState() + "): " + e.getMessage());
    }
  }
}
