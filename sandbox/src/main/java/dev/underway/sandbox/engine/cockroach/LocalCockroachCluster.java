package dev.underway.sandbox.engine.cockroach;

import dev.underway.workflows.evolution.contract.DatabaseActivities;
import dev.underway.activities.sql.CockroachDialect;
import dev.underway.activities.sql.ConnectionFactory;
import dev.underway.activities.sql.CredentialSource;
import dev.underway.activities.sql.SqlCredentials;
import dev.underway.activities.sql.SqlDatabaseActivities;
import dev.underway.local.Commands;
import dev.underway.local.LocalProcess;
import dev.underway.local.LogTail;
import dev.underway.local.Ports;
import dev.underway.workflows.evolution.model.ZoneReplication;
import dev.underway.sandbox.engine.ClusterState;
import dev.underway.sandbox.engine.Engine;
import dev.underway.sandbox.engine.LocalCluster;
import dev.underway.sandbox.engine.LocalNode;
import dev.underway.targets.TargetPatterns;
import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.net.HttpURLConnection;
import java.net.Proxy;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;
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
 * cluster.properties             the {@link ClusterState}: nodes with ports and pids, initialized,
 *                                application database, reader published, disruption budget
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
 */
public final class LocalCockroachCluster extends LocalCluster<LocalCockroachCluster.Node> {

  private static final Logger log = LoggerFactory.getLogger(LocalCockroachCluster.class);

  /** The admin user of an insecure cluster; it has no password. */
  public static final String ADMIN_USER = "root";
  /** The database every new CockroachDB cluster has; the admin connects there to create others. */
  static final String BOOTSTRAP_DATABASE = "defaultdb";
  private static final Pattern DATABASE_NAME = TargetPatterns.SQL_NAME;

  /**
   * One CockroachDB node.
   *
   * @param name {@code node1}, {@code node2}, ...
   * @param port SQL and inter-node RPC ({@code --listen-addr})
   * @param httpPort DB Console and {@code /health} ({@code --http-addr})
   */
  public record Node(String name, int port, int httpPort) implements LocalNode {
    public String httpAddress() {
      return host() + ":" + httpPort;
    }

    @Override
    public String describe() {
      return name + " on " + address() + " (DB Console http://" + httpAddress() + ")";
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
            + " (" + DATABASE_NAME.pattern() + "), got: " + database);
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

    public Options withTimeouts(Duration startup, Duration stop) {
      return new Options(directory, binary, database, keepDirectory, stopOnJvmExit, cache,
          maxSqlMemory, startup, stop);
    }
  }

  private final Options options;
  private final Path binary;
  /** Concurrent: readiness probes read it without the lock. */
  private final Map<String, LocalProcess> processes = new ConcurrentHashMap<>();
  private boolean initialized;

  private LocalCockroachCluster(Options options, Path binary) {
    super(Engine.COCKROACH, options.directory(), options.database(), options.keepDirectory());
    this.options = options;
    this.binary = binary;
  }

  // ---- creating and attaching -----------------------------------------------------------------

