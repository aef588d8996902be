package dev.underway.activities.local;

import java.io.IOException;
import java.nio.file.Path;
import java.util.Optional;
import java.util.Properties;

/**
 * What every local sandbox cluster offers, whatever its engine: its nodes, their readiness, the
 * writer and published reader endpoints, the recorded disruption budget, and stopping it.
 */
public interface LocalNodes extends AutoCloseable {
  Path directory();

  String writerJdbcUrl();

  /** Connection properties of the admin user (never logged). */
  Properties adminProperties();

  int nodeCount();

  int readyNodeCount();

  boolean readerPublished();

  Optional<String> readerJdbcUrl();

  /** Publishes the reader endpoint; false when it already was. */
  boolean publishReader() throws IOException;

  Optional<Integer> disruptionBudget();

  void setDisruptionBudget(int maxUnavailable) throws IOException;

  /** Stops every node; removes the directory unless the cluster was told to keep it. */
  @Override
  void close();
}
