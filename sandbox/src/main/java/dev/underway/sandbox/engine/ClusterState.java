package dev.underway.sandbox.engine;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Properties;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * What a local cluster of either engine keeps in its directory ({@value #FILE}), so that a new
 * worker process can attach and carry on where a crashed one stopped: the engine, the nodes with
 * their ports and pids, whether the cluster's one-time set-up is done, the application database,
 * the reader-published flag and the disruption budget. No secret (an engine that has passwords
 * keeps them in a file of its own, readable by its owner only).
 *
 * <p>Pure data and parsing; {@link #write} replaces the file atomically.
 *
 * @param engine which database the nodes run
 * @param database the application database
 * @param nodes {@code node<first>, node<first+1>, ...} in order (see {@link Engine#firstNode()})
 * @param pids last known pid per node name (absent: never started, or unknown)
 * @param initialized whether the cluster's one-time set-up is done (CockroachDB: {@code cockroach
 *     init} and the Phase 0 shape)
 * @param readerPublished whether the reader path is published
 * @param disruptionBudget the recorded {@code maxUnavailable}, null when none was asked for
 */
public record ClusterState(Engine engine, String database, List<Node> nodes,
    Map<String, Long> pids, boolean initialized, boolean readerPublished,
    Integer disruptionBudget) {

  public static final String FILE = "cluster.properties";

  /**
   * One node as recorded.
   *
   * @param httpPort the node's HTTP port when its engine has one, else null
   */
  public record Node(String name, int port, Integer httpPort) {}

  public ClusterState {
    Objects.requireNonNull(engine, "engine");
    Objects.requireNonNull(database, "database");
    nodes = List.copyOf(nodes);
    pids = Map.copyOf(pids);
  }

  /** Whether {@code directory} holds a local cluster (its state file). */
  public static boolean isClusterDirectory(Path directory) {
    return Files.exists(directory.resolve(FILE));
  }

  Properties toProperties() {
    Properties p = new Properties();
    p.setProperty("engine", engine.id());
    p.setProperty("database", database);
    p.setProperty("nodes", nodes.stream().map(Node::name).collect(Collectors.joining(",")));
    for (Node n : nodes) {
      p.setProperty("node." + n.name() + ".port", Integer.toString(n.port()));
      if (n.httpPort() != null) {
        p.setProperty("node." + n.name() + ".httpPort", Integer.toString(n.httpPort()));
      }
      Long pid = pids.get(n.name());
      if (pid != null) {
        p.setProperty("node." + n.name() + ".pid", pid.toString());
      }
    }
    p.setProperty("initialized", Boolean.toString(initialized));
    p.setProperty("reader.published", Boolean.toString(readerPublished));
    if (disruptionBudget != null) {
      p.setProperty("budget.maxUnavailable", disruptionBudget.toString());
    }
    return p;
  }

  /**
   * Reads and validates the state of an {@code expected} cluster: the engine, node names in
   * order, ports in 1..65535 and all different, pids positive. {@code source} only names the
   * file in messages.
   */
  public static ClusterState fromProperties(Properties p, Path source, Engine expected)
      throws IOException {
    Engine engine = Engine.byId(p.getProperty("engine"));
    if (engine != expected) {
      throw new IOException(source + " does not describe a local " + expected.displayName()
          + " cluster (engine=" + p.getProperty("engine") + ")");
    }
    String database = p.getProperty("database");
    if (database == null || database.isBlank()) {
      throw new IOException(source + ": no database");
    }
    List<Node> nodes = new ArrayList<>();
    Map<String, Long> pids = new LinkedHashMap<>();
    Set<Integer> ports = new HashSet<>();
    for (String name : p.getProperty("nodes", "").split(",")) {
      if (name.isBlank()) {
        continue;
      }
      String expectedName = "node" + (engine.firstNode() + nodes.size());
      if (!expectedName.equals(name.strip())) {
        throw new IOException(source + ": nodes must be node" + engine.firstNode() + ", node"
            + (engine.firstNode() + 1) + ", ... in order; found '" + name + "' where "
            + expectedName + " was expected");
      }
      int port = port(p, source, "node." + expectedName + ".port");
      Integer http = engine.httpPorts() ? port(p, source, "node." + expectedName + ".httpPort")
          : null;
      for (Integer each : new Integer[] {port, http}) {
        if (each != null && !ports.add(each)) {
          throw new IOException(source + ": port " + each + " is used twice");
        }
      }
      nodes.add(new Node(expectedName, port, http));
      String pid = p.getProperty("node." + expectedName + ".pid");
      if (pid != null) {
        pids.put(expectedName, pid(source, expectedName, pid));
      }
    }
    if (nodes.isEmpty()) {
      throw new IOException(source + ": no nodes");
    }
    return new ClusterState(engine, database, nodes, pids,
        Boolean.parseBoolean(p.getProperty("initialized")),
        Boolean.parseBoolean(p.getProperty("reader.published")), budget(p, source));
  }

  private static int port(Properties p, Path source, String key) throws IOException {
    String value = p.getProperty(key);
    try {
      int port = Integer.parseInt(value == null ? "" : value.strip());
      if (port < 1 || port > 65535) {
        throw new NumberFormatException("out of range");
      }
      return port;
    } catch (NumberFormatException e) {
      throw new IOException(source + ": " + key + " is not a TCP port: " + value);
    }
  }

  private static long pid(Path source, String node, String value) throws IOException {
    try {
      long pid = Long.parseLong(value.strip());
      if (pid <= 0) {
        throw new NumberFormatException("not positive");
      }
      return pid;
    } catch (NumberFormatException e) {
      throw new IOException(source + ": node." + node + ".pid is not a pid: " + value);
    }
  }

  private static Integer budget(Properties p, Path source) throws IOException {
    String budget = p.getProperty("budget.maxUnavailable");
    Integer maxUnavailable;
    try {
      maxUnavailable = budget == null ? null : Integer.valueOf(budget.strip());
    } catch (NumberFormatException e) {
      throw new IOException(source + ": budget.maxUnavailable is not a number: " + budget);
    }
    if (maxUnavailable != null && maxUnavailable < 0) {
      throw new IOException(source + ": budget.maxUnavailable is negative: " + budget);
    }
    return maxUnavailable;
  }

  /** Replaces the state file in {@code directory} atomically. */
  public void write(Path directory) throws IOException {
    PropertiesFiles.writeAtomically(directory.resolve(FILE), toProperties(),
        "Underway local " + engine.displayName() + " cluster (do not edit while it runs)");
  }

  /** The state in {@code directory}, which must be an {@code expected} cluster's. */
  public static ClusterState read(Path directory, Engine expected) throws IOException {
    Path file = directory.resolve(FILE);
    return fromProperties(PropertiesFiles.read(file, "No local " + expected.displayName()
        + " cluster here: " + file + " is missing"), file, expected);
  }

  /** The engine of the cluster in {@code directory}. */
  public static Engine engineOf(Path directory) throws IOException {
    Path file = directory.resolve(FILE);
    String id = PropertiesFiles.read(file, "No local cluster here: " + file + " is missing")
        .getProperty("engine");
    Engine engine = Engine.byId(id);
    if (engine == null) {
      throw new IOException(file + " names no engine Underway knows (engine=" + id + ")");
    }
    return engine;
  }
}
