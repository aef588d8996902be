package dev.underway.sandbox;

import dev.underway.sandbox.engine.LocalCluster;
import dev.underway.sandbox.engine.cockroach.LocalCockroachCluster;
import dev.underway.sandbox.engine.cockroach.LocalCockroachPlatformActivities;
import dev.underway.sandbox.engine.postgres.LocalPostgresCluster;
import dev.underway.sandbox.engine.postgres.LocalPostgresDatabaseActivities;
import dev.underway.sandbox.engine.postgres.LocalPostgresPlatformActivities;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * The sandbox's database cluster, whatever its engine: the cluster itself (endpoints, budget,
 * stopping), how to describe it, and the activities that change it.
 *
 * @param engineName e.g. {@code PostgreSQL}
 * @param nodes the cluster
 * @param describe one line: the nodes and where they listen
 * @param activities the platform and database activities, given a poll interval
 */
record LocalTarget(String engineName, LocalCluster<?> nodes, Supplier<String> describe,
    Function<Duration, List<Object>> activities) implements AutoCloseable {

  /**
   * Creates a Phase 0 cluster of the engine in {@code dir}. The sandbox stops it itself, after
   * the load (its shutdown hook calls {@link #close()}): a JVM hook of the cluster's own would run
   * concurrently and stop the servers under the load.
   */
  static LocalTarget create(String engine, Path dir) throws Exception {
    if ("cockroach".equals(engine)) {
      LocalCockroachCluster c = LocalCockroachCluster.create(LocalCockroachCluster.Options.in(dir)
          .keepingDirectory(true).stoppingOnJvmExit(false));
      return new LocalTarget("CockroachDB", c, () -> describe(c),
          poll -> List.of(new LocalCockroachPlatformActivities(c, poll),
              LocalCockroachPlatformActivities.databaseActivities(c, poll)));
    }
    LocalPostgresCluster c = LocalPostgresCluster.create(LocalPostgresCluster.Options.in(dir)
        .keepingDirectory(true).stoppingOnJvmExit(false));
    return new LocalTarget("PostgreSQL", c, () -> describe(c),
        poll -> List.of(new LocalPostgresPlatformActivities(c, poll),
            new LocalPostgresDatabaseActivities(c, poll)));
  }

  private static String describe(LocalPostgresCluster cluster) {
    StringBuilder b = new StringBuilder();
    for (LocalPostgresCluster.Node n : cluster.nodes()) {
      b.append(b.length() == 0 ? "" : ", ").append(n.name())
          .append(n.primary() ? " (primary)" : " (standby)").append(" on 127.0.0.1:")
          .append(n.port());
    }
    return b.toString();
  }

  private static String describe(LocalCockroachCluster cluster) {
    StringBuilder b = new StringBuilder();
    for (LocalCockroachCluster.Node n : cluster.nodes()) {
      b.append(b.length() == 0 ? "" : ", ").append(n.name()).append(" on ")
          .append(n.address()).append(" (DB Console http://").append(n.httpAddress())
          .append(")");
    }
    return b.toString();
  }

  @Override
  public void close() {
    nodes.close();
  }
}
