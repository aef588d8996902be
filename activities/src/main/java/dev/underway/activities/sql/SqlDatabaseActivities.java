package dev.underway.activities.sql;

import dev.underway.workflows.evolution.contract.DatabaseActivities;
import dev.underway.kernel.Failures;
import dev.underway.workflows.evolution.Planner;
import dev.underway.activities.support.HeartbeatWait;
import dev.underway.activities.sql.CockroachDialect.RangeCounts;
import dev.underway.guard.GuardSettings;
import dev.underway.guard.GuardState;
import dev.underway.kernel.ChangeResult;
import dev.underway.kernel.ChangeResult.Outcome;
import dev.underway.workflows.evolution.model.DatabaseState;
import dev.underway.workflows.evolution.model.Licence;
import dev.underway.workflows.evolution.model.NodesReady;
import dev.underway.workflows.evolution.model.PacedReplication;
import dev.underway.workflows.evolution.model.RangeHealth;
import dev.underway.workflows.evolution.model.ReplicationProgress;
import dev.underway.workflows.evolution.model.ClusterTarget;
import dev.underway.workflows.evolution.model.SnapshotRate;
import dev.underway.targets.SqlEndpoint;
import dev.underway.workflows.evolution.model.ZoneReplication;
import dev.underway.workflows.evolution.model.ZoneRules;
import io.temporal.failure.ApplicationFailure;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@link DatabaseActivities} over JDBC. CockroachDB SQL comes from {@link CockroachDialect};
 * credentials from a {@link CredentialSource}, never from arguments, and never into results, logs
 * or messages.
 *
 * <p>Failures: SQL errors are retryable (plain exceptions; Temporal retries), except what no
 * retry can fix ({@link SqlCauses}: a wrong login, TLS refused, an unknown host, a missing
 * database), which fails non-retryable at once; bad requests are non-retryable {@code InvalidRequest}s raised before
 * anything changes.
 *
 * <p>Replication is done only when the replicas themselves show it: {@link #awaitReplicated}
 * counts a reading only once the settle time has passed since the wait began (range metrics are
 * recomputed every 10 s and published every 10 s, so right after {@code ALTER ... CONFIGURE ZONE}
 * they still describe the cluster before it), and a reading is clean only when the metrics show
 * no under-replicated or unavailable range <em>and</em> {@code SHOW CLUSTER RANGES} shows every
 * range with the voting replicas its zone needs and no learner.
 */
public class SqlDatabaseActivities implements DatabaseActivities {

  private static final Logger log = LoggerFactory.getLogger(SqlDatabaseActivities.class);

  private final ConnectionFactory connections;
  private final CredentialSource credentials;
  private final CockroachDialect dialect;
  private final Duration pollInterval;
  private final ClusterReadings readings;
  private final Duration settle;
  private final Clock clock;
  private final ReaderSafety safety = new ReaderSafety();
  /** The snapshot rate on the latency guard. */
  private SnapshotPacing pacing;

  /** Two range-metric intervals: readings taken sooner after the change do not count. */
  public static final Duration DEFAULT_SETTLE = Duration.ofSeconds(20);

  public SqlDatabaseActivities(
      ConnectionFactory connections,
      CredentialSource credentials,
      CockroachDialect dialect,
      Duration pollInterval) {
    this(connections, credentials, dialect, pollInterval, null);
  }

  /**
   * @param readings where the waiting activities read live nodes and range counts; null: from
   *     the database through the dialect
   */
  public SqlDatabaseActivities(
      ConnectionFactory connections,
      CredentialSource credentials,
      CockroachDialect dialect,
      Duration pollInterval,
      ClusterReadings readings) {
    this(connections, credentials, dialect, pollInterval, readings, DEFAULT_SETTLE,
        Clock.systemUTC());
  }

  /**
   * @param readings where the waiting activities read live nodes and ranges; null: from the
   *     database through the dialect
   * @param settle how long after the replication wait begins its readings start to count
   *     (default {@link #DEFAULT_SETTLE}; zero only where readings cannot be stale)
   * @param clock the clock the settle time is measured with
   */
  public SqlDatabaseActivities(
      ConnectionFactory connections,
      CredentialSource credentials,
      CockroachDialect dialect,
      Duration pollInterval,
      ClusterReadings readings,
      Duration settle,
      Clock clock) {
    this.settle = Objects.requireNonNull(settle, "settle");
    if (settle.isNegative()) {
      throw new IllegalArgumentException("settle must not be negative: " + settle);
    }
    this.clock = Objects.requireNonNull(clock, "clock");
    this.connections = Objects.requireNonNull(connections, "connections");
    this.credentials = Objects.requireNonNull(credentials, "credentials");
    this.dialect = Objects.requireNonNull(dialect, "dialect");
    this.pollInterval = Objects.requireNonNull(pollInterval, "pollInterval");
    if (pollInterval.isNegative() || pollInterval.isZero()) {
      throw new IllegalArgumentException("pollInterval must be positive: " + pollInterval);
    }
    this.readings = readings != null ? readings : new SqlReadings();
    this.pacing = new SnapshotPacing(this::withConnection, dialect, (target, settings) ->
        StatementProbe.open(connections.open(target, credentials.credentialsFor(target)),
            settings == null || settings.probe() == null ? SnapshotPacing.READ_PROBE
                : settings.probe()), pollInterval);
  }

  /** The same activities with the latency guard sampling {@code probes} (tests). */
  SqlDatabaseActivities probingWith(SnapshotPacing.Probes probes) {
    this.pacing = new SnapshotPacing(this::withConnection, dialect, probes, pollInterval);
    return this;
  }

  /** How long after the replication wait begins its readings start to count. */
  public Duration settle() {
    return settle;
  }

  // ---- observe --------------------------------------------------------------------------------

  @Override
  public DatabaseState observe(ClusterTarget target) {
    String readerName = target.readerUserOrDefault();
    return withConnection(target, "observe", (c, creds) -> {
      String version = dialect.serverVersion(c);
      dialect.allowInternals(c, version);
      int live = dialect.liveNodes(c);
      List<ZoneReplication> zones = dialect.zones(c);
      boolean reader = dialect.roles().roleExists(c, readerName);
      Licence licence = licence(c);
      RangeHealth ranges = orNullWithoutPrivilege("SHOW CLUSTER RANGES",
          () -> dialect.rangeHealth(c));
      List<String> problems = reader
          ? safety.problems(c, readerName, creds.user(), target.tableOwnersOrEmpty())
          : List.of();
      Boolean publicCreate = safety.publicCanCreate(c);
      log.info("Observed {}: {} live nodes, {} zones, {}, reader user {}{}, licence key {}",
          target.key(), live, zones.size(), ranges == null ? "ranges not readable"
              : ranges.summary(), reader ? "present" : "absent",
          problems.isEmpty() ? "" : " (must not become the reader: " + problems + ")",
          licence == null ? "not readable" : licence.keySet() ? "set" : "not set");
      return new DatabaseState(version, live, zones, reader, licence != null && licence.keySet(),
          null, ranges, licence, problems, publicCreate);
    });
  }

  /** What the licence key states; null when the admin may not read it. */
  private Licence licence(Connection c) throws SQLException {
    return orNullWithoutPrivilege("enterprise.license",
        () -> dialect.licence(c, clock.instant()));
  }

  @FunctionalInterface
  private interface SqlRead<T> {
    T read() throws SQLException;
  }

  /** A reading the SQL user may lack the privilege for: null then, and a warning. */
  private static <T> T orNullWithoutPrivilege(String what, SqlRead<T> read)
      throws SQLException {
    try {
      return read.read();
    } catch (SQLException e) {
      if (INSUFFICIENT_PRIVILEGE.equals(e.getSQLState())) {
        log.warn("Cannot read {} (insufficient privilege): not reported", what);
        return null;
      }
      throw e;
    }
  }

  // ---- live nodes -----------------------------------------------------------------------------

  @Override
  public NodesReady awaitLiveNodes(ClusterTarget target, int nodes) {
    return HeartbeatWait.forNodes("live", target.key(), nodes, pollInterval,
        () -> readings.liveNodes(target));
  }

  // ---- replication factor ---------------------------------------------------------------------

  @Override
  public ChangeResult setReplicationFactor(ClusterTarget target, int replicationFactor) {
    if (replicationFactor < 1) {
      throw invalid("replication factor must be at least 1, got " + replicationFactor);
    }
    String object = "zone configurations of " + target.key();
    return withConnection(target, "setReplicationFactor", (c, creds) -> {
      String version = dialect.serverVersion(c);
      dialect.allowInternals(c, version);
      int live = dialect.liveNodes(c);
      if (replicationFactor > live) {
        throw invalid("replication factor " + replicationFactor + " is more than the " + live
            + " live node(s) of " + target.key() + ": wait for the nodes to be live first");
      }
      List<ZoneReplication> toChange = new ArrayList<>();
      List<ZoneReplication> zones = dialect.zones(c);
      for (ZoneReplication zone : zones) {
        if (!ZoneRules.satisfied(zone, replicationFactor)) {
          if (!CockroachDialect.isValidZoneTarget(zone.target())) {
            throw ApplicationFailure.newNonRetryableFailure(
                "the database listed a zone target of unexpected form, refusing to change any"
                    + " zone: " + zone.target(), Failures.TARGET_NOT_FOUND);
          }
          toChange.add(zone);
        }
      }
      if (toChange.isEmpty()) {
        return ChangeResult.unchanged(object, "all " + zones.size() + " zones already have"
            + " what replication factor " + replicationFactor + " asks (system ranges at least"
            + " that)");
      }
      List<String> changed = new ArrayList<>();
      for (ZoneReplication zone : toChange) {
        int value = ZoneRules.wanted(zone.target(), replicationFactor);
        if (zone.numReplicas() > value) {
          log.warn("{}: lowering num_replicas of {} from {} to {}",
              target.key(), zone.target(), zone.numReplicas(), value);
        }
        dialect.setNumReplicas(c, zone.target(), value);
        log.info("{}: {} num_replicas {} -> {}", target.key(), zone.target(),
            zone.numReplicas(), value);
        changed.add(zone.target() + " " + zone.numReplicas() + " -> " + value);
      }
      String detail = "num_replicas on " + String.join(", ", changed);
      return new ChangeResult(object, Outcome.UPDATED, detail);
    });
  }

  // ---- up-replication -------------------------------------------------------------------------

  @Override
  public ReplicationProgress awaitReplicated(ClusterTarget target, int readingsRequired) {
    if (readingsRequired < 1) {
      throw invalid("readingsRequired must be at least 1, got " + readingsRequired);
    }
    ReplicationProgress done = HeartbeatWait.until("the replication wait of " + target.key(),
        ReplicationProgress.class, pollInterval, ReplicationProgress::done,
        last -> reading(target, readingsRequired, last));
    log.info("{}: {} ranges checked, none under-replicated or unavailable in the metrics, on {}"
        + " consecutive settled readings", target.key(), done.rangesChecked(),
        done.consecutiveCleanReadings());
    return done;
  }

  /**
   * One reading of the replication wait. Its clean readings in a row and the moment readings
   * start to count are the last reading's, so a retried wait does not start the settle time
   * again.
   */
  private ReplicationProgress reading(ClusterTarget target, int readingsRequired,
      ReplicationProgress last) {
    int clean = last == null ? 0 : last.consecutiveCleanReadings();
    // measured from the wait's first attempt: a retry does not start the settle time again
    long countFrom = last != null && last.countFromMillis() != null ? last.countFromMillis()
        : clock.millis() + settle.toMillis();
    long readAt = clock.millis();
    RangeCounts counts = readings.rangeCounts(target);
    RangeHealth ranges = readings.rangeHealth(target);
    boolean counted = readAt >= countFrom;
    clean = counted && counts.clean() && ranges.healthy() ? clean + 1 : 0;
    log.debug("{}: {}; metrics {} under-replicated, {} unavailable; {}; {}/{} clean readings",
        target.key(), ranges.summary(), counts.underReplicated(), counts.unavailable(),
        counted ? "settled" : "settling for " + (countFrom - readAt) + " ms more", clean,
        readingsRequired);
    return new ReplicationProgress(
        Math.max(counts.underReplicated(), ranges.underReplicated()),
        Math.max(counts.unavailable(), ranges.unavailable()), clean, readingsRequired,
        countFrom, ranges.total(), ranges.withLearners(), null);
  }

  // ---- the snapshot rate on the latency guard (see SnapshotPacing) --------------------------

  @Override
  public SnapshotRate readSnapshotRate(ClusterTarget target) {
    return pacing.read(target);
  }

  @Override
  public GuardState guardBaseline(ClusterTarget target, GuardSettings guard) {
    return pacing.baseline(target, guard);
  }

  @Override
  public PacedReplication awaitReplicatedPaced(ClusterTarget target, int readingsRequired,
      SnapshotRate found, GuardSettings guard, GuardState baseline) {
    if (readingsRequired < 1) {
      throw invalid("readingsRequired must be at least 1, got " + readingsRequired);
    }
    if (found == null || !found.applicable()) {
      throw invalid("awaitReplicatedPaced needs the snapshot rate found (readSnapshotRate)");
    }
    return pacing.await(target, found, guard, baseline,
        last -> reading(target, readingsRequired, last));
  }

  @Override
  public ChangeResult restoreSnapshotRate(ClusterTarget target, SnapshotRate found) {
    return pacing.restore(target, found);
  }

  // ---- read-only user -------------------------------------------------------------------------

  @Override
  public ChangeResult ensureReadOnlyUser(ClusterTarget target) {
    String role = target.readerUserOrDefault();
    String database = target.database();
    String object = "SQL user " + role + " on " + target.key();
    PortableRoleSql roles = dialect.roles();
    return withConnection(target, "ensureReadOnlyUser", (c, creds) -> {
      // checked before any change: a role that is not there is a typo or a missing migration
      List<String> missing = new ArrayList<>();
      List<String> notMine = new ArrayList<>();
      for (String owner : target.tableOwnersOrEmpty()) {
        if (!roles.roleExists(c, owner)) {
          missing.add(owner);
        } else if (!roles.canActFor(c, owner)) {
          notMine.add(owner);
        }
      }
      if (!missing.isEmpty()) {
        throw invalid("target.tableOwners names " + String.join(", ", missing) + ": no such SQL"
            + " role on " + target.key() + "; nothing was changed. Create the role(s) or remove"
            + " them from target.tableOwners.");
      }
      if (!notMine.isEmpty()) {
        throw insufficientPrivilege(creds.user(), notMine, target, List.of());
      }
      List<String> done = new ArrayList<>();
      boolean created = false;
      PortableRoleSql.RoleInfo info = roles.role(c, role);
      if (!info.exists()) {
        created = createReader(c, role, creds, target);
        if (created) {
          done.add(creds.readerPasswordIfAny().isPresent() ? "created user with its password"
              : "created user");
        } else {
          log.info("{}: user {} was created concurrently", target.key(), role);
          info = roles.role(c, role);
        }
      }
      if (!created) {
        // an existing role: checked again here, right before it is touched
        List<String> problems = safety.problems(c, role, creds.user(),
            target.tableOwnersOrEmpty());
        if (!problems.isEmpty()) {
          throw invalid(Planner.REFUSED + ": the existing role " + role + " on " + target.key()
              + " must not become the read-only user: " + String.join("; ", problems)
              + ". Name a role of its own in target.readerUser.");
        }
        if (!info.canLogin()) {
          roles.allowLogin(c, role);
          done.add("allowed login");
        }
      }
      if (!roles.hasConnect(c, role, database)) {
        roles.grantConnect(c, role, database);
        done.add("granted CONNECT on database " + database);
      }
      if (!roles.hasSchemaUsage(c, role)) {
        roles.grantSchemaUsage(c, role);
        done.add("granted USAGE on schema " + PortableRoleSql.SCHEMA);
      }
      int unreadable = roles.tablesWithoutSelect(c, role);
      if (unreadable > 0) {
        roles.grantSelectOnAllTables(c, role);
        done.add("granted SELECT on " + unreadable + " table(s)");
      }
      if (!roles.hasDefaultSelect(c, role, null)) {
        roles.grantDefaultSelect(c, role, null);
        done.add("granted SELECT on future tables");
      }
      for (String owner : target.tableOwnersOrEmpty()) {
        if (!roles.hasDefaultSelect(c, role, owner)) {
          try {
            roles.grantDefaultSelect(c, role, owner);
          } catch (SQLException e) {
            if (INSUFFICIENT_PRIVILEGE.equals(e.getSQLState())) {
              // checked above; a database that answers pg_has_role differently lands here
              throw insufficientPrivilege(creds.user(), List.of(owner), target, done);
            }
            throw e;
          }
          done.add("granted SELECT on future tables of " + owner);
        }
      }
      if (!roles.hasReadOnlyDefault(c, role)) {
        roles.setReadOnlyDefault(c, role);
        done.add("set default_transaction_read_only = true");
      }
      if (target.revokesPublicCreate() && !Boolean.FALSE.equals(safety.publicCanCreate(c))) {
        done.addAll(safety.revokePublicCreate(c, target.tableOwnersOrEmpty()));
      }
      String note = verifyReadOnly(c, role, target, done);
      if (done.isEmpty()) {
        return ChangeResult.unchanged(object, "read-only user already in place" + note);
      }
      log.info("{}: {}{}", object, String.join(", ", done), note);
      return new ChangeResult(object, created ? Outcome.CREATED : Outcome.UPDATED,
          String.join(", ", done) + note);
    });
  }

  /**
   * {@code CREATE ROLE ... WITH LOGIN [PASSWORD ...]} in one statement. An insecure CockroachDB
   * cluster rejects the password (SQLSTATE 28P01): then nothing was created and the run stops with
   * a configuration error instead of an authentication failure.
   */
  private boolean createReader(Connection c, String role, SqlCredentials creds,
      ClusterTarget target) throws SQLException {
    try {
      return dialect.roles().createLoginRole(c, role, creds.readerPasswordIfAny());
    } catch (SQLException e) {
      if (INVALID_PASSWORD.equals(e.getSQLState()) && creds.readerPasswordIfAny().isPresent()) {
        String where = target.credentialsSecret() == null || target.credentialsSecret().isBlank()
            ? "unset " + EnvironmentCredentialSource.READER_PASSWORD + " in the worker's"
                + " environment"
            : "delete the key readerPassword from Secret " + target.namespace() + "/"
                + target.credentialsSecret();
        throw ApplicationFailure.newNonRetryableFailure("an insecure cluster cannot set"
            + " passwords: remove readerPassword (" + where + ") and run again; user " + role
            + " was not created (SQLSTATE 28P01 on CREATE ROLE ... PASSWORD)",
            Failures.CREDENTIALS);
      }
      throw e;
    }
  }

  /**
   * Checks the reader's effective privileges (PUBLIC's included): it must not be able to write.
   * The one exception is PUBLIC's CREATE on schema public when the operator left it (the gate
   * said so): reported in the result. Anything else fails the step.
   */
  private String verifyReadOnly(Connection c, String role, ClusterTarget target, List<String> done)
      throws SQLException {
    List<String> writes = new ArrayList<>(safety.writes(c, role, false));
    // CREATE on schema public is excused only when it comes from PUBLIC, not the role's own
    boolean publicCreate = writes.contains(ReaderSafety.PUBLIC_SCHEMA_CREATE)
        && !Boolean.FALSE.equals(safety.publicCanCreate(c))
        && !safety.writes(c, role, true).contains(ReaderSafety.PUBLIC_SCHEMA_CREATE);
    if (publicCreate) {
      writes.remove(ReaderSafety.PUBLIC_SCHEMA_CREATE);
    }
    if (!writes.isEmpty()) {
      throw ApplicationFailure.newNonRetryableFailure("the read-only user " + role + " on "
          + target.key() + " can still write: " + String.join(", ", writes) + ". Done so far: "
          + (done.isEmpty() ? "nothing" : String.join(", ", done)) + ". Revoke those"
          + " privileges (from the role or the roles it belongs to) and run again.",
          Failures.VERIFICATION_FAILED);
    }
    return publicCreate ? "; it cannot INSERT, UPDATE, DELETE or TRUNCATE, but it CAN CREATE"
        + " in schema public through PUBLIC (as the gate said): close it with "
        + Planner.revokePublicCreateSql() + ", or run with target.revokePublicCreate: true"
        : "; checked: it cannot INSERT, UPDATE, DELETE, TRUNCATE or CREATE";
  }

  // ---- plumbing -------------------------------------------------------------------------------

  @FunctionalInterface
  interface SqlWork<T> {
    T run(Connection connection, SqlCredentials credentials) throws SQLException;
  }

  <T> T withConnection(ClusterTarget target, String what, SqlWork<T> work) {
    if (target == null || target.database() == null || target.database().isBlank()) {
      throw invalid(what + ": target.database is required");
    }
    SqlCredentials creds = credentials.credentialsFor(target);
    try (Connection c = connections.open(target, creds)) {
      c.setAutoCommit(true);
      return work.run(c, creds);
    } catch (SQLException e) {
      throw translate(target, creds, what, e);
    } catch (IllegalArgumentException e) {
      throw ApplicationFailure.newNonRetryableFailure(
          what + " on " + target.key() + " refused: " + e.getMessage(), Failures.INVALID_REQUEST);
    }
  }

  /**
   * What no retry can fix ({@link SqlCauses}: the login, TLS, an unknown host, a missing
   * database) becomes non-retryable with the operator's sentence; everything else stays
   * retryable. The message names user, host and SQLSTATE and never a password (messages are
   * scrubbed of the known ones).
   */
  public static RuntimeException translate(
      SqlEndpoint target, SqlCredentials creds, String what, SQLException e) {
    Optional<ApplicationFailure> lasting = SqlCauses.lasting(target, creds, e);
    if (lasting.isPresent()) {
      log.warn("{} on {} failed for good: {}", what, target.key(),
          lasting.get().getOriginalMessage());
      return lasting.get();
    }
    String where = creds.user() + "@" + target.sqlHostOrDefault() + ":" + target.sqlPortOrDefault()
        + "/" + target.database();
    String message = scrub(e.getMessage(), creds);
    log.warn("{} on {} failed (SQLSTATE {}): {}", what, where, e.getSQLState(), message);
    return new SqlActivityException(
        what + " on " + where + " failed (SQLSTATE " + e.getSQLState() + "): " + message);
  }

  public static String scrub(String message, SqlCredentials creds) {
    if (message == null) {
      return "";
    }
    String out = message;
    for (Optional<String> secret : List.of(creds.passwordIfAny(), creds.readerPasswordIfAny())) {
      if (secret.isPresent()) {
        out = out.replace(secret.get(), "<redacted>");
      }
    }
    return out;
  }

  /** SQLSTATE insufficient_privilege. */
  static final String INSUFFICIENT_PRIVILEGE = "42501";

  /** SQLSTATE invalid_password: what an insecure CockroachDB cluster answers to any password. */
  static final String INVALID_PASSWORD = "28P01";

  private static ApplicationFailure insufficientPrivilege(
      String user, List<String> owners, ClusterTarget target, List<String> done) {
    String names = String.join(", ", owners);
    return ApplicationFailure.newNonRetryableFailure("the SQL user " + user + " may not set"
        + " default privileges for " + names + " on " + target.key() + ": make it a member ("
        + owners.stream().map(o -> "GRANT " + o + " TO " + user).collect(Collectors.joining("; "))
        + ") or remove them from target.tableOwners; "
        + (done.isEmpty() ? "nothing was changed" : "done so far: " + String.join(", ", done)),
        Failures.INSUFFICIENT_PRIVILEGE);
  }

  private static ApplicationFailure invalid(String message) {
    return ApplicationFailure.newNonRetryableFailure(message, Failures.INVALID_REQUEST);
  }

  /** A retryable SQL failure; carries no SQLException (whose chain could echo statement text). */
  public static final class SqlActivityException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public SqlActivityException(String message) {
      super(message);
    }
  }

  /** Readings from the database itself: one short connection per reading. */
  private final class SqlReadings implements ClusterReadings {
    @Override
    public int liveNodes(ClusterTarget target) {
      return withConnection(target, "read live nodes", (c, creds) -> {
        dialect.allowInternals(c, dialect.serverVersion(c));
        return dialect.liveNodes(c);
      });
    }

    @Override
    public RangeCounts rangeCounts(ClusterTarget target) {
      return withConnection(target, "read range counts", (c, creds) -> {
        dialect.allowInternals(c, dialect.serverVersion(c));
        return dialect.rangeCounts(c);
      });
    }

    @Override
    public RangeHealth rangeHealth(ClusterTarget target) {
      return withConnection(target, "read the ranges' replicas", (c, creds) -> {
        dialect.allowInternals(c, dialect.serverVersion(c));
        return dialect.rangeHealth(c);
      });
    }
  }
}
