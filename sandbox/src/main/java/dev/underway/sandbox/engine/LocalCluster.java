package dev.underway.sandbox.engine;

import dev.underway.workflows.evolution.contract.DatabaseActivities;
import dev.underway.activities.sql.JdbcProperties;
import dev.underway.activities.sql.SqlCredentials;
import dev.underway.local.Directories;
import dev.underway.workflows.evolution.model.ClusterTarget;
import java.io.IOException;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.function.Consumer;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A local sandbox cluster, whatever its engine: server processes on 127.0.0.1 described by one
 * directory whose {@link ClusterState} is the source of truth, so that a new worker process can
 * attach and carry on where a crashed one stopped. What both engines share lives here: the
 * nodes, their readiness, the writer and reader paths, the admin's connections, the stand-ins
 * for a reader Service and a PodDisruptionBudget, saving the state, and the end of a cluster
 * ({@link #detach()}: let go, {@link #close()}: stop and remove). Each engine says how its nodes
 * start, stop, answer and are reached.
 *
 * <p>Methods are synchronized: activities of one worker may run concurrently. Two processes must
 * not own the same directory at once.
 *
 * @param <N> the engine's node
 */
public abstract class LocalCluster<N extends LocalNode> implements AutoCloseable {

  private static final Logger log = LoggerFactory.getLogger(LocalCluster.class);

  public static final String DEFAULT_DATABASE = "app";

  private final Engine engine;
  private final Path directory;
  private final String database;
  private final boolean keepDirectory;
  /** The nodes in order; guarded by this. */
  protected final List<N> nodes = new ArrayList<>();
  private boolean readerPublished;
  private Integer disruptionBudget;
  private boolean closed;

  /** @param keepDirectory whether {@link #close()} leaves the directory (data, logs) behind */
  protected LocalCluster(Engine engine, Path directory, String database, boolean keepDirectory) {
    this.engine = engine;
    this.directory = directory;
    this.database = database;
    this.keepDirectory = keepDirectory;
  }

  /**
   * {@code directory} for a new cluster: refused when it already holds one (a new cluster there
   * would lose the one that runs: attach to it instead).
   */
  protected static Path newClusterDirectory(Path directory) throws IOException {
    if (ClusterState.isClusterDirectory(directory)) {
      throw new IOException(directory + " already holds a local cluster: attach to it instead");
    }
    return directory;
  }

  // ---- what each engine says -------------------------------------------------------------------

  /** The pid of a running node's server process. */
  public abstract long pid(String node);

  /** Whether a node's process is alive and answers as ready. */
  public abstract boolean isReady(N node);

  /** The writer path to {@code database}: every node, the writable one found by the driver. */
  public abstract String writerJdbcUrl(String database);

  /** The reader path, once {@linkplain #publishReader() published}; follows the node list. */
  public abstract Optional<String> readerJdbcUrl();

  /** What the SQL activities act with: the admin, and the password a new reader user gets. */
  public abstract SqlCredentials sqlCredentials();

  /**
   * Adds one node after the others and starts it; the node is recorded before it starts, so a
   * retry after a crash starts it rather than adding another. A long copy reports its progress
   * to {@code progress} (a change step heartbeats it).
   */
  public abstract N addNode(Consumer<String> progress) throws IOException, SQLException;

  /** Starts nodes that are recorded but not running; returns their names. */
  public abstract List<String> startStoppedNodes() throws IOException;

  /** What would have to happen before a node could leave: said when a scale down is refused. */
  protected abstract String scaleDownNeeds();

  /** Nodes just added, for a scale's detail: what they are, e.g. joining which node. */
  protected abstract String describeAdded(List<String> names);

  /** The engine's database activities on this cluster. */
  public abstract DatabaseActivities databaseActivities(Duration pollInterval);

  /** What a worker registers for this cluster: its platform and database activities. */
  public List<Object> activities(Duration pollInterval) {
    return List.of(new LocalPlatformActivities(this, pollInterval),
        databaseActivities(pollInterval));
  }

  /** The state file's record of a node. */
  protected abstract ClusterState.Node record(N node);

  /** The pid of a node's process while this cluster holds one, else null. */
  protected abstract Long heldPid(N node);

  /** Whether the cluster's one-time set-up is done (recorded). */
  protected boolean initialized() {
    return true;
  }

  /** Stops every node this cluster holds. */
  protected abstract void stopNodes();

  /** Lets go of every node this cluster holds, leaving them running. */
  protected abstract void releaseNodes();

  // ---- what the cluster is ---------------------------------------------------------------------

  public Engine engine() {
    return engine;
  }

  public Path directory() {
    return directory;
  }

  public String database() {
    return database;
  }

  public synchronized List<N> nodes() {
    return List.copyOf(nodes);
  }

  public synchronized int nodeCount() {
    return nodes.size();
  }

  /** The nodes in one line, e.g. {@code node0 (primary) on 127.0.0.1:5432, ...}. */
  public String describeNodes() {
    return nodes().stream().map(LocalNode::describe).collect(Collectors.joining(", "));
  }

  /** Nodes whose process is alive and answers as ready. */
  public int readyNodeCount() {
    int ready = 0;
    for (N node : nodes()) {
      if (isReady(node)) {
        ready++;
      }
    }
    return ready;
  }

  /** The writer path for the application database. */
  public String writerJdbcUrl() {
    return writerJdbcUrl(database);
  }

  /** pgjdbc URL over {@code nodes} in order, plain TCP, with {@code parameters} after sslmode. */
  protected static String jdbcUrl(List<? extends LocalNode> nodes, String database,
      String parameters) {
    return "jdbc:postgresql://" + nodes.stream().map(LocalNode::address)
        .collect(Collectors.joining(",")) + "/" + database + "?sslmode=disable" + parameters;
  }

  /** The admin's login ({@code user}, a {@code password} when it has one): never logged. */
  public Properties adminProperties() {
    SqlCredentials admin = sqlCredentials();
    return login(admin.user(), admin.passwordIfAny());
  }

  /** Login of the default read-only user ({@code underway_reader}), once it exists. */
  public Properties readerProperties() {
    return login(ClusterTarget.DEFAULT_READER_USER, sqlCredentials().readerPasswordIfAny());
  }

  private static Properties login(String user, Optional<String> password) {
    Properties props = new Properties();
    props.setProperty("user", user);
    password.ifPresent(p -> props.setProperty("password", p));
    return props;
  }

  /** An admin connection over the writer path to {@code database}. */
  public Connection openWriter(String database) throws SQLException {
    return DriverManager.getConnection(writerJdbcUrl(database),
        JdbcProperties.of(sqlCredentials(), "underway", JdbcProperties.Timeouts.LOCAL));
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
    log.info("Reader path of the local {} cluster in {} published", engine.displayName(),
        directory);
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
    if (maxUnavailable < 0) {
      throw new IllegalArgumentException("maxUnavailable must not be negative: " + maxUnavailable);
    }
    disruptionBudget = maxUnavailable;
    save();
  }

  // ---- state on disk ---------------------------------------------------------------------------

  /** Takes the reader flag and the budget from a state read by {@code attach}. */
  protected synchronized void restore(ClusterState state) {
    readerPublished = state.readerPublished();
    disruptionBudget = state.disruptionBudget();
  }

  /** Writes the state file: the nodes as they are now, with the pids held. */
  protected synchronized void save() throws IOException {
    Map<String, Long> pids = new LinkedHashMap<>();
    for (N n : nodes) {
      Long pid = heldPid(n);
      if (pid != null) {
        pids.put(n.name(), pid);
      }
    }
    new ClusterState(engine, database, nodes.stream().map(this::record).toList(), pids,
        initialized(), readerPublished, disruptionBudget).write(directory);
  }

  // ---- the end of a cluster --------------------------------------------------------------------

  protected synchronized void ensureOpen() {
    if (closed) {
      throw new IllegalStateException("The local " + engine.displayName() + " cluster in "
          + directory + " is closed");
    }
  }

  /**
   * Forgets the nodes without stopping them: what a crashed worker leaves behind. A later attach
   * takes them over. No node is stopped when this JVM exits either.
   */
  public synchronized void detach() {
    if (!closed) {
      closed = true;
      releaseNodes();
    }
  }

  /** Stops every node and removes the directory unless the cluster was told to keep it. */
  @Override
  public synchronized void close() {
    if (!closed) {
      closed = true;
      stopNodes();
      if (!keepDirectory) {
        try {
          Directories.deleteRecursively(directory);
        } catch (IOException e) {
          log.warn("Could not remove {}: {}", directory, e.getMessage());
        }
      }
    }
  }

  /** Stops every node and keeps the directory: what a failed attach does (a retry starts them). */
  protected synchronized void stopKeepingDirectory() {
    if (!closed) {
      closed = true;
      stopNodes();
    }
  }
}
