package dev.underway.activities.sql;

import dev.underway.activities.sql.RangeChecks.RangeReplicas;
import dev.underway.workflows.evolution.model.Licence;
import dev.underway.workflows.evolution.model.RangeHealth;
import dev.underway.workflows.evolution.model.SnapshotRate;
import dev.underway.workflows.evolution.model.ZoneReplication;
import java.sql.Array;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The only place with CockroachDB-specific SQL, and the parsing of what it answers. Statements both
 * PostgreSQL and CockroachDB understand (roles, grants) live in {@link PortableRoleSql}, reached
 * through {@link #roles()}.
 */
public class CockroachDialect {

  private static final Logger log = LoggerFactory.getLogger(CockroachDialect.class);

  /** SQLSTATE undefined_object: CockroachDB's "unrecognized configuration parameter". */
  static final String UNDEFINED_OBJECT = "42704";

  private final PortableRoleSql roles;

  public CockroachDialect() {
    this(new PortableRoleSql());
  }

  public CockroachDialect(PortableRoleSql roles) {
    this.roles = roles;
  }

  /** Role and grant statements shared with PostgreSQL. */
  public PortableRoleSql roles() {
    return roles;
  }

  /** Under- and unavailable ranges summed over all stores. */
  public record RangeCounts(long underReplicated, long unavailable) {
    public boolean clean() {
      return underReplicated == 0 && unavailable == 0;
    }
  }

  /** {@code major.minor} of a CockroachDB release, e.g. 26.1. */
  public record Version(int major, int minor) implements Comparable<Version> {
    @Override
    public int compareTo(Version o) {
      return major != o.major ? Integer.compare(major, o.major) : Integer.compare(minor, o.minor);
    }
  }

  /** From this release on, reading most of {@code crdb_internal} needs allow_unsafe_internals. */
  static final Version UNSAFE_INTERNALS_REQUIRED = new Version(26, 1);

  // ---- statements -----------------------------------------------------------------------------

  public String serverVersion(Connection c) throws SQLException {
    try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery("SELECT version()")) {
      rs.next();
      return rs.getString(1);
    }
  }

  /**
   * Lets this session read {@code crdb_internal} (ranges, liveness): {@code SET
   * allow_unsafe_internals = on} from v26.1, where it defaults to off. Skipped on a version known
   * to be older; on a version string that cannot be parsed the statement is tried and "unknown
   * setting" tolerated.
   */
  public void allowInternals(Connection c, String serverVersion) throws SQLException {
    if (!mayNeedUnsafeInternals(serverVersion)) {
      return;
    }
    try (Statement s = c.createStatement()) {
      s.execute("SET allow_unsafe_internals = on");
    } catch (SQLException e) {
      if (!UNDEFINED_OBJECT.equals(e.getSQLState())) {
        throw e;
      }
      log.debug("allow_unsafe_internals unknown to this server ({}): not needed", serverVersion);
    }
  }

  /** Nodes whose liveness record is current. */
  public int liveNodes(Connection c) throws SQLException {
    try (Statement s = c.createStatement();
         ResultSet rs = s.executeQuery(
             "SELECT count(*) FROM crdb_internal.gossip_nodes WHERE is_live")) {
      rs.next();
      return rs.getInt(1);
    }
  }

  /**
   * Every zone configuration that sets {@code num_replicas} explicitly. Zones that do not (for
   * example a table zone that only sets {@code gc.ttlseconds}) inherit it from their parent and
   * follow it when the parent changes, so they are not listed.
   */
  public List<ZoneReplication> zones(Connection c) throws SQLException {
    List<ZoneReplication> zones = new ArrayList<>();
    try (Statement s = c.createStatement();
         ResultSet rs = s.executeQuery("SHOW ALL ZONE CONFIGURATIONS")) {
      while (rs.next()) {
        parseZone(rs.getString(1), rs.getString(2)).ifPresent(zones::add);
      }
    }
    return zones;
  }

  /** Sets the zone's replication factor. The target is validated before it is spliced in. */
  public void setNumReplicas(Connection c, String target, int numReplicas) throws SQLException {
    String sql = alterZoneSql(target, numReplicas);
    try (Statement s = c.createStatement()) {
      s.execute(sql);
    }
  }

  public RangeCounts rangeCounts(Connection c) throws SQLException {
    try (Statement s = c.createStatement();
         ResultSet rs = s.executeQuery(
             "SELECT coalesce(sum((metrics->>'ranges.underreplicated')::FLOAT8), 0)::INT8,"
                 + " coalesce(sum((metrics->>'ranges.unavailable')::FLOAT8), 0)::INT8"
                 + " FROM crdb_internal.kv_store_status")) {
      rs.next();
      return new RangeCounts(rs.getLong(1), rs.getLong(2));
    }
  }

  /** Node ids whose liveness record is current. */
  public Set<Integer> liveNodeIds(Connection c) throws SQLException {
    Set<Integer> ids = new LinkedHashSet<>();
    try (Statement s = c.createStatement();
         ResultSet rs = s.executeQuery(
             "SELECT node_id FROM crdb_internal.gossip_nodes WHERE is_live")) {
      while (rs.next()) {
        ids.add(rs.getInt(1));
      }
    }
    return ids;
  }

  /**
   * Every range with its voting and learner replicas: {@code SHOW CLUSTER RANGES} (v23.1+; needs
   * admin or the ZONECONFIG privilege; exempt from {@code allow_unsafe_internals}).
   */
  public List<RangeReplicas> clusterRanges(Connection c) throws SQLException {
    try (Statement s = c.createStatement();
         ResultSet rs = s.executeQuery("SHOW CLUSTER RANGES")) {
      return readRanges(rs);
    }
  }

  /**
   * The ranges' replicas against what their zones need on the live nodes (see {@link
   * RangeChecks#health}).
   */
  public RangeHealth rangeHealth(Connection c) throws SQLException {
    int smallest = zones(c).stream().mapToInt(ZoneReplication::numReplicas).min()
        .orElse(DEFAULT_NUM_REPLICAS);
    return RangeChecks.health(clusterRanges(c), smallest, liveNodeIds(c));
  }

  /** CockroachDB's {@code num_replicas} of {@code RANGE default} in a fresh cluster. */
  static final int DEFAULT_NUM_REPLICAS = 3;

  /** Whether an enterprise licence key is set ({@code SHOW CLUSTER SETTING enterprise.license}). */
  public boolean licensed(Connection c) throws SQLException {
    return licence(c, Instant.now()).keySet();
  }

  /**
   * What the licence key states ({@code SHOW CLUSTER SETTING enterprise.license}, decoded here;
   * see {@link LicenceKey}). Whether CockroachDB's enforcement accepts it, or whether telemetry
   * reaches Cockroach Labs, is not readable over SQL.
   */
  public Licence licence(Connection c, Instant now) throws SQLException {
    try (Statement s = c.createStatement();
         ResultSet rs = s.executeQuery("SHOW CLUSTER SETTING enterprise.license")) {
      return LicenceKey.read(rs.next() ? rs.getString(1) : null, now);
    }
  }

  // ---- the snapshot rate (paced by the latency guard during a phase) ---------------------------

  /**
   * The rate limit of snapshots sent for rebalancing and up-replication, in bytes a second (a
   * byte size setting, printed like {@code 32 MiB}).
   */
  public static final String SNAPSHOT_REBALANCE_RATE = "kv.snapshot_rebalance.max_rate";
  /**
   * The rate limit of recovery snapshots, a setting of its own up to v23.1 (to be kept equal to
   * the rebalance rate), deprecated in v23.2: read and paced where the release still knows it.
   */
  public static final String SNAPSHOT_RECOVERY_RATE = "kv.snapshot_recovery.max_rate";
  /** The snapshot rate settings, in the order they are read, lowered and restored. */
  public static final List<String> SNAPSHOT_RATE_SETTINGS =
      List.of(SNAPSHOT_REBALANCE_RATE, SNAPSHOT_RECOVERY_RATE);

  /**
   * One snapshot rate setting as it is now; empty when this release does not know it. Whether
   * someone set it and its stored value (exact bytes) come from {@code system.settings} (admin
   * only): without the privilege to read it, the printed value is taken as explicit.
   */
  public Optional<SnapshotRate.Setting> snapshotRate(Connection c, String name)
      throws SQLException {
    checkSnapshotSetting(name);
    String shown;
    try (Statement s = c.createStatement();
         ResultSet rs = s.executeQuery("SHOW CLUSTER SETTING " + name)) {
      if (!rs.next()) {
        return Optional.empty();
      }
      shown = rs.getString(1);
    } catch (SQLException e) {
      if (UNDEFINED_OBJECT.equals(e.getSQLState())) {
        log.debug("{} unknown to this release: not paced", name);
        return Optional.empty();
      }
      throw e;
    }
    String stored;
    boolean explicit;
    try (PreparedStatement ps = c.prepareStatement(
        "SELECT value FROM system.settings WHERE name = ?")) {
      ps.setString(1, name);
      try (ResultSet rs = ps.executeQuery()) {
        explicit = rs.next();
        stored = explicit ? rs.getString(1) : null;
      }
    } catch (SQLException e) {
      if (!SqlDatabaseActivities.INSUFFICIENT_PRIVILEGE.equals(e.getSQLState())) {
        throw e;
      }
      log.warn("Cannot read system.settings (insufficient privilege): {} = {} is restored as"
          + " an explicit value", name, shown);
      explicit = true;
      stored = String.valueOf(parseByteSize(shown));
    }
    long bytes = stored != null ? parseByteSize(stored) : parseByteSize(shown);
    return Optional.of(new SnapshotRate.Setting(name, shown, bytes, explicit, stored));
  }

  /** Sets a snapshot rate to {@code bytesPerSecond} (at least 1). */
  public void setSnapshotRate(Connection c, String name, long bytesPerSecond)
      throws SQLException {
    try (Statement s = c.createStatement()) {
      s.execute(setSnapshotRateSql(name, bytesPerSecond));
    }
  }

  /** Puts a snapshot rate back to its default ({@code RESET CLUSTER SETTING}). */
  public void resetSnapshotRate(Connection c, String name) throws SQLException {
    try (Statement s = c.createStatement()) {
      s.execute(resetSnapshotRateSql(name));
    }
  }

  /** {@code SET CLUSTER SETTING kv.snapshot_rebalance.max_rate = '33554432'} (bytes). */
  public static String setSnapshotRateSql(String name, long bytesPerSecond) {
    checkSnapshotSetting(name);
    if (bytesPerSecond < 1) {
      throw new IllegalArgumentException("a snapshot rate must be at least 1 byte a second: "
          + bytesPerSecond);
    }
    return "SET CLUSTER SETTING " + name + " = '" + bytesPerSecond + "'";
  }

  public static String resetSnapshotRateSql(String name) {
    checkSnapshotSetting(name);
    return "RESET CLUSTER SETTING " + name;
  }

  private static void checkSnapshotSetting(String name) {
    if (!SNAPSHOT_RATE_SETTINGS.contains(name)) {
      throw new IllegalArgumentException("refusing an unexpected cluster setting: " + name);
    }
  }

  private static final Pattern BYTE_SIZE =
      Pattern.compile("(?i)\\s*([0-9]+(?:\\.[0-9]+)?)\\s*([KMGTPE]?i?B?)\\s*");

  /**
   * A byte size as CockroachDB prints and stores it: {@code 33554432}, {@code 32 MiB}, {@code
   * 8.0 MiB}, {@code 512 KiB}, {@code 1.5 GiB}, {@code 64MB} (powers of 1000).
   */
  public static long parseByteSize(String text) {
    Matcher m = BYTE_SIZE.matcher(text == null ? "" : text);
    if (!m.matches()) {
      throw new IllegalArgumentException("not a byte size: " + text);
    }
    String unit = m.group(2).toUpperCase(Locale.ROOT);
    int power = unit.isEmpty() || unit.equals("B") ? 0 : "KMGTPE".indexOf(unit.charAt(0)) + 1;
    double base = unit.contains("I") ? 1024 : 1000;
    return Math.round(Double.parseDouble(m.group(1)) * Math.pow(base, power));
  }

  // ---- parsing and validation (no I/O) --------------------------------------------------------

  /**
   * Rows with the columns {@code SHOW CLUSTER RANGES} documents: {@code range_id}, {@code
   * voting_replicas} and {@code learner_replicas} (arrays of node ids).
   */
  static List<RangeReplicas> readRanges(ResultSet rs) throws SQLException {
    List<RangeReplicas> ranges = new ArrayList<>();
    while (rs.next()) {
      ranges.add(new RangeReplicas(rs.getLong("range_id"), nodeIds(rs.getArray("voting_replicas")),
          nodeIds(rs.getArray("learner_replicas"))));
    }
    return ranges;
  }

  private static List<Integer> nodeIds(Array array) throws SQLException {
    if (array == null) {
      return List.of();
    }
    List<Integer> ids = new ArrayList<>();
    for (Object o : (Object[]) array.getArray()) {
      if (o != null) {
        ids.add(((Number) o).intValue());
      }
    }
    return ids;
  }

  private static final Pattern VERSION = Pattern.compile("\\bv(\\d+)\\.(\\d+)");

  /** {@code CockroachDB CCL v26.1.0 (x86_64-pc-linux-gnu, ...)} gives 26.1. */
  public static Optional<Version> parseVersion(String versionString) {
    if (versionString == null || !versionString.contains("CockroachDB")) {
      return Optional.empty();
    }
    Matcher m = VERSION.matcher(versionString);
    return m.find()
        ? Optional.of(new Version(Integer.parseInt(m.group(1)), Integer.parseInt(m.group(2))))
        : Optional.empty();
  }

  /** True from v26.1 on, and when the version cannot be told (then "unknown setting" is fine). */
  public static boolean mayNeedUnsafeInternals(String versionString) {
    return parseVersion(versionString)
        .map(v -> v.compareTo(UNSAFE_INTERNALS_REQUIRED) >= 0)
        .orElse(true);
  }

  private static final Pattern NUM_REPLICAS =
      Pattern.compile("(?i)(?<![\\w.])num_replicas\\s*=\\s*(\\d+)");
  private static final Pattern TARGET_FROM_SQL =
      Pattern.compile("(?is)^\\s*ALTER\\s+(.+?)\\s+CONFIGURE\\s+ZONE\\b");

  /** One row of {@code SHOW ALL ZONE CONFIGURATIONS}: empty when it leaves num_replicas inherited. */
  public static Optional<ZoneReplication> parseZone(String target, String rawConfigSql) {
    OptionalInt replicas = parseNumReplicas(rawConfigSql);
    if (replicas.isEmpty()) {
      return Optional.empty();
    }
    String t = target == null || target.isBlank() ? targetFromSql(rawConfigSql) : target.strip();
    return Optional.of(new ZoneReplication(t, replicas.getAsInt()));
  }

  public static OptionalInt parseNumReplicas(String rawConfigSql) {
    if (rawConfigSql == null) {
      return OptionalInt.empty();
    }
    Matcher m = NUM_REPLICAS.matcher(rawConfigSql);
    return m.find() ? OptionalInt.of(Integer.parseInt(m.group(1))) : OptionalInt.empty();
  }

  static String targetFromSql(String rawConfigSql) {
    Matcher m = TARGET_FROM_SQL.matcher(rawConfigSql == null ? "" : rawConfigSql);
    if (!m.find()) {
      throw new IllegalArgumentException("zone configuration without a target");
    }
    return m.group(1).strip();
  }

  private static final String IDENT = "(?:[A-Za-z_][A-Za-z0-9_$]*|\"(?:[^\"\\p{Cntrl}]|\"\")+\")";
  private static final String NAME = IDENT + "(?:\\." + IDENT + "){0,2}";
  private static final String INDEX = NAME + "@" + IDENT;
  private static final Pattern ZONE_TARGET = Pattern.compile(
      "RANGE [a-z_]+"
          + "|DATABASE " + IDENT
          + "|TABLE " + NAME
          + "|INDEX " + INDEX
          + "|PARTITION " + IDENT + " OF (?:TABLE " + NAME + "|INDEX " + INDEX + ")");

  /** Whether a zone target is exactly one of the forms CockroachDB prints, and nothing more. */
  public static boolean isValidZoneTarget(String target) {
    return target != null && ZONE_TARGET.matcher(target).matches();
  }

  public static String alterZoneSql(String target, int numReplicas) {
    if (!isValidZoneTarget(target)) {
      throw new IllegalArgumentException("refusing an unexpected zone target: " + target);
    }
    if (numReplicas < 1) {
      throw new IllegalArgumentException("num_replicas must be at least 1: " + numReplicas);
    }
    return "ALTER " + target + " CONFIGURE ZONE USING num_replicas = " + numReplicas;
  }
}
