package dev.underway.sandbox;

import dev.underway.activities.local.LocalCluster;
import dev.underway.activities.local.LocalCockroachCluster;
import dev.underway.activities.local.LocalCockroachPlatformActivities;
import dev.underway.activities.local.LocalDatabaseActivities;
import dev.underway.activities.local.LocalPlatformActivities;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.Properties;

/** The sandbox's database cluster, whatever its engine: what the sandbox needs of it. */
interface LocalTarget extends AutoCloseable {

  /** Creates a Phase 0 cluster of the engine in {@code dir}. */
  static LocalTarget create(String engine, Path dir) throws Exception {
    if ("cockroach".equals(engine)) {
      return new Cockroach(LocalCockroachCluster.create(LocalCockroachCluster.Options.in(dir)
          .keepingDirectory(true).stoppingOnJvmExit(false)));
    }
    // The sandbox stops the cluster itself, after the load (its shutdown hook calls close()): a
    // hook of the cluster's own would run concurrently and stop the servers under the load.
    return new Postgres(LocalCluster.create(LocalCluster.Options.in(dir).keepingDirectory(true)
        .stoppingOnJvmExit(false)));
  }

  String engineName();

  /** One line: the nodes and where they listen. */
  String describe();

  List<Object> activities(Duration poll);

  String writerJdbcUrl();

  Optional<String> readerJdbcUrl();

  Properties adminProperties();

  void setDisruptionBudget(int maxUnavailable) throws Exception;

  @Override
  void close();

  /** PostgreSQL: a primary plus streaming standbys. */
  record Postgres(LocalCluster cluster) implements LocalTarget {
    @Override
    public String engineName() {
      return "PostgreSQL";
    }

    @Override
    public String describe() {
      StringBuilder b = new StringBuilder();
      for (LocalCluster.Node n : cluster.nodes()) {
        b.append(b.length() == 0 ? "" : ", ").append(n.name())
            .append(n.primary() ? " (primary)" : " (standby)").append(" on 127.0.0.1:")
            .append(n.port());
      }
      return b.toString();
    }

    @Override
    public List<Object> activities(Duration poll) {
      return List.of(new LocalPlatformActivities(cluster, poll),
          new LocalDatabaseActivities(cluster, poll));
    }

    @Override
    public String writerJdbcUrl() {
      return cluster.writerJdbcUrl();
    }

    @Override
    public Optional<String> readerJdbcUrl() {
      return cluster.readerJdbcUrl();
    }

    @Override
    public Properties adminProperties() {
      return cluster.adminProperties();
    }

    @Override
    public void setDisruptionBudget(int maxUnavailable) throws Exception {
      cluster.setDisruptionBudget(maxUnavailable);
    }

    @Override
    public void close() {
      cluster.close();
    }
  }

  /** CockroachDB: local nodes joining the first. */
  record Cockroach(LocalCockroachCluster cluster) implements LocalTarget {
    @Override
    public String engineName() {
      return "CockroachDB";
    }

    @Override
    public String describe() {
      StringBuilder b = new StringBuilder();
      for (LocalCockroachCluster.Node n : cluster.nodes()) {
        b.append(b.length() == 0 ? "" : ", ").append(n.name()).append(" on ")
            .append(n.address()).append(" (DB Console http://").append(n.httpAddress())
            .append(")");
      }
      return b.toString();
    }

    @Override
    public List<Object> activities(Duration poll) {
      return List.of(new LocalCockroachPlatformActivities(cluster, poll),
          LocalCockroachPlatformActivities.databaseActivities(cluster, poll));
    }

    @Override
    public String writerJdbcUrl() {
      return cluster.writerJdbcUrl();
    }

    @Override
    public Optional<String> readerJdbcUrl() {
      return cluster.readerJdbcUrl();
    }

    @Override
    public Properties adminProperties() {
      return cluster.adminProperties();
    }

    @Override
    public void setDisruptionBudget(int maxUnavailable) throws Exception {
      cluster.setDisruptionBudget(maxUnavailable);
    }

    @Override
    public void close() {
      cluster.close();
    }
  }
}
