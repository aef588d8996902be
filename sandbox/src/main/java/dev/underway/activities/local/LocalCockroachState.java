package dev.underway.activities.local;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
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
 * What {@link LocalCockroachCluster} keeps in its directory ({@value #FILE}): the nodes with
 * their ports and pids, whether {@code cockroach init} and the Phase 0 shape are done, the
 * application database, the reader-published flag and the disruption budget. No secret: the
 * cluster runs in insecure mode and {@code root} has no password.
 *
 * <p>Pure data and parsing; {@link #write} replaces the file atomically.
 *
 * @param database the application database
 * @param nodes {@code node1, node2, ...} in order; node1 is the one the others join
 * @param pids last known pid per node name (absent: never started, or unknown)
 * @param initialized whether {@code cockroach init} ran and the Phase 0 shape (RF 1 on every
 *     zone, the application database) is in place
 * @param readerPublished whether the reader path is published
 * @param disruptionBudget the recorded {@code maxUnavailable}, null when none was asked for
 */
record LocalCockroachState(String database, List<LocalCockroachCluster.Node> nodes,
    Map<String, Long> pids, boolean initialized, boolean readerPublished,
    Integer disruptionBudget) {

  static final String FILE = "cockroach-cluster.properties";
  static final String ENGINE = "cockroach";

  LocalCockroachState {
    Objects.requireNonNull(database, "database");
    nodes = List.copyOf(nodes);
    pids = Map.copyOf(pids);
  }

  Properties toProperties() {
    Properties p = new Properties();
    p.setProperty("engine", ENGINE);
    p.setProperty("database", database);
    p.setProperty("nodes", nodes.stream().map(LocalCockroachCluster.Node::name)
        .collect(Collectors.joining(",")));
    for (LocalCockroachCluster.Node n : nodes) {
      p.setProperty("node." + n.name() + ".port", Integer.toString(n.port()));
      p.setProperty("node." + n.name() + ".httpPort", Integer.toString(n.httpPort()));
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
   * Reads and validates the state: the engine, node names {@code node1..nodeN} in order, ports
   * in 1..65535 and all different, pids positive. {@code source} only names the file in
   * messages.
   */
  static LocalCockroachState fromProperties(Properties p, Path source) throws IOException {
    if (!ENGINE.equals(p.getProperty("engine"))) {
      throw new IOException(source + " does not describe a local CockroachDB cluster (engine="
          + p.getProperty("engine") + ")");
    }
    String database = p.getProperty("database");
    if (database == null || database.isBlank()) {
      throw new IOException(source + ": no database");
    }
    List<LocalCockroachCluster.Node> nodes = new ArrayList<>();
    Map<String, Long> pids = new LinkedHashMap<>();
    Set<Integer> ports = new HashSet<>();
    String list = p.getProperty("nodes", "");
    for (String name : list.split(",")) {
      if (name.isBlank()) {
        continue;
      }
      String expected = "node" + (nodes.size() + 1);
      if (!expected.equals(name.strip())) {
        throw new IOException(source + ": nodes must be node1, node2, ... in order; found '"
            + name + "' where " + expected + " was expected");
      }
      int port = port(p, source, "node." + expected + ".port");
      int http = port(p, source, "node." + expected + ".httpPort");
      for (int each : List.of(port, http)) {
        if (!ports.add(each)) {
          throw new IOException(source + ": port " + each + " is used twice");
        }
      }
      nodes.add(new LocalCockroachCluster.Node(expected, port, http));
      String pid = p.getProperty("node." + expected + ".pid");
      if (pid != null) {
        try {
          long value = Long.parseLong(pid.strip());
          if (value <= 0) {
            throw new NumberFormatException("not positive");
          }
          pids.put(expected, value);
        } catch (NumberFormatException e) {
          throw new IOException(source + ": node." + expected + ".pid is not a pid: " + pid);
        }
      }
    }
    if (nodes.isEmpty()) {
      throw new IOException(source + ": no nodes");
    }
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
    return new LocalCockroachState(database, nodes, pids,
        Boolean.parseBoolean(p.getProperty("initialized")),
        Boolean.parseBoolean(p.getProperty("reader.published")), maxUnavailable);
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

  void write(Path directory) throws IOException {
    Path file = directory.resolve(FILE);
    Path tmp = directory.resolve(FILE + ".tmp");
    try (OutputStream out = Files.newOutputStream(tmp)) {
      toProperties().store(out,
          "Underway local CockroachDB cluster (written by LocalCockroachCluster; do not edit while"
              + " it runs)");
    }
    Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
  }

  static LocalCockroachState read(Path directory) throws IOException {
    Path file = directory.resolve(FILE);
    if (!Files.exists(file)) {
      throw new IOException("No local CockroachDB cluster here: " + file + " is missing");
    }
    Properties p = new Properties();
    try (InputStream in = Files.newInputStream(file)) {
      p.load(in);
    }
    return fromProperties(p, file);
  }
}