  /**
   * A new Phase 0 cluster: node1 started, {@code cockroach init}, RF 1 on every zone, the
   * application database. Refuses a directory that already holds a cluster.
   */
  public static LocalCockroachCluster create(Options options) throws IOException, SQLException {
    Path dir = newClusterDirectory(options.directory());
    Path binary = resolveBinary(options);
    Files.createDirectories(dir);
    LocalCockroachCluster cluster = new LocalCockroachCluster(options, binary);
    try {
      synchronized (cluster) {
        Node first = cluster.newNode();
        cluster.nodes.add(first);
        cluster.save();
        cluster.start(first);
        cluster.ensureInitialized();
      }
      Node first = cluster.first();
      log.info("Local CockroachDB cluster created in {}: node1 on {} (HTTP {}), database {}",
          dir, first.address(), first.httpAddress(), options.database());
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
    ClusterState state = ClusterState.read(dir, Engine.COCKROACH);
    Options effective = options.withDatabase(state.database());
    LocalCockroachCluster cluster = new LocalCockroachCluster(effective, resolveBinary(options));
    try {
      synchronized (cluster) {
        state.nodes().forEach(n -> cluster.nodes.add(new Node(n.name(), n.port(), n.httpPort())));
        cluster.initialized = state.initialized();
        cluster.restore(state);
        for (Node node : cluster.nodes()) {
          Optional<LocalProcess> running = Optional.ofNullable(state.pids().get(node.name()))
              .flatMap(pid -> LocalProcess.attach(cluster.processName(node), pid,
                  h -> isNodeProcess(h, cluster.storeArgument(node)), LocalProcess.SIGTERM,
                  effective.stopTimeout(), effective.stopOnJvmExit()));
          if (running.isPresent()) {
            cluster.processes.put(node.name(), running.get());
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

  public static Optional<Path> onPath(String name, String path) {
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
    return jdbcUrl(nodes, database, "&targetServerType=any"
        + (loadBalance ? "&loadBalanceHosts=true" : ""));
  }

  private String storeArgument(Node node) {
    return "--store=path=" + directory().resolve(node.name()).resolve("store");
  }

  // ---- what the cluster is --------------------------------------------------------------------

  public Path binary() {
    return binary;
  }

  /** The node the others join, and the writer path's first host. */
  public synchronized Node first() {
    return nodes.get(0);
  }

  /** The pid of a node's {@code cockroach} process. */
  @Override
  public synchronized long pid(String node) {
    LocalProcess p = processes.get(node);
    if (p == null) {
      throw new IllegalStateException("No process for " + node + " in " + directory());
    }
    return p.pid();
  }

  /** Whether a node's process is alive and its {@code /health?ready=1} answers 200. */
  @Override
  public boolean isReady(Node node) {
    LocalProcess p = processes.get(node.name());
    return p != null && p.isAlive() && healthReady(node, Duration.ofSeconds(2));
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
   * The writer path: every node, node1 first, {@code targetServerType=any} without load
   * balancing, so writes go to node1 while it is up (every CockroachDB node accepts writes) and
   * to the next node otherwise.
   */
  @Override
  public synchronized String writerJdbcUrl(String database) {
    return jdbcUrl(nodes, database, false);
  }

  /**
   * The reader path, once published ({@link #publishReader()}): every node with {@code
   * loadBalanceHosts=true}, as a Service spreads clients over its pods. Follows the node list.
   */
  @Override
  public synchronized Optional<String> readerJdbcUrl() {
    return readerPublished()
        ? Optional.of(jdbcUrl(nodes, database(), true)) : Optional.empty();
  }

  /**
   * What the SQL activities act with: {@code root}, no password, and no password for the reader
   * (an insecure cluster refuses to set one).
   */
  @Override
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

  /** A node joining the others; it reports nothing: starting it is quick. */
  @Override
  public Node addNode(Consumer<String> progress) throws IOException {
    return addNode();
  }

  @Override
  protected String scaleDownNeeds() {
    return "a CockroachDB node has to be decommissioned with `cockroach node decommission`"
        + " first";
  }

  @Override
  protected String describeAdded(List<String> names) {
    return "started " + String.join(", ", names) + " joining " + first().address();
  }

  /**
   * The production {@link SqlDatabaseActivities} with {@link CockroachDialect} (zones, ranges,
   * live nodes, read-only user, licence), connecting to the local nodes as {@code root} without a
   * password.
   */
  @Override
  public DatabaseActivities databaseActivities(Duration pollInterval) {
    return new SqlDatabaseActivities(connectionFactory(), credentialSource(),
        new CockroachDialect(), pollInterval);
  }

  @Override
  public synchronized List<String> startStoppedNodes() throws IOException {
    ensureOpen();
    List<String> started = new ArrayList<>();
    for (Node node : nodes) {
      LocalProcess p = processes.get(node.name());
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
    int port = Ports.freeLoopbackPort(taken);
    taken.add(port);
    int http = Ports.freeLoopbackPort(taken);
    return new Node("node" + (nodes.size() + 1), port, http);
  }

  private String processName(Node node) {
    return "CockroachDB " + node.name() + " on " + node.address();
  }

  /** node1 first, then the others: a restarting node finds the cluster through any of them. */
  private void start(Node node) throws IOException {
    Path nodeDir = directory().resolve(node.name());
    Files.createDirectories(nodeDir);
    List<String> command = startCommand(binary, directory(), node, List.copyOf(nodes),
        options.cache(), options.maxSqlMemory());
    LocalProcess process = LocalProcess.start(processName(node), new ProcessBuilder(command)
            .directory(nodeDir.toFile())
            .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")))
            .redirectErrorStream(true)
            .redirectOutput(ProcessBuilder.Redirect.appendTo(
                nodeDir.resolve("cockroach.out").toFile())),
        LocalProcess.SIGTERM, options.stopTimeout(), options.stopOnJvmExit());
    processes.put(node.name(), process);
    save();
    log.info("CockroachDB {} started on {} (HTTP {}, pid {})", node.name(), node.address(),
        node.httpAddress(), process.pid());
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
    try (Connection c = openWriter(BOOTSTRAP_DATABASE); Statement s = c.createStatement()) {
      s.execute("CREATE DATABASE IF NOT EXISTS " + database());
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
    Path logFile = directory().resolve("init.log");
    process(first).awaitReady(left(deadline), Duration.ofMillis(500), () -> {
      Commands.Result init = Commands.run(initCommand(binary, first), Duration.ofSeconds(60));
      Files.writeString(logFile, init.output(), StandardCharsets.UTF_8,
          StandardOpenOption.CREATE, StandardOpenOption.APPEND);
      if (init.ok() || saysAlreadyInitialized(init.output())) {
        log.info("Local CockroachDB cluster in {} initialized through {}", directory(),
            first.address());
        return null;
      }
      return init.output().strip();
    }, last -> new IOException(first.name() + " exited before cockroach init; output:\n"
        + output(first)), last -> new IOException("cockroach init against " + first.address()
        + " kept failing for " + options.startupTimeout() + "; last output: " + last));
  }

  private void awaitReady(Node node, long deadline) throws IOException {
    process(node).awaitReady(left(deadline), Duration.ofMillis(250),
        () -> healthReady(node, Duration.ofSeconds(2)) ? null : "not ready",
        last -> new IOException(node.name() + " exited while starting; output:\n" + output(node)),
        last -> new IOException(node.name() + " not ready (/health?ready=1 on "
            + node.httpAddress() + ") within " + options.startupTimeout()));
  }

  private static Duration left(long deadline) {
    return Duration.ofNanos(Math.max(0, deadline - System.nanoTime()));
  }

  private String output(Node node) {
    return LogTail.of(directory().resolve(node.name()).resolve("cockroach.out"), 0, 20);
  }

  private LocalProcess process(Node node) throws IOException {
    LocalProcess p = processes.get(node.name());
    if (p == null) {
      throw new IOException(node.name() + " has no process: " + output(node));
    }
    return p;
  }

  // ---- lifecycle ------------------------------------------------------------------------------

  /**
   * SIGTERM to every node at once (the documented graceful shutdown), SIGKILL for any still
   * running after {@link Options#stopTimeout()}.
   */
  @Override
  protected void stopNodes() {
    LocalProcess.stopAll(processes.values());
    processes.clear();
    log.info("Local CockroachDB cluster in {} stopped", directory());
  }

  @Override
  protected void releaseNodes() {
    processes.values().forEach(LocalProcess::release);
    processes.clear();
  }

  @Override
  protected boolean initialized() {
    return initialized;
  }

  @Override
  protected ClusterState.Node record(Node node) {
    return new ClusterState.Node(node.name(), node.port(), node.httpPort());
  }

  @Override
  protected Long heldPid(Node node) {
    LocalProcess p = processes.get(node.name());
    return p == null ? null : p.pid();
  }
}
