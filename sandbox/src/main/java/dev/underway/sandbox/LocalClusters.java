package dev.underway.sandbox;

import dev.underway.sandbox.engine.ClusterState;
import dev.underway.sandbox.engine.Engine;
import dev.underway.sandbox.engine.LocalCluster;
import dev.underway.sandbox.engine.cockroach.LocalCockroachCluster;
import dev.underway.sandbox.engine.postgres.LocalPostgresCluster;
import java.nio.file.Path;

/** A local cluster of either engine: made new by the sandbox, attached to by a worker. */
final class LocalClusters {
  private LocalClusters() {}

  /**
   * A Phase 0 cluster of {@code engine} in {@code dir}. The sandbox stops it itself, after the
   * load (its shutdown hook closes it): a JVM hook of the cluster's own would run concurrently
   * and stop the servers under the load.
   */
  static LocalCluster<?> create(Engine engine, Path dir) throws Exception {
    return switch (engine) {
      case COCKROACH -> LocalCockroachCluster.create(LocalCockroachCluster.Options.in(dir)
          .keepingDirectory(true).stoppingOnJvmExit(false));
      case POSTGRES -> LocalPostgresCluster.create(LocalPostgresCluster.Options.in(dir)
          .keepingDirectory(true).stoppingOnJvmExit(false));
    };
  }

  /**
   * The cluster in {@code dir}, whichever its engine, attached to as it runs. It belongs to
   * whoever created it: detach, never close, and its servers outlive this JVM.
   */
  static LocalCluster<?> attach(Path dir) throws Exception {
    return switch (ClusterState.engineOf(dir)) {
      case COCKROACH -> LocalCockroachCluster.attach(LocalCockroachCluster.Options.in(dir)
          .keepingDirectory(true).stoppingOnJvmExit(false));
      case POSTGRES -> LocalPostgresCluster.attach(LocalPostgresCluster.Options.in(dir)
          .keepingDirectory(true).stoppingOnJvmExit(false));
    };
  }
}
