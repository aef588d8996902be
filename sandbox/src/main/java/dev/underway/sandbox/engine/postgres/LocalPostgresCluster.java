package dev.underway.sandbox.engine.postgres;

import dev.underway.workflows.evolution.contract.DatabaseActivities;
import dev.underway.activities.sql.JdbcProperties;
import dev.underway.activities.support.guard.LatencyGuard;
import dev.underway.guard.GuardSettings;
import dev.underway.activities.sql.SqlCredentials;
import dev.underway.local.Directories;
import dev.underway.local.Passwords;
import dev.underway.local.Ports;
import dev.underway.local.postgres.LocalPostgres;
import dev.underway.sandbox.engine.ClusterState;
import dev.underway.sandbox.engine.Engine;
import dev.underway.sandbox.engine.LocalCluster;
import dev.underway.sandbox.engine.LocalNode;
import dev.underway.sandbox.engine.PropertiesFiles;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Properties;
import java.util.function.Consumer;
import java.util.function.LongConsumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The local sandbox target on PostgreSQL: a primary ({@code node0}) and streaming standbys
 * ({@code node1}, {@code node2}, ...), real server processes ({@link LocalPostgres}) on 127.0.0.1,
 * all described by one directory:
 *
 * <pre>
 * cluster.properties        the {@link ClusterState}: nodes with ports and pids, application
 *                           database, reader published, disruption budget
 * credentials.properties    admin, replication and reader passwords (0600, never logged)
 * node0/data, node0/postgres.log     the primary
 * node1/..., node2/...               standbys made by {@link #addStandby()}
 * </pre>
 *
 * <p>Everything the phases will need from the primary is set at initdb time ({@code
 * wal_level=replica}, WAL senders, replication slots, {@code hot_standby}, a pg_hba entry for the
 * replication user from 127.0.0.1), so no later step restarts the primary. The replication factor
 * is {@code synchronous_standby_names}, changed by the activities with {@code ALTER SYSTEM} and a
 * reload.
 */
public final class LocalPostgresCluster extends LocalCluster<LocalPostgresCluster.Node> {

  private static final Logger log = LoggerFactory.getLogger(LocalPostgresCluster.class);

  public static final String PRIMARY = "node0";
  /** The role standbys stream as (REPLICATION, LOGIN, nothing else). */
  public static final String REPLICATION_USER = "underway_replication";

  static final String CREDENTIALS_FILE = "credentials.properties";

  /** One server of the cluster. */
  public record Node(String name, int port, boolean primary) implements LocalNode {
    @Override
    public String describe() {
      return name + (primary ? " (primary)" : " (standby)") + " on " + address();
    }
  }

  /**
   * Where and how.
   *
   * @param directory the cluster's directory
   * @param binariesCache see {@link LocalPostgres.Options#binariesCache()}; null for the default
   * @param database the application database, created with the cluster; null: {@code app}
   * @param keepDirectory whether {@link #close()} leaves the directory (data, logs) behind
   * @param stopOnJvmExit whether the servers are stopped when this JVM exits without {@link
   *     #close()}; false lets them outlive a crashed worker for the next one to {@link #attach}
   */
  public record Options(Path directory, Path binariesCache, String database,
      boolean keepDirectory, boolean stopOnJvmExit) {
    public Options {
      Objects.requireNonNull(directory, "directory");
      directory = directory.toAbsolutePath();
      database = database == null || database.isBlank() ? DEFAULT_DATABASE : database;
    }

    public static Options in(Path directory) {
      return new Options(directory, null, null, false, true);
    }

    public Options keepingDirectory(boolean keep) {
      return new Options(directory, binariesCache, database, keep, stopOnJvmExit);
    }

    public Options stoppingOnJvmExit(boolean stop) {
      return new Options(directory, binariesCache, database, keepDirectory, stop);
    }

    public Options withDatabase(String name) {
      return new Options(directory, binariesCache, name, keepDirectory, stopOnJvmExit);
    }

    public Options withBinariesCache(Path cache) {
      return new Options(directory, cache, database, keepDirectory, stopOnJvmExit);
    }

    LocalPostgres.Options server(String name) {
      return LocalPostgres.Options.under(directory)
          .withBinariesCache(binariesCache)
          .withInstanceName(name)
          .withSettings(PRIMARY_SETTINGS)
          .withHbaLines(List.of(
              "host replication " + REPLICATION_USER + " 127.0.0.1/32 scram-sha-256"))
          .withStopOnJvmExit(stopOnJvmExit);
    }
  }

  /**
   * postgresql.conf of the primary, written at initdb time and inherited by every standby through
   * the base backup.
   */
  static final Map<String, String> PRIMARY_SETTINGS = orderedMap(
      "wal_level", "replica",
      "max_wal_senders", "10",
      "max_replication_slots", "10",
      "hot_standby", "on",
      // standbys report their replay position every second, so waits see progress quickly
      "wal_receiver_status_interval", "1s",
      // readers on standbys do not get their queries cancelled by vacuum on the primary
      "hot_standby_feedback", "on",
      "shared_buffers", "16MB",
      "max_connections", "60");

  private final Options options;
  private final Credentials credentials;
  private final Map<String, LocalPostgres> servers = new LinkedHashMap<>();
  /** Bytes a second a base backup may read from the primary; 0: no limit. */
  private volatile long baseBackupMaxRate;
  /** The latency guard of the base backups the scale step makes ({@link #addNode}). */
  private volatile GuardSettings baseBackupGuard = GuardSettings.defaults();

  private record Credentials(String adminUser, String adminPassword, String replicationPassword,
      String readerPassword) {
    @Override
    public String toString() {
      return "Credentials[" + adminUser + ", <redacted>]";
    }

    static Credentials read(Path file) throws IOException {
      Properties p = PropertiesFiles.read(file, "No local PostgreSQL cluster here: " + file
          + " is missing");
      return new Credentials(p.getProperty("admin.user"), p.getProperty("admin.password"),
          p.getProperty("replication.password"), p.getProperty("reader.password"));
    }

    void write(Path file) throws IOException {
      Properties p = new Properties();
      p.setProperty("admin.user", adminUser);
      p.setProperty("admin.password", adminPassword);
      p.setProperty("replication.password", replicationPassword);
      p.setProperty("reader.password", readerPassword);
      PropertiesFiles.writePrivate(file, p, "Underway local cluster credentials: keep private");
    }
  }

  private LocalPostgresCluster(Options options, Credentials credentials) {
    super(Engine.POSTGRES, options.directory(), options.database(), options.keepDirectory());
    this.options = options;
    this.credentials = credentials;
  }

  /** A new Phase 0 cluster: one primary. Refuses a directory that already holds a cluster. */
  public static LocalPostgresCluster create(Options options) throws IOException, SQLException {
    Path dir = Files.createDirectories(newClusterDirectory(options.directory()));
    LocalPostgres primary = LocalPostgres.start(options.server(PRIMARY));
    LocalPostgresCluster cluster = null;
    try {
      Credentials creds = new Credentials(primary.superuser(), primary.superuserPassword(),
          Passwords.random(), Passwords.random());
      creds.write(dir.resolve(CREDENTIALS_FILE));
      cluster = new LocalPostgresCluster(options, creds);
      synchronized (cluster) {
        cluster.servers.put(PRIMARY, primary);
        cluster.nodes.add(new Node(PRIMARY, primary.port(), true));
      }
      try (Connection c = primary.connect("postgres")) {
        createReplicationRole(c, creds.replicationPassword());
        createDatabaseIfMissing(c, options.database());
      }
      cluster.save();
      log.info("Local cluster created in {}: primary {} on 127.0.0.1:{}, database {}",
          dir, PRIMARY, primary.port(), options.database());
      return cluster;
    } catch (IOException | SQLException | RuntimeException e) {
      if (cluster != null) {
        cluster.close();
      } else {
        primary.close();
      }
      throw e;
    }
  }

  /**
   * Takes over the cluster described by the directory: running servers are attached as they are
   * (never restarted); a server that is not running (the machine rebooted, or the worker that
   * owned it stopped it on exit) is started again on its data directory and port.
   */
  public static LocalPostgresCluster attach(Options options) throws IOException {
    Path dir = options.directory();
    ClusterState state = ClusterState.read(dir, Engine.POSTGRES);
    Credentials creds = Credentials.read(dir.resolve(CREDENTIALS_FILE));
    Options effective = options.withDatabase(state.database());
    LocalPostgresCluster cluster = new LocalPostgresCluster(effective, creds);
    try {
      synchronized (cluster) {
        for (ClusterState.Node recorded : state.nodes()) {
          String name = recorded.name();
          Path instance = dir.resolve(name);
          LocalPostgres.Options server = effective.server(name);
          Optional<LocalPostgres> running = LocalPostgres.attach(server, instance,
              recorded.port(), creds.adminPassword());
          boolean primary = name.equals(PRIMARY);
          if (running.isPresent()) {
            cluster.servers.put(name, running.get());
          } else if (primary) {
            log.warn("The primary of the local cluster in {} is not running: starting it on"
                + " port {}", dir, recorded.port());
            cluster.servers.put(name, LocalPostgres.startFromDataDirectory(server, instance,
                recorded.port(), creds.adminPassword()));
          } else {
            log.warn("{} of the local cluster in {} is not running: starting it", name, dir);
          }
          cluster.nodes.add(new Node(name, recorded.port(), primary));
        }
        cluster.restore(state);
        // only now: starting a standby saves the state, which must be complete by then
        cluster.startStoppedNodes();
        cluster.save();
      }
    } catch (IOException | RuntimeException e) {
      cluster.close();
      throw e;
    }
    log.info("Attached to the local cluster in {}: {}", dir, cluster.nodes());
    return cluster;
  }

  // ---- what the cluster is ----------------------------------------------------------------------

  public synchronized Node primary() {
    return nodes.get(0);
  }

  /** Standby names in order: {@code node1, node2, ...}. */
  public synchronized List<String> standbyNames() {
    return nodes.stream().filter(n -> !n.primary()).map(Node::name).toList();
  }

  /** The postmaster pid of a node. */
  @Override
  public synchronized long pid(String node) {
    return server(node).pid();
  }

  /** Whether the node's server process is alive and accepts an admin connection. */
  @Override
  public boolean isReady(Node node) {
    LocalPostgres pg;
    synchronized (this) {
      pg = servers.get(node.name());
    }
    if (pg == null || !pg.isRunning()) {
      return false;
    }
    try (Connection c = DriverManager.getConnection(pg.jdbcUrl("postgres"),
            JdbcProperties.of(sqlCredentials(), null, JdbcProperties.Timeouts.PROBE));
         Statement s = c.createStatement();
         ResultSet rs = s.executeQuery("SELECT 1")) {
      return rs.next();
    } catch (SQLException e) {
      return false;
    }
  }

  // ---- the writer and reader paths ------------------------------------------------------------

  /** Every node, {@code targetServerType=primary}: pgjdbc connects to the one that is primary. */
  @Override
  public synchronized String writerJdbcUrl(String database) {
    return jdbcUrl(nodes, database, "&targetServerType=primary");
  }

  /**
   * The reader path, once published ({@link #publishReader()}): every node, standbys first, with
   * {@code targetServerType=preferSecondary}, so readers land on a standby while one is up and on
   * the primary otherwise. Follows the node list, as a Service follows its pods.
   *
   * <p>Standbys come first because pgjdbc tells a primary from a standby by {@code
   * in_hot_standby} and then {@code SHOW transaction_read_only}: for the read-only user (whose
   * {@code default_transaction_read_only} is on) the primary looks like a standby too, so the
   * order decides. The same reason keeps that user off the writer path: with {@code
   * targetServerType=primary} it finds no server at all.
   */
  @Override
  public synchronized Optional<String> readerJdbcUrl() {
    if (!readerPublished()) {
      return Optional.empty();
    }
    List<Node> standbysFirst = new ArrayList<>(nodes.subList(1, nodes.size()));
    standbysFirst.add(nodes.get(0));
    return Optional.of(jdbcUrl(standbysFirst, database(), "&targetServerType=preferSecondary"));
  }

  @Override
  public SqlCredentials sqlCredentials() {
    return new SqlCredentials(credentials.adminUser(), credentials.adminPassword(),
        credentials.readerPassword());
  }

  // ---- scaling ----------------------------------------------------------------------------------

  /**
   * Holds every later base backup to at most {@code bytesPerSecond} (0: no limit), as {@code
   * pg_basebackup --max-rate} does, so that copying a big primary does not starve its clients.
   */
  public void limitBaseBackupRate(long bytesPerSecond) {
    if (bytesPerSecond < 0) {
      throw new IllegalArgumentException("the base backup rate must be >= 0");
    }
    baseBackupMaxRate = bytesPerSecond;
  }

  /**
   * The latency guard's settings for the base backups of the scale step ({@link #addNode}):
   * the copy's rate follows the primary's foreground latency against its baseline, beneath the
   * {@link #limitBaseBackupRate} ceiling. {@link GuardSettings#disabled()}: no guard.
   */
  public void guardBaseBackups(GuardSettings settings) {
    baseBackupGuard = settings == null ? GuardSettings.defaults() : settings;
  }

  /**
   * Adds one streaming standby, named {@code node<N>} after the nodes already there, from a base
   * backup of the primary (see {@link BaseBackup}), on a free port, and starts it; without the
   * latency guard (a set-up before the load starts: the scale step's copies are guarded,
   * {@link #addGuardedStandby}). A directory
   * left by an interrupted attempt (never recorded as a node) is removed first; its replication
   * slot is reused. The node is recorded before its server starts, so a retry after a crash
   * starts it rather than adding another.
   */
  public synchronized Node addStandby() throws IOException, SQLException {
    return addStandby(bytes -> { });
  }

  /**
   * As {@link #addStandby()}, reporting the bytes the base backup has copied so far to {@code
   * progress} (a change step heartbeats them), at most {@link #limitBaseBackupRate} bytes a
   * second.
   */
  public synchronized Node addStandby(LongConsumer progress) throws IOException, SQLException {
    return copyStandby(null, meter -> progress.accept(meter.bytes()));
  }

  /**
   * As {@link #addStandby()}, the copy paced by a latency guard ({@code settings}) sampling the
   * primary ({@link PrimaryProbe}): a baseline before the copy, then the copy's byte rate at duty
   * x {@link #limitBaseBackupRate} (or, without that ceiling, a rest after each chunk). Reports
   * the guard's baseline, then the bytes copied, the rate and the guard's state, to {@code
   * report} (the scale step heartbeats it).
   */
  public synchronized Node addGuardedStandby(GuardSettings settings, Consumer<String> report)
      throws IOException, SQLException {
    ensureOpen();
    GuardSettings guardSettings = settings == null ? GuardSettings.defaults() : settings;
    if (guardSettings.isOff()) {
      try (LatencyGuard off = LatencyGuard.open(guardSettings, null, null)) {
        return copyStandby(off, meter -> report.accept(meter.describe()));
      }
    }
    PrimaryProbe.Chosen probe = PrimaryProbe.open(server(PRIMARY).connect(database()),
        guardSettings);
    try (LatencyGuard guard = LatencyGuard.open(guardSettings, probe.probe(), null)) {
      report.accept("latency guard: sampling the primary's baseline with " + probe.what());
      guard.awaitBaseline(state -> report.accept(state.summary()));
      log.info("Base backup of {}: {} (probe: {})", PRIMARY, guard.state().summary(),
          probe.what());
      return copyStandby(guard, meter -> report.accept(meter.describe()));
    }
  }

  private Node copyStandby(LatencyGuard guard, Consumer<CopyMeter> progress)
      throws IOException, SQLException {
    ensureOpen();
    String name = "node" + nodes.size();
    Path instance = directory().resolve(name);
    if (Files.exists(instance)) {
      log.warn("Removing {} left by an interrupted attempt to add {}", instance, name);
      Directories.deleteRecursively(instance);
    }
    Files.createDirectories(instance);
    int port = freePort();
    LocalPostgres primary = server(PRIMARY);
    try (Connection c = primary.connect("postgres")) {
      BaseBackup.takeInto(c, primary.dataDirectory(), instance.resolve("data"), name,
          new BaseBackup.Upstream(primary.host(), primary.port(), REPLICATION_USER,
              credentials.replicationPassword()),
          new CopyMeter(baseBackupMaxRate, guard, progress));
    }
    Node node = new Node(name, port, false);
    nodes.add(node);
    save();
    return startStandby(node);
  }

  /**
   * A standby from a base backup paced by the latency guard ({@link #guardBaseBackups}),
   * reporting the MiB copied, the rate and the guard's state.
   */
  @Override
  public synchronized Node addNode(Consumer<String> progress) throws IOException, SQLException {
    String next = "node" + nodes.size();
    return addGuardedStandby(baseBackupGuard, line -> progress.accept("base backup for " + next
        + ": " + line));
  }

  @Override
  protected String scaleDownNeeds() {
    return "a standby would have to leave synchronous_standby_names first";
  }

  @Override
  protected String describeAdded(List<String> names) {
    return "streaming standby(s) " + String.join(", ", names) + " from base backups of "
        + PRIMARY;
  }

  @Override
  public DatabaseActivities databaseActivities(Duration pollInterval) {
    return new LocalPostgresDatabaseActivities(this, pollInterval);
  }

  /**
   * Starts standbys that are recorded but not running (a crash between recording and starting,
   * or a standby that stopped). The primary is never started or restarted here.
   */
  @Override
  public synchronized List<String> startStoppedNodes() throws IOException {
    List<String> started = new ArrayList<>();
    for (Node node : List.copyOf(nodes)) {
      if (node.primary()) {
        continue;
      }
      LocalPostgres pg = servers.get(node.name());
      if (pg == null || !pg.isRunning()) {
        if (pg != null) {
          pg.close();
        }
        startStandby(node);
        started.add(node.name());
      }
    }
    return started;
  }

  /**
   * Starts a standby on its recorded port, or, when another process took that port, on a new one
   * (recorded first). Only standbys move: the primary's port is the writer endpoint.
   */
  private Node startStandby(Node node) throws IOException {
    Path instance = directory().resolve(node.name());
    Node[] current = {node};
    LocalPostgres pg = Ports.retryingTakenPorts("standby " + node.name(), attempt -> {
      if (attempt > 1) {
        Node moved = new Node(node.name(), freePort(), false);
        log.warn("Port {} of standby {} is taken by another process; moving it to {}",
            current[0].port(), node.name(), moved.port());
        nodes.set(nodes.indexOf(current[0]), moved);
        save();
        current[0] = moved;
      }
      return LocalPostgres.startFromDataDirectory(options.server(node.name()), instance,
          current[0].port(), credentials.adminPassword());
    });
    servers.put(node.name(), pg);
    save();
    log.info("Standby {} running on 127.0.0.1:{} (pid {})", node.name(), current[0].port(),
        pg.pid());
    return current[0];
  }

  private int freePort() throws IOException {
    return Ports.freeLoopbackPort(nodes.stream().map(Node::port).toList());
  }

  // ---- lifecycle ------------------------------------------------------------------------------

  /** Standbys first, then the primary; each with a fast shutdown, killed if it does not stop. */
  @Override
  protected void stopNodes() {
    List<String> names = new ArrayList<>(servers.keySet());
    Collections.reverse(names);
    for (String name : names) {
      servers.get(name).close();
    }
    servers.clear();
  }

  @Override
  protected void releaseNodes() {
    servers.values().forEach(LocalPostgres::release);
    servers.clear();
  }

  @Override
  protected ClusterState.Node record(Node node) {
    return new ClusterState.Node(node.name(), node.port(), null);
  }

  @Override
  protected Long heldPid(Node node) {
    LocalPostgres pg = servers.get(node.name());
    return pg == null ? null : pg.pid();
  }

  private LocalPostgres server(String name) {
    LocalPostgres pg = servers.get(name);
    if (pg == null) {
      throw new IllegalStateException("No server " + name + " in " + directory());
    }
    return pg;
  }

  private static void createReplicationRole(Connection c, String password) throws SQLException {
    if (exists(c, "SELECT 1 FROM pg_catalog.pg_roles WHERE rolname = ?", REPLICATION_USER)) {
      return;
    }
    String literal = c.unwrap(org.postgresql.PGConnection.class).escapeLiteral(password);
    try (Statement s = c.createStatement()) {
      s.execute("CREATE ROLE " + REPLICATION_USER + " WITH REPLICATION LOGIN PASSWORD '"
          + literal + "'");
    }
  }

  private static void createDatabaseIfMissing(Connection c, String database) throws SQLException {
    if (exists(c, "SELECT 1 FROM pg_catalog.pg_database WHERE datname = ?", database)) {
      return;
    }
    try (Statement s = c.createStatement()) {
      s.execute("CREATE DATABASE \"" + database.replace("\"", "\"\"") + "\"");
    }
  }

  private static boolean exists(Connection c, String query, String name) throws SQLException {
    try (PreparedStatement ps = c.prepareStatement(query)) {
      ps.setString(1, name);
      try (ResultSet rs = ps.executeQuery()) {
        return rs.next();
      }
    }
  }

  private static Map<String, String> orderedMap(String... kv) {
    Map<String, String> m = new LinkedHashMap<>();
    for (int i = 0; i < kv.length; i += 2) {
      m.put(kv[i], kv[i + 1]);
    }
    return Collections.unmodifiableMap(m);
  }
}
