package dev.underway.activities.local;

import dev.underway.local.postgres.LocalPostgres;
import dev.underway.activities.sql.CockroachDialect;
import dev.underway.activities.sql.ConnectionFactory;
import dev.underway.activities.sql.CredentialSource;
import dev.underway.activities.sql.SqlCredentials;
import dev.underway.model.TargetRef;
import dev.underway.model.ZoneReplication;
import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.net.HttpURLConnection;
import java.net.Proxy;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Properties;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The local sandbox target for {@code --engine cockroach}: CockroachDB nodes ({@code node1},
 * {@code node2}, ...) as real {@code cockroach start --insecure} processes on 127.0.0.1, children
 * of this JVM (foreground, output to a file, so their pids are ours), all described by one
 * directory.
 *
 * <pre>
 * cockroach-cluster.properties   nodes with ports and pids, initialized, application database,
 *                                reader published, disruption budget (rewritten atomically)
 * init.log                       output of cockroach init
 * node1/store (and store/logs)   node1's store and CockroachDB's own logs
 * node1/cockroach.out            node1's stdout and stderr
 * node2/..., node3/...           nodes added by {@link #addNode()}
 * </pre>
 *
 * <p>Phase 0 is what {@link #create} leaves: one node, initialized with {@code cockroach init},
 * {@code num_replicas = 1} on every zone configuration (a new cluster asks for 3, system ranges
 * for 5), and the application database. The SQL side (zones, ranges, the read-only user) is the
 * production {@link dev.underway.activities.sql.SqlDatabaseActivities} with {@link
 * CockroachDialect}, pointed here by {@link #connectionFactory()} and {@link
 * #credentialSource()}: insecure mode, user {@code root}, no password, {@code sslmode=disable}.
 *
 * <p>Methods are synchronized: activities of one worker may run concurrently. Two processes must
 * not own the same directory at once.
 */
public final class LocalCockroachCluster implements AutoCloseable, LocalNodes {

  private static final Logger log = LoggerFactory.getLogger(LocalCockroachCluster.class);

  public static final String DEFAULT_DATABASE = "app";
  /** The admin user of an insecure cluster; it has no password. */
  public static final String ADMIN_USER = "root";
  /** The database every new CockroachDB cluster has; the admin connects there to create others. */
  static final String BOOTSTRAP_DATABASE = "defaultdb";
  static final String HOST = "127.0.0.1";
  private static final Pattern DATABASE_NAME = Pattern.compile("[a-z_][a-z0-9_]{0,62}");

  /**
   * One CockroachDB node.
   *
   * @param name {@code node1}, {@code node2}, ...
   * @param port SQL and inter-node RPC ({@code --listen-addr})
   * @param httpPort DB Console and {@code /health} ({@code --http-addr})
   */
  public record Node(String name, int port, int httpPort) {
    public String host() {
      return HOST;
    }

    public String address() {
      return HOST + ":" + port;
    }

    public String httpAddress() {
      return HOST + ":" + httpPort;
    }
  }

  /**
   * Where and how.
   *
   * @param directory the cluster's directory (no comma: it goes into {@code --store=path=})
   * @param binary the {@code cockroach} executable; null: the first one on PATH
   * @param database the application database (lower-case identifier); null: {@code app}
   * @param keepDirectory whether {@link #close()} leaves the directory (stores, logs) behind
   * @param stopOnJvmExit whether the nodes are stopped when this JVM exits without {@link
   *     #close()}; false lets them outlive a crashed worker for the next one to {@link #attach}
   * @param cache {@code --cache} per node (the machine is shared: small by default)
   * @param maxSqlMemory {@code --max-sql-memory} per node
   * @param startupTimeout how long init and the first node's readiness may take
   * @param stopTimeout how long nodes get to shut down after SIGTERM before they are killed
   */
  public record Options(Path directory, Path binary, String database, boolean keepDirectory,
      boolean stopOnJvmExit, String cache, String maxSqlMemory, Duration startupTimeout,
      Duration stopTimeout) {
    public Options {
      Objects.requireNonNull(directory, "directory");
      directory = directory.toAbsolutePath().normalize();
      if (directory.toString().contains(",")) {
        throw new IllegalArgumentException("the cluster directory must not contain a comma"
            + " (it is part of --store=path=...): " + directory);
      }
      database = database == null || database.isBlank() ? DEFAULT_DATABASE : database;
      if (!DATABASE_NAME.matcher(database).matches()) {
        throw new IllegalArgumentException("database must be a lower-case SQL identifier"
            + " ([a-z_][a-z0-9_]*), got: " + database);
      }
      cache = cache == null || cache.isBlank() ? "128MiB" : cache;
      maxSqlMemory = maxSqlMemory == null || maxSqlMemory.isBlank() ? "128MiB" : maxSqlMemory;
      startupTimeout = startupTimeout == null ? Duration.ofMinutes(2) : startupTimeout;
      stopTimeout = stopTimeout == null ? Duration.ofSeconds(30) : stopTimeout;
    }

    public static Options in(Path directory) {
      return new Options(directory, null, null, false, true, null, null, null, null);
    }

    public Options withBinary(Path cockroach) {
      return new Options(directory, cockroach, database, keepDirectory, stopOnJvmExit, cache,
          maxSqlMemory, startupTimeout, stopTimeout);
    }

    public Options withDatabase(String name) {
      return new Options(directory, binary, name, keepDirectory, stopOnJvmExit, cache,
          maxSqlMemory, startupTimeout, stopTimeout);
    }

    public Options keepingDirectory(boolean keep) {
      return new Options(directory, binary, database, keep, stopOnJvmExit, cache, maxSqlMemory,
          startupTimeout, stopTimeout);
    }

    public Options stoppingOnJvmExit(boolean stop) {
      return new Options(directory, binary, database, keepDirectory, stop, cache, maxSqlMemory,
          startupTimeout, stopTimeout);
    }

    public Options withMemory(String cacheSize, String sqlMemory) {
      return new Options(directory, binary, database, keepDirectory, stopOnJvmExit, cacheSize,
          sqlMemory, startupTimeout, stopTimeout);
    }

    public Options withTimeouts(Duration startup, Duration stop) {
      return new Options(directory, binary, database, keepDirectory, stopOnJvmExit, cache,
          maxSqlMemory, startup, stop);
    }
  }

  /** A node's process: a child of this JVM, or one attached to by pid. */
  private static final class NodeProcess {
    final ProcessHandle handle;
    /** Null when attached (not a child of this JVM). */
    final Process process;

    NodeProcess(ProcessHandle handle, Process process) {
      this.handle = handle;
      this.process = process;
    }

    boolean isAlive() {
      return process != null ? process.isAlive() : handle.isAlive();
    }

    /** Waits at most {@code d} for the node to exit: the pause between probes of it. */
    void pauseUnlessExited(Duration d) throws IOException {
      try {
        LocalPostgres.awaitExit(handle, process, d);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IOException("interrupted while waiting for CockroachDB", e);
      }
    }
  }

  private final Options options;
  private final Path binary;
  private final List<Node> nodes = new ArrayList<>();
  /** Concurrent: the JVM shutdown hook reads it without the lock. */
  private final Map<String, NodeProcess> processes = new ConcurrentHashMap<>();
  private final Thread shutdownHook;
  private boolean initialized;
  private boolean readerPublished;
  private Integer disruptionBudget;
  private boolean closed;

  private LocalCockroachCluster(Options options, Path binary) {
    this.options = options;
    this.binary = binary;
    this.shutdownHook = options.stopOnJvmExit()
        ? new Thread(this::stopAll, "local-cockroach-stop") : null;
  }

  // ---- creating and attaching -----------------------------------------------------------------

  /** Whether {@code directory} holds a local CockroachDB cluster (its state file). */
  public static boolean isClusterDirectory(Path directory) {
    return Files.exists(directory.resolve(LocalCockroachState.FILE));
  }

  /**
   * A new Phase 0 cluster: node1 started, {@code cockroach init}, RF 1 on every zone, the
   * application database. Refuses a directory that already holds a cluster.
   */
  public static LocalCockroachCluster create(Options options) throws IOException, SQLException {
    Path dir = options.directory();
    if (isClusterDirectory(dir)) {
      throw new IOException(dir + " already holds a local CockroachDB cluster: attach to it"
          + " instead");
    }
    Path binary = resolveBinary(options);
    Files.createDirectories(dir);
    LocalCockroachCluster cluster = new LocalCockroachCluster(options, binary);
    try {
      synchronized (cluster) {
        cluster.registerShutdownHook();
        Node first = cluster.newNode();
        cluster.nodes.add(first);
        cluster.save();
        cluster.start(first);
        cluster.ensureInitialized();
      }
      log.info("Local CockroachDB cluster created in {}: node1 on {} (HTTP {}), database {}",
          dir, cluster.nodes.get(0).address(), cluster.nodes.get(0).httpAddress(),
          options.database());
      return cluster;
    } catch (IOException | SQLException | RuntimeException e) {
      cluster.close();
      throw e;
    }
  }

  /**
   * Takes over the cluster described by the directory: a node whose recorded pid is alive and is
   * that node's {@code cockroach} process is attached as it is (never restarted); any other node
   * is started again on its store and ports. Finishes an interrupted {@link #create}.
   */
  public static LocalCockroachCluster attach(Options options) throws IOException, SQLException {
    Path dir = options.directory();
    LocalCockroachState state = LocalCockroachState.read(dir);
    Options effective = options.withDatabase(state.database());
    LocalCockroachCluster cluster = new LocalCockroachCluster(effective, resolveBinary(options));
    try {
      synchronized (cluster) {
        cluster.registerShutdownHook();
        cluster.nodes.addAll(state.nodes());
        cluster.initialized = state.initialized();
        cluster.readerPublished = state.readerPublished();
        cluster.disruptionBudget = state.disruptionBudget();
        for (Node node : state.nodes()) {
          Optional<ProcessHandle> running = Optional.ofNullable(state.pids().get(node.name()))
              .flatMap(ProcessHandle::of)
              .filter(ProcessHandle::isAlive)
              .filter(h -> isNodeProcess(h, cluster.storeArgument(node)));
          if (running.isPresent()) {
            cluster.processes.put(node.name(), new NodeProcess(running.get(), null));
            log.info("Attached to {} of the local CockroachDB cluster in {} (pid {})",
                node.name(), dir, running.get().pid());
          } else {
            log.warn("{} of the local CockroachDB cluster in {} is not running: starting it on {}",
                node.name(), dir, node.address());
            cluster.start(node);
          }
        }
        cluster.save();
        cluster.ensureInitialized();
      }
    } catch (IOException | SQLException | RuntimeException e) {
      // stop what runs (a retry starts it again from the stores); never remove the directory
      cluster.stopKeepingDirectory();
      throw e;
    }
    log.info("Attached to the local CockroachDB cluster in {}: {}", dir, cluster.nodes());
    return cluster;
  }

  /** {@link #attach} when the directory holds a cluster, {@link #create} otherwise. */
  public static LocalCockroachCluster createOrAttach(Options options)
      throws IOException, SQLException {
    return isClusterDirectory(options.directory()) ? attach(options) : create(options);
  }

  /** The binary the options name, or the first {@code cockroach} on PATH. */
  static Path resolveBinary(Options options) throws IOException {
    if (options.binary() != null) {
      if (!Files.isExecutable(options.binary())) {
        throw new IOException("cockroach binary not executable: " + options.binary());
      }
      return options.binary().toAbsolutePath();
    }
    return onPath("cockroach", System.getenv("PATH")).orElseThrow(() -> new IOException(
        "cockroach binary not on PATH: install CockroachDB or use the PostgreSQL engine"));
  }

  static Optional<Path> onPath(String name, String path) {
    if (path == null || path.isBlank()) {
      return Optional.empty();
    }
    return Arrays.stream(path.split(File.pathSeparator))
        .filter(p -> !p.isBlank())
        .map(p -> Path.of(p, name))
        .filter(Files::isExecutable)
        .findFirst();
  }

  /**
   * Whether a live process is this node's {@code cockroach}: its arguments name this node's
   * store when the OS tells them, else its command is a {@code cockroach}. Guards against a
   * recorded pid that now belongs to another program.
   */
  static boolean isNodeProcess(ProcessHandle handle, String storeArgument) {
    ProcessHandle.Info info = handle.info();
    Optional<String[]> arguments = info.arguments();
    if (arguments.isPresent()) {
      return Arrays.asList(arguments.get()).contains(storeArgument);
    }
    return info.command().map(c -> c.endsWith("/cockroach")).orElse(true);
  }

  // ---- command lines (no I/O) -----------------------------------------------------------------

  /**
   * {@code cockroach start} for a node, in the foreground: insecure, on-disk store under the
   * node's directory, SQL and RPC on {@code --listen-addr}, HTTP on {@code --http-addr}, both on
   * 127.0.0.1, joining the cluster through {@code join} (node1 first; node1 may join itself).
   */
  static List<String> startCommand(Path binary, Path directory, Node node, List<Node> join,
      String cache, String maxSqlMemory) {
    if (join.isEmpty()) {
      throw new IllegalArgumentException("a node needs at least one --join address");
    }
    return List.of(binary.toString(), "start", "--insecure",
        "--store=path=" + directory.resolve(node.name()).resolve("store"),
        "--listen-addr=" + node.address(),
        "--http-addr=" + node.httpAddress(),
        "--join=" + join.stream().map(Node::address).collect(Collectors.joining(",")),
        "--cache=" + cache,
        "--max-sql-memory=" + maxSqlMemory);
  }

  /** {@code cockroach init} against node1; run once per cluster. */
  static List<String> initCommand(Path binary, Node first) {
    return List.of(binary.toString(), "init", "--insecure", "--host=" + first.address());
  }

  /** What {@code cockroach init} answers when the cluster is already initialized. */
  static boolean saysAlreadyInitialized(String initOutput) {
    return initOutput != null && initOutput.toLowerCase().contains("already been initialized");
  }

  /** pgjdbc URL over {@code nodes} in order, plain TCP (insecure cluster). */
  static String jdbcUrl(List<Node> nodes, String database, boolean loadBalance) {
    String hosts = nodes.stream().map(Node::address).collect(Collectors.joining(","));
    return "jdbc:postgresql://" + hosts + "/" + database + "?sslmode=disable&targetServerType=any"
        + (loadBalance ? "&loadBalanceHosts=true" : "");
  }

  private String storeArgument(Node node) {
    return "--store=path=" + options.directory().resolve(node.name()).resolve("store");
  }

  // ---- what the cluster is --------------------------------------------------------------------

  public Path directory() {
    return options.directory();
  }

  public String database() {
    return options.database();
  }

  public Path binary() {
    return binary;
  }

  public synchronized List<Node> nodes() {
    return List.copyOf(nodes);
  }

  public synchronized int nodeCount() {
    return nodes.size();
  }

  /** The node the others join, and the writer path's first host. */
  public synchronized Node first() {
    return nodes.get(0);
  }

  /** The pid of a node's {@code cockroach} process. */
  public synchronized long pid(String node) {
    NodeProcess p = processes.get(node);
    if (p == null) {
      throw new IllegalStateException("No process for " + node + " in " + options.directory());
    }
    return p.handle.pid();
  }

  /** Whether a node's process is alive and its {@code /health?ready=1} answers 200. */
  public boolean isReady(Node node) {
    NodeProcess p;
    synchronized (this) {
      p = processes.get(node.name());
    }
    return p != null && p.isAlive() && healthReady(node, Duration.ofSeconds(2));
  }

  public int readyNodeCount() {
    int ready = 0;
    for (Node node : nodes()) {
      if (isReady(node)) {
        ready++;
      }
    }
    return ready;
  }

  /**
   * CockroachDB's readiness endpoint: 200 when the node accepts SQL clients, 503 before {@code
   * cockroach init}, while draining, or when it cannot reach a majority.
   */
  static boolean healthReady(Node node, Duration timeout) {
    HttpURLConnection http = null;
    try {
      http = (HttpURLConnection) URI.create(
          "http://" + node.httpAddress() + "/health?ready=1").toURL()
          .openConnection(Proxy.NO_PROXY);
      http.setConnectTimeout((int) timeout.toMillis());
      http.setReadTimeout((int) timeout.toMillis());
      http.setUseCaches(false);
      int code = http.getResponseCode();
      try (InputStream body = code >= 400 ? http.getErrorStream() : http.getInputStream()) {
        if (body != null) {
          body.readAllBytes();
        }
      }
      return code == 200;
    } catch (IOException e) {
      return false;
    } finally {
      if (http != null) {
        http.disconnect();
      }
    }
  }

  // ---- the writer and reader paths ------------------------------------------------------------

  /**
   * The writer path for the application database: every node, node1 first, {@code
   * targetServerType=any} without load balancing, so writes go to node1 while it is up (every
   * CockroachDB node accepts writes) and to the next node otherwise.
   */
  public synchronized String writerJdbcUrl() {
    return jdbcUrl(nodes, options.database(), false);
  }

  /**
   * The reader path, once published ({@link #publishReader()}): every node with {@code
   * loadBalanceHosts=true}, as a Service spreads clients over its pods. Follows the node list.
   */
  public synchronized Optional<String> readerJdbcUrl() {
    return readerPublished
        ? Optional.of(jdbcUrl(nodes, options.database(), true)) : Optional.empty();
  }

  /** {@code user=root} and nothing else: an insecure cluster has no passwords. */
  public Properties adminProperties() {
    Properties props = new Properties();
    props.setProperty("user", ADMIN_USER);
    return props;
  }

  /** Login of the default read-only user ({@code underway_reader}), once it exists. */
  public Properties readerProperties() {
    Properties props = new Properties();
    props.setProperty("user", TargetRef.DEFAULT_READER_USER);
    return props;
  }

  /**
   * What the SQL activities act with: {@code root}, no password, and no password for the reader
   * (an insecure cluster refuses to set one).
   */
  public SqlCredentials sqlCredentials() {
    return new SqlCredentials(ADMIN_USER, null, null);
  }

  public CredentialSource credentialSource() {
    return target -> sqlCredentials();
  }

  /**
   * Connections for {@link dev.underway.activities.sql.SqlDatabaseActivities}: to {@code
   * target.database()} on this cluster's nodes (node1 first, the next one when it is down). The
   * target's SQL host and port are ignored: the nodes are here.
   */
  public ConnectionFactory connectionFactory() {
    return (target, credentials) -> DriverManager.getConnection(
        jdbcUrl(nodes(), target.database(), false), ConnectionFactory.properties(credentials));
  }

  /** An admin connection to {@code database}. */
  public Connection openAdmin(String database) throws SQLException {
    Properties props = adminProperties();
    props.setProperty("connectTimeout", "5");
    props.setProperty("loginTimeout", "10");
    props.setProperty("socketTimeout", "120");
    props.setProperty("ApplicationName", "underway");
    return DriverManager.getConnection(jdbcUrl(nodes(), database, false), props);
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
    log.info("Reader path of the local CockroachDB cluster in {} published", directory());
    return true;
  }

  /** The recorded disruption budget: nothing evicts local processes; plans read as on k8s. */
  public synchronized Optional<Integer> disruptionBudget() {
    return Optional.ofNullable(disruptionBudget);
  }

  public synchronized void setDisruptionBudget(int maxUnavailable) throws IOException {
    if (maxUnavailable < 0) {
      throw new IllegalArgumentException("maxUnavailable must not be negative: " + maxUnavailable);
    }
    disruptionBudget = maxUnavailable;
    save();
  }

  // ---- scaling --------------------------------------------------------------------------------

  /**
   * Adds one node, named {@code node<N+1>} after the N already there, on free ports, joining the
   * cluster, and starts it (does not wait for readiness). The node is recorded before it starts,
   * so a retry after a crash starts it rather than adding another.
   */
  public synchronized Node addNode() throws IOException {
    ensureOpen();
    Node node = newNode();
    nodes.add(node);
    save();
    start(node);
    return node;
  }

  /** Starts nodes that are recorded but not running; returns their names. */
  public synchronized List<String> startStoppedNodes() throws IOException {
    ensureOpen();
    List<String> started = new ArrayList<>();
    for (Node node : nodes) {
      NodeProcess p = processes.get(node.name());
      if (p == null || !p.isAlive()) {
        start(node);
        started.add(node.name());
      }
    }
    return started;
  }

  private Node newNode() throws IOException {
    List<Integer> taken = new ArrayList<>();
    for (Node n : nodes) {
      taken.add(n.port());
      taken.add(n.httpPort());
    }
    int port = freePort(taken);
    taken.add(port);
    int http = freePort(taken);
    return new Node("node" + (nodes.size() + 1), port, http);
  }

  private static int freePort(List<Integer> taken) throws IOException {
    for (int attempt = 0; attempt < 20; attempt++) {
      int port = LocalPostgres.freeLoopbackPort();
      if (!taken.contains(port)) {
        return port;
      }
    }
    throw new IOException("No free loopback port found");
  }

  private void start(Node node) throws IOException {
    Path nodeDir = options.directory().resolve(node.name());
    Files.createDirectories(nodeDir);
    List<String> command = startCommand(binary, options.directory(), node, joinList(),
        options.cache(), options.maxSqlMemory());
    Process process = new ProcessBuilder(command)
        .directory(nodeDir.toFile())
        .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")))
        .redirectErrorStream(true)
        .redirectOutput(ProcessBuilder.Redirect.appendTo(nodeDir.resolve("cockroach.out").toFile()))
        .start();
    processes.put(node.name(), new NodeProcess(process.toHandle(), process));
    save();
    log.info("CockroachDB {} started on {} (HTTP {}, pid {})", node.name(), node.address(),
        node.httpAddress(), process.pid());
  }

  /** node1 first, then the others: a restarting node finds the cluster through any of them. */
  private List<Node> joinList() {
    return List.copyOf(nodes);
  }

  /**
   * {@code cockroach init} (tolerating "already initialized"), node1 ready, and the Phase 0
   * shape; once per cluster (recorded), so an interrupted create is finished by attach and a
   * later attach never lowers a replication factor the runbook raised.
   */
  private void ensureInitialized() throws IOException, SQLException {
    Node first = nodes.get(0);
    long deadline = System.nanoTime() + options.startupTimeout().toNanos();
    if (!initialized) {
      runInit(first, deadline);
    }
    awaitReady(first, deadline);
    if (initialized) {
      return;
    }
    try (Connection c = openAdmin(BOOTSTRAP_DATABASE); Statement s = c.createStatement()) {
      s.execute("CREATE DATABASE IF NOT EXISTS " + options.database());
      CockroachDialect dialect = new CockroachDialect();
      for (ZoneReplication zone : dialect.zones(c)) {
        if (zone.numReplicas() != 1) {
          dialect.setNumReplicas(c, zone.target(), 1);
          log.info("Phase 0: {} num_replicas {} -> 1", zone.target(), zone.numReplicas());
        }
      }
    }
    initialized = true;
    save();
  }

  private void runInit(Node first, long deadline) throws IOException {
    Path logFile = options.directory().resolve("init.log");
    List<String> command = initCommand(binary, first);
    String last = "";
    while (true) {
      NodeProcess p = processes.get(first.name());
      if (p == null || !p.isAlive()) {
        throw new IOException(first.name() + " exited before cockroach init; output:\n"
            + LocalPostgres.tail(options.directory().resolve(first.name()).resolve("cockroach.out")));
      }
      Process init = new ProcessBuilder(command)
          .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")))
          .redirectErrorStream(true)
          .start();
      String output;
      try (InputStream in = init.getInputStream()) {
        output = new String(in.readAllBytes(), StandardCharsets.UTF_8);
        if (!init.waitFor(60, TimeUnit.SECONDS)) {
          init.destroyForcibly();
          throw new IOException("cockroach init did not finish within 60s");
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        init.destroyForcibly();
        throw new IOException("interrupted during cockroach init", e);
      }
      Files.writeString(logFile, output, StandardCharsets.UTF_8,
          java.nio.file.StandardOpenOption.CREATE, java.nio.file.StandardOpenOption.APPEND);
      if (init.exitValue() == 0 || saysAlreadyInitialized(output)) {
        log.info("Local CockroachDB cluster in {} initialized through {}", directory(),
            first.address());
        return;
      }
      last = output.strip();
      if (System.nanoTime() > deadline) {
        throw new IOException("cockroach init against " + first.address() + " kept failing for "
            + options.startupTimeout() + "; last output: " + last);
      }
      p.pauseUnlessExited(Duration.ofMillis(500));
    }
  }

  private void awaitReady(Node node, long deadline) throws IOException {
    while (!isReadyLocked(node)) {
      NodeProcess p = processes.get(node.name());
      if (p == null || !p.isAlive()) {
        throw new IOException(node.name() + " exited while starting; output:\n"
            + LocalPostgres.tail(options.directory().resolve(node.name()).resolve("cockroach.out")));
      }
      if (System.nanoTime() > deadline) {
        throw new IOException(node.name() + " not ready (/health?ready=1 on " + node.httpAddress()
            + ") within " + options.startupTimeout());
      }
      p.pauseUnlessExited(Duration.ofMillis(250));
    }
  }

  private boolean isReadyLocked(Node node) {
    NodeProcess p = processes.get(node.name());
    return p != null && p.isAlive() && healthReady(node, Duration.ofSeconds(2));
  }

  // ---- lifecycle ------------------------------------------------------------------------------

  /**
   * Forgets the nodes without stopping them: what a crashed worker leaves behind. A later
   * {@link #attach} takes them over.
   */
  public synchronized void detach() {
    if (closed) {
      return;
    }
    closed = true;
    removeShutdownHook();
    processes.clear();
  }

  /**
   * Stops every node (SIGTERM to all at once, the documented graceful shutdown; SIGKILL for any
   * still running after {@link Options#stopTimeout()}) and removes the directory unless asked to
   * keep it.
   */
  @Override
  public synchronized void close() {
    if (closed) {
      return;
    }
    closed = true;
    removeShutdownHook();
    stopAll();
    processes.clear();
    if (!options.keepDirectory()) {
      try {
        LocalPostgres.deleteRecursively(options.directory());
      } catch (IOException e) {
        log.warn("Could not remove {}: {}", options.directory(), e.getMessage());
      }
    }
  }

  private synchronized void stopKeepingDirectory() {
    if (closed) {
      return;
    }
    closed = true;
    removeShutdownHook();
    stopAll();
    processes.clear();
  }

  private void stopAll() {
    List<NodeProcess> running = processes.values().stream().filter(NodeProcess::isAlive).toList();
    if (running.isEmpty()) {
      return;
    }
    running.forEach(p -> p.handle.destroy());
    long deadline = System.nanoTime() + options.stopTimeout().toNanos();
    for (NodeProcess p : running) {
      long left = Math.max(0, deadline - System.nanoTime());
      if (!awaitExit(p, Duration.ofNanos(left))) {
        log.warn("CockroachDB pid {} did not stop within {}: killing it", p.handle.pid(),
            options.stopTimeout());
        p.handle.destroyForcibly();
        awaitExit(p, Duration.ofSeconds(10));
      }
    }
    log.info("Local CockroachDB cluster in {} stopped", options.directory());
  }

  private static boolean awaitExit(NodeProcess p, Duration timeout) {
    try {
      if (p.process != null) {
        return p.process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS);
      }
      p.handle.onExit().get(timeout.toMillis(), TimeUnit.MILLISECONDS);
      return true;
    } catch (TimeoutException e) {
      return false;
    } catch (ExecutionException e) {
      return !p.handle.isAlive();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return !p.handle.isAlive();
    }
  }

  private void registerShutdownHook() {
    if (shutdownHook != null) {
      Runtime.getRuntime().addShutdownHook(shutdownHook);
    }
  }

  private void removeShutdownHook() {
    if (shutdownHook != null) {
      try {
        Runtime.getRuntime().removeShutdownHook(shutdownHook);
      } catch (IllegalStateException | IllegalArgumentException e) {
        // shutting down (the hook runs or ran), or never registered
      }
    }
  }

  private void ensureOpen() {
    if (closed) {
      throw new IllegalStateException("The local CockroachDB cluster in " + directory()
          + " is closed");
    }
  }

  private void save() throws IOException {
    Map<String, Long> pids = new LinkedHashMap<>();
    for (Node n : nodes) {
      NodeProcess p = processes.get(n.name());
      if (p != null) {
        pids.put(n.name(), p.handle.pid());
      }
    }
    new LocalCockroachState(options.database(), nodes, pids, initialized, readerPublished,
        disruptionBudget).write(options.directory());
  }
}
