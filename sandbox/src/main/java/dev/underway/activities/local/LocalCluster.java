package dev.underway.activities.local;

import dev.underway.local.postgres.LocalPostgres;
import dev.underway.activities.sql.SqlCredentials;
import dev.underway.model.TargetRef;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Properties;
import java.util.function.LongConsumer;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The local sandbox target: a PostgreSQL primary ({@code node0}) and streaming standbys ({@code
 * node1}, {@code node2}, ...), real server processes on 127.0.0.1, all described by one
 * directory.
 *
 * <p>The directory is the source of truth, so a new worker process can {@link #attach} and carry
 * on where a crashed one stopped:
 *
 * <pre>
 * cluster.properties        nodes with ports and pids, application database, reader published,
 *                           disruption budget (rewritten atomically)
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
 *
 * <p>Methods are synchronized: activities of one worker may run concurrently. Two processes must
 * not own the same directory at once.
 */
public final class LocalCluster implements AutoCloseable, LocalNodes {

  private static final Logger log = LoggerFactory.getLogger(LocalCluster.class);

  public static final String PRIMARY = "node0";
  public static final String DEFAULT_DATABASE = "app";
  /** The role standbys stream as (REPLICATION, LOGIN, nothing else). */
  public static final String REPLICATION_USER = "underway_replication";

  static final String STATE_FILE = "cluster.properties";
  static final String CREDENTIALS_FILE = "credentials.properties";

  /** One server of the cluster. */
  public record Node(String name, int port, boolean primary) {
    public String host() {
      return "127.0.0.1";
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
  private final Path stateFile;
  private final Credentials credentials;
  private final Map<String, LocalPostgres> servers = new LinkedHashMap<>();
  private final List<Node> nodes = new ArrayList<>();
  private boolean readerPublished;
  private Integer disruptionBudget;
  private boolean closed;

  private record Credentials(String adminUser, String adminPassword, String replicationPassword,
      String readerPassword) {
    @Override
    public String toString() {
      return "Credentials[" + adminUser + ", <redacted>]";
    }
  }

  private LocalCluster(Options options, Credentials credentials) {
    this.options = options;
    this.stateFile = options.directory().resolve(STATE_FILE);
    this.credentials = credentials;
  }

  /** A new Phase 0 cluster: one primary. Refuses a directory that already holds a cluster. */
  public static LocalCluster create(Options options) throws IOException, SQLException {
    Path dir = options.directory();
    if (Files.exists(dir.resolve(STATE_FILE))) {
      throw new IOException(dir + " already holds a local cluster: attach to it instead");
    }
    Files.createDirectories(dir);
    LocalPostgres primary = LocalPostgres.start(options.server(PRIMARY));
    LocalCluster cluster = null;
    try {
      Credentials creds = new Credentials(primary.superuser(), primary.superuserPassword(),
          LocalPostgres.randomPassword(), LocalPostgres.randomPassword());
      writeCredentials(dir.resolve(CREDENTIALS_FILE), creds);
      cluster = new LocalCluster(options, creds);
      cluster.servers.put(PRIMARY, primary);
      cluster.nodes.add(new Node(PRIMARY, primary.port(), true));
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
  public static LocalCluster attach(Options options) throws IOException {
    Path dir = options.directory();
    Properties state = load(dir.resolve(STATE_FILE));
    Properties secret = load(dir.resolve(CREDENTIALS_FILE));
    Credentials creds = new Credentials(secret.getProperty("admin.user"),
        secret.getProperty("admin.password"), secret.getProperty("replication.password"),
        secret.getProperty("reader.password"));
    String database = state.getProperty("database");
    Options effective = database == null ? options : options.withDatabase(database);
    LocalCluster cluster = new LocalCluster(effective, creds);
    try {
      for (String name : state.getProperty("nodes", "").split(",")) {
        if (name.isBlank()) {
          continue;
        }
        int port = Integer.parseInt(state.getProperty("node." + name + ".port"));
        Path instance = dir.resolve(name);
        LocalPostgres.Options server = effective.server(name);
        Optional<LocalPostgres> running =
            LocalPostgres.attach(server, instance, port, creds.adminPassword());
        boolean primary = name.equals(PRIMARY);
        if (running.isPresent()) {
          cluster.servers.put(name, running.get());
        } else if (primary) {
          log.warn("The primary of the local cluster in {} is not running: starting it on port {}",
              dir, port);
          cluster.servers.put(name, LocalPostgres.startFromDataDirectory(server, instance, port,
              creds.adminPassword()));
        } else {
          log.warn("{} of the local cluster in {} is not running: starting it", name, dir);
        }
        cluster.nodes.add(new Node(name, port, primary));
      }
      cluster.readerPublished = Boolean.parseBoolean(state.getProperty("reader.published"));
      String budget = state.getProperty("budget.maxUnavailable");
      cluster.disruptionBudget = budget == null ? null : Integer.valueOf(budget);
      // only now: starting a standby saves the state, which must be complete by then
      cluster.startStoppedStandbys();
      cluster.save();
    } catch (IOException | RuntimeException e) {
      cluster.close();
      throw e;
    }
    log.info("Attached to the local cluster in {}: {}", dir, cluster.nodes);
    return cluster;
  }

  /** {@link #attach} when the directory holds a cluster, {@link #create} otherwise. */
  public static LocalCluster createOrAttach(Options options) throws IOException, SQLException {
    return Files.exists(options.directory().resolve(STATE_FILE))
        ? attach(options) : create(options);
  }

  // ---- what the cluster is ----------------------------------------------------------------------

  public Path directory() {
    return options.directory();
  }

  public String database() {
    return options.database();
  }

  public synchronized List<Node> nodes() {
    return List.copyOf(nodes);
  }

  public synchronized int nodeCount() {
    return nodes.size();
  }

  public synchronized Node primary() {
    return nodes.get(0);
  }

  /** Standby names in order: {@code node1, node2, ...}. */
  public synchronized List<String> standbyNames() {
    return nodes.stream().filter(n -> !n.primary()).map(Node::name).toList();
  }

  /** The postmaster pid of a node. */
  public synchronized long pid(String node) {
    return server(node).pid();
  }

  /** Nodes whose server process is alive and accepts an admin connection. */
  public int readyNodeCount() {
    int ready = 0;
    for (Node node : nodes()) {
      if (isReady(node)) {
        ready++;
      }
    }
    return ready;
  }

  public boolean isReady(Node node) {
    LocalPostgres pg;
    synchronized (this) {
      pg = servers.get(node.name());
    }
    if (pg == null || !pg.isRunning()) {
      return false;
    }
    Properties props = adminProperties();
    props.setProperty("connectTimeout", "2");
    props.setProperty("loginTimeout", "5");
    props.setProperty("socketTimeout", "5");
    try (Connection c = DriverManager.getConnection(pg.jdbcUrl("postgres"), props);
         Statement s = c.createStatement();
         ResultSet rs = s.executeQuery("SELECT 1")) {
      return rs.next();
    } catch (SQLException e) {
      return false;
    }
  }

  // ---- the writer and reader paths ------------------------------------------------------------

  /** The writer path for the application database. */
  public String writerJdbcUrl() {
    return writerJdbcUrl(options.database());
  }

  /** Every node, {@code targetServerType=primary}: pgjdbc connects to the one that is primary. */
  public synchronized String writerJdbcUrl(String database) {
    return multiHostUrl(database, "primary");
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
  public synchronized Optional<String> readerJdbcUrl() {
    if (!readerPublished) {
      return Optional.empty();
    }
    List<Node> standbysFirst = new ArrayList<>(nodes.subList(1, nodes.size()));
    standbysFirst.add(nodes.get(0));
    return Optional.of(multiHostUrl(standbysFirst, options.database(), "preferSecondary"));
  }

  private String multiHostUrl(String database, String targetServerType) {
    return multiHostUrl(nodes, database, targetServerType);
  }

  private static String multiHostUrl(List<Node> nodes, String database, String targetServerType) {
    String hosts = nodes.stream().map(n -> n.host() + ":" + n.port())
        .collect(Collectors.joining(","));
    return "jdbc:postgresql://" + hosts + "/" + database + "?sslmode=disable&targetServerType="
        + targetServerType;
  }

  /** The admin's {@code user} and {@code password}: for connecting, never for logging. */
  public Properties adminProperties() {
    Properties props = new Properties();
    props.setProperty("user", credentials.adminUser());
    props.setProperty("password", credentials.adminPassword());
    return props;
  }

  /** Login of the default read-only user ({@code underway_reader}), once it exists. */
  public Properties readerProperties() {
    Properties props = new Properties();
    props.setProperty("user", TargetRef.DEFAULT_READER_USER);
    props.setProperty("password", credentials.readerPassword());
    return props;
  }

  /** What the SQL activities act with: the admin, and the password a new reader user gets. */
  public SqlCredentials sqlCredentials() {
    return new SqlCredentials(credentials.adminUser(), credentials.adminPassword(),
        credentials.readerPassword());
  }

  /** An admin connection over the writer path (always the primary). */
  public Connection openWriter(String database) throws SQLException {
    Properties props = adminProperties();
    props.setProperty("connectTimeout", "5");
    props.setProperty("loginTimeout", "10");
    props.setProperty("socketTimeout", "120");
    props.setProperty("ApplicationName", "underway");
    return DriverManager.getConnection(writerJdbcUrl(database), props);
  }

  // ---- the sandbox's stand-ins for a reader Service and a PodDisruptionBudget -----------------

  public synchronized boolean readerPublished() {
    return readerPublished;
  }

  /** Publishes the reader path; true when it was not published before. Persisted. */
  public synchronized boolean publishReader() throws IOException {
    if (readerPublished) {
      return false;
    }
    readerPublished = true;
    save();
    log.info("Reader path of the local cluster in {} published", options.directory());
    return true;
  }

  /**
   * The disruption budget asked for. It has no local meaning (nothing evicts these processes);
   * it is kept so the runbook's plan and verification read the same as on Kubernetes.
   */
  public synchronized Optional<Integer> disruptionBudget() {
    return Optional.ofNullable(disruptionBudget);
  }

  public synchronized void setDisruptionBudget(int maxUnavailable) throws IOException {
    disruptionBudget = maxUnavailable;
    save();
  }

  // ---- scaling ----------------------------------------------------------------------------------

  /** Bytes a second a base backup may read from the primary; 0: no limit. */
  private volatile long baseBackupMaxRate;

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
   * Adds one streaming standby, named {@code node<N>} after the nodes already there, from a base
   * backup of the primary (see {@link BaseBackup}), on a free port, and starts it. A directory
   * left by an interrupted attempt (never recorded as a node) is removed first; its replication
   * slot is reused. The node is recorded before its server starts, so a retry after a crash
   * starts it rather than adding another.
   */
  public synchronized Node addStandby() throws IOException, SQLException {
    return addStandby(bytes -> { });
  }

  /**
   * As {@link #addStandby()}, reporting the bytes the base backup has copied so far to {@code
   * progress} (a change step heartbeats them), at most {@link #baseBackupMaxRate} bytes a second.
   */
  public synchronized Node addStandby(LongConsumer progress) throws IOException, SQLException {
    ensureOpen();
    String name = "node" + nodes.size();
    Path instance = options.directory().resolve(name);
    if (Files.exists(instance)) {
      log.warn("Removing {} left by an interrupted attempt to add {}", instance, name);
      LocalPostgres.deleteRecursively(instance);
    }
    Files.createDirectories(instance);
    int port = freePort();
    LocalPostgres primary = server(PRIMARY);
    try (Connection c = primary.connect("postgres")) {
      BaseBackup.takeInto(c, primary.dataDirectory(), instance.resolve("data"), name,
          new BaseBackup.Upstream(primary.host(), primary.port(), REPLICATION_USER,
              credentials.replicationPassword()),
          new BaseBackup.CopyMeter(baseBackupMaxRate, progress));
    }
    Node node = new Node(name, port, false);
    nodes.add(node);
    save();
    return startStandby(node);
  }

  /**
   * Starts standbys that are recorded but not running (a crash between recording and starting,
   * or a standby that stopped). The primary is never started or restarted here.
   */
  public synchronized List<String> startStoppedStandbys() throws IOException {
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
    Path instance = options.directory().resolve(node.name());
    LocalPostgres pg;
    for (int attempt = 1; ; attempt++) {
      try {
        pg = LocalPostgres.startFromDataDirectory(options.server(node.name()), instance,
            node.port(), credentials.adminPassword());
        break;
      } catch (LocalPostgres.PortInUseException e) {
        if (attempt >= LocalPostgres.PORT_ATTEMPTS) {
          throw e;
        }
        Node moved = new Node(node.name(), freePort(), false);
        log.warn("Port {} of standby {} is taken by another process; moving it to {}",
            node.port(), node.name(), moved.port());
        nodes.set(nodes.indexOf(node), moved);
        save();
        node = moved;
      }
    }
    servers.put(node.name(), pg);
    save();
    log.info("Standby {} running on 127.0.0.1:{} (pid {})", node.name(), node.port(), pg.pid());
    return node;
  }

  private int freePort() throws IOException {
    for (int attempt = 0; attempt < 20; attempt++) {
      int port = LocalPostgres.freeLoopbackPort();
      if (nodes.stream().noneMatch(n -> n.port() == port)) {
        return port;
      }
    }
    throw new IOException("No free loopback port found");
  }

  // ---- lifecycle ------------------------------------------------------------------------------

  /**
   * Forgets the servers without stopping them: what a crashed worker leaves behind. A later
   * {@link #attach} takes them over. No server is stopped when this JVM exits either.
   */
  public synchronized void detach() {
    closed = true;
    servers.values().forEach(LocalPostgres::release);
    servers.clear();
  }

  /**
   * Stops every server of the cluster (standbys first, then the primary; fast shutdown, killed
   * if it does not stop) and removes the directory unless asked to keep it.
   */
  @Override
  public synchronized void close() {
    if (closed) {
      return;
    }
    closed = true;
    List<String> names = new ArrayList<>(servers.keySet());
    java.util.Collections.reverse(names);
    for (String name : names) {
      servers.get(name).close();
    }
    servers.clear();
    if (!options.keepDirectory()) {
      try {
        LocalPostgres.deleteRecursively(options.directory());
      } catch (IOException e) {
        log.warn("Could not remove {}: {}", options.directory(), e.getMessage());
      }
    }
  }

  // ---- state on disk ----------------------------------------------------------------------------

  private LocalPostgres server(String name) {
    LocalPostgres pg = servers.get(name);
    if (pg == null) {
      throw new IllegalStateException("No server " + name + " in " + options.directory());
    }
    return pg;
  }

  private void ensureOpen() {
    if (closed) {
      throw new IllegalStateException("The local cluster in " + options.directory()
          + " is closed");
    }
  }

  private void save() throws IOException {
    Properties p = new Properties();
    p.setProperty("database", options.database());
    p.setProperty("nodes", nodes.stream().map(Node::name).collect(Collectors.joining(",")));
    for (Node n : nodes) {
      p.setProperty("node." + n.name() + ".port", Integer.toString(n.port()));
      LocalPostgres pg = servers.get(n.name());
      if (pg != null) {
        p.setProperty("node." + n.name() + ".pid", Long.toString(pg.pid()));
      }
    }
    p.setProperty("reader.published", Boolean.toString(readerPublished));
    if (disruptionBudget != null) {
      p.setProperty("budget.maxUnavailable", disruptionBudget.toString());
    }
    Path tmp = stateFile.resolveSibling(STATE_FILE + ".tmp");
    try (OutputStream out = Files.newOutputStream(tmp)) {
      p.store(out, "Underway local cluster (written by LocalCluster; do not edit while it runs)");
    }
    Files.move(tmp, stateFile, StandardCopyOption.ATOMIC_MOVE,
        StandardCopyOption.REPLACE_EXISTING);
  }

  private static void writeCredentials(Path file, Credentials c) throws IOException {
    Files.deleteIfExists(file);
    Files.createFile(file, PosixFilePermissions.asFileAttribute(
        PosixFilePermissions.fromString("rw-------")));
    Properties p = new Properties();
    p.setProperty("admin.user", c.adminUser());
    p.setProperty("admin.password", c.adminPassword());
    p.setProperty("replication.password", c.replicationPassword());
    p.setProperty("reader.password", c.readerPassword());
    try (OutputStream out = Files.newOutputStream(file)) {
      p.store(out, "Underway local cluster credentials: keep private");
    }
  }

  private static Properties load(Path file) throws IOException {
    if (!Files.exists(file)) {
      throw new IOException("No local cluster here: " + file + " is missing");
    }
    Properties p = new Properties();
    try (InputStream in = Files.newInputStream(file)) {
      p.load(in);
    }
    return p;
  }

  private static void createReplicationRole(Connection c, String password) throws SQLException {
    try (PreparedStatement ps =
        c.prepareStatement("SELECT 1 FROM pg_catalog.pg_roles WHERE rolname = ?")) {
      ps.setString(1, REPLICATION_USER);
      try (ResultSet rs = ps.executeQuery()) {
        if (rs.next()) {
          return;
        }
      }
    }
    String literal = c.unwrap(org.postgresql.PGConnection.class).escapeLiteral(password);
    try (Statement s = c.createStatement()) {
      s.execute("CREATE ROLE " + REPLICATION_USER + " WITH REPLICATION LOGIN PASSWORD '"
          + literal + "'");
    }
  }

  private static void createDatabaseIfMissing(Connection c, String database) throws SQLException {
    try (PreparedStatement ps =
        c.prepareStatement("SELECT 1 FROM pg_catalog.pg_database WHERE datname = ?")) {
      ps.setString(1, database);
      try (ResultSet rs = ps.executeQuery()) {
        if (rs.next()) {
          return;
        }
      }
    }
    try (Statement s = c.createStatement()) {
      s.execute("CREATE DATABASE \"" + database.replace("\"", "\"\"") + "\"");
    }
  }

  private static Map<String, String> orderedMap(String... kv) {
    Map<String, String> m = new LinkedHashMap<>();
    for (int i = 0; i < kv.length; i += 2) {
      m.put(kv[i], kv[i + 1]);
    }
    return java.util.Collections.unmodifiableMap(m);
  }
}
