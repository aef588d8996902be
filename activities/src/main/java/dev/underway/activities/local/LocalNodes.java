package dev.underway.activities.local;

import java.io.IOException;
import java.nio.file.Path;
import java.util.Optional;

/**
 * What every local sandbox cluster offers the platform activities, whatever its engine: its
 * nodes, their readiness, the published reader endpoint and the recorded disruption budget.
 */
public interface LocalNodes {
  Path directory();

  int nodeCount();

  int readyNodeCount();

  boolean readerPublished();

  Optional<String> readerJdbcUrl();

  /** Publishes the reader endpoint; false when it already was. */
  boolean publishReader() throws IOException;

  Optional<Integer> disruptionBudget();

  void setDisruptionBudget(int maxUnavailable) throws IOException;
}
