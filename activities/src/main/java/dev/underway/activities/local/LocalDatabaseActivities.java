package dev.underway.activities.local;

import static dev.underway.activities.local.LocalPlatformActivities.invalid;
import static dev.underway.activities.local.LocalPlatformActivities.name;
import static dev.underway.activities.support.Polling.pause;

import dev.underway.activities.DatabaseActivities;
import dev.underway.activities.Failures;
import dev.underway.activities.sql.CockroachDialect;
import dev.underway.activities.sql.PortableRoleSql;
import dev.underway.activities.sql.SqlDatabaseActivities;
import dev.underway.model.ChangeResult;
import dev.underway.model.ChangeResult.Outcome;
import dev.underway.model.DatabaseState;
import dev.underway.model.NodesReady;
import dev.underway.model.ReplicationProgress;
import dev.underway.model.TargetRef;
import dev.underway.model.ZoneReplication;
import io.temporal.activity.Activity;
import io.temporal.activity.ActivityExecutionContext;
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
 *   <li>replicated: every listed standby streaming, in the quorum, and its replay position at or
 *       past the primary's WAL position of the reading before (one poll interval of lag at most,
 *       so a steady write load cannot hold the wait forever);
 *   <li>read-only user: the same code as for CockroachDB ({@link SqlDatabaseActivities} with
 *       {@link PortableRoleSql}), connected through the writer path.
 * </ul>
 */
public class LocalDatabaseActivities implements DatabaseActivities {

  private static final Logger log = LoggerFactory.getLogger(LocalDatabaseActivities.class);

  /** The one "zone" the local target has. */
  public static final String ZONE = "synchronous_standby_names";

  private static final Duration RELOAD_TIMEOUT = Duration.ofSeconds(30);

  private final LocalCluster cluster;
  private final Duration pollInterval;
  private final PortableRoleSql roles = new PortableRoleSql();
  private final SqlDatabaseActivities readOnlyUser;

  public LocalDatabaseActivities(LocalCluster cluster, Duration pollInterval) {
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
  public DatabaseState observe(TargetRef target) {
    return withWriter(target, "observe", c -> {
      String version = show(c, "server_version");
      Reading r = read(c, null);
      boolean reader = roles.roleExists(c, target.readerUserOrDefault());
      DatabaseState state = new DatabaseState("PostgreSQL " + version, r.liveNodes(),
          List.of(new ZoneReplication(ZONE, r.sync().replicationFactor())), reader, true,
          DatabaseState.POSTGRESQL);
      log.info("Observed {}: {} live node(s), {} = '{}' (RF {}), reader user {}", name(target),
          r.liveNodes(), ZONE, r.sync().toSetting(), r.sync().replicationFactor(),
          reader ? "present" : "absent");
      return state;
    });
  }

  // ---- live nodes -----------------------------------------------------------------------------

  @Override
  public NodesReady awaitLiveNodes(TargetRef target, int nodes) {
    if (nodes < 1) {
      throw invalid("nodes must be at least 1, got " + nodes);
    }
    ActivityExecutionContext ctx = Activity.getExecutionContext();
    ctx.getHeartbeatDetails(NodesReady.class).ifPresent(p -> log.info(
        "Resuming the wait for {} live nodes of {} at {}/{}", nodes, name(target), p.ready(),
        p.wanted()));
    while (true) {
      int live = withWriter(target, "read live nodes", c -> read(c, null).liveNodes());
      NodesReady progress = new NodesReady(live, nodes);
      ctx.heartbeat(progress);
      if (progress.done()) {
        log.info("{}: {} of {} nodes live (primary + streaming standbys)", name(target), live,
            nodes);
        return progress;
      }
      log.debug("{}: {} of {} nodes live; waiting", name(target), live, nodes);
      pause(pollInterval);
    }
  }

  // ---- replication factor ---------------------------------------------------------------------

  @Override
  public ChangeResult setReplicationFactor(TargetRef target, int replicationFactor) {
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
  private void awaitSetting(TargetRef target, String value) throws SQLException {
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

  @Override
  public ReplicationProgress awaitReplicated(TargetRef target, int readingsRequired) {
    if (readingsRequired < 1) {
      throw invalid("readingsRequired must be at least 1, got " + readingsRequired);
    }
    ActivityExecutionContext ctx = Activity.getExecutionContext();
    int clean = ctx.getHeartbeatDetails(ReplicationProgress.class)
        .map(p -> {
          log.info("Resuming the replication wait of {} at {} clean reading(s)", name(target),
              p.consecutiveCleanReadings());
          return p.consecutiveCleanReadings();
        })
        .orElse(0);
    String mark = null;
    while (true) {
      String previousMark = mark;
      Reading r = withWriter(target, "read replication", c -> read(c, previousMark));
      mark = r.currentLsn();
      long behind = r.sync().names().stream().filter(n -> !r.caughtUp(n)).count();
      long streaming = r.sync().names().stream().filter(r::streaming).count();
      long unavailable = streaming < r.sync().required() ? 1 : 0;
      clean = behind == 0 && unavailable == 0 ? clean + 1 : 0;
      ReplicationProgress progress =
          new ReplicationProgress(behind, unavailable, clean, readingsRequired);
      ctx.heartbeat(progress);
      if (progress.done()) {
        log.info("{}: every standby in '{}' caught up on {} consecutive readings", name(target),
            r.sync().toSetting(), clean);
        return progress;
      }
      log.debug("{}: {} standby(s) behind, quorum {}, {}/{} clean readings; {}", name(target),
          behind, unavailable == 0 ? "possible" : "NOT possible", clean, readingsRequired,
          r.standbys());
      pause(pollInterval);
    }
  }

  // ---- read-only user -------------------------------------------------------------------------

  @Override
  public ChangeResult ensureReadOnlyUser(TargetRef target) {
    if (target == null) {
      throw invalid("target is required");
    }
    LocalCluster.Node primary = cluster.primary();
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
   * @param currentLsn the primary's {@code pg_current_wal_lsn()}
   * @param standbys by {@code application_name}
   */
  record Reading(SyncStandbys sync, String currentLsn, Map<String, StandbyStatus> standbys) {
    int liveNodes() {
      return 1 + (int) standbys.values().stream().filter(s -> "streaming".equals(s.state()))
          .count();
    }

    boolean streaming(String name) {
      StandbyStatus s = standbys.get(name);
      return s != null && "streaming".equals(s.state());
    }

    /** Streaming, counted by the primary for synchronous commit, and replayed up to the mark. */
    boolean caughtUp(String name) {
      StandbyStatus s = standbys.get(name);
      return s != null && "streaming".equals(s.state())
          && ("quorum".equals(s.syncState()) || "sync".equals(s.syncState()))
          && s.caughtUp();
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
    Map<String, StandbyStatus> standbys = new LinkedHashMap<>();
    try (PreparedStatement ps = c.prepareStatement(
        "SELECT application_name, state, sync_state,"
            + " coalesce(replay_lsn >= ?::pg_lsn, false)"
            + " FROM pg_stat_replication ORDER BY application_name")) {
      ps.setString(1, mark != null ? mark : current);
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          standbys.put(rs.getString(1),
              new StandbyStatus(rs.getString(2), rs.getString(3), rs.getBoolean(4)));
        }
      }
    }
    return new Reading(sync, current, standbys);
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

  private <T> T withWriter(TargetRef target, String what, SqlWork<T> work) {
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
