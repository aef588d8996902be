package dev.underway.sandbox;

import dev.underway.sandbox.engine.LocalCluster;
import dev.underway.sandbox.engine.postgres.LocalPostgresCluster;
import dev.underway.worker.ActivitiesProvider;
import dev.underway.worker.CommandFailure;
import dev.underway.worker.WorkerContext;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Activities against a local sandbox cluster (PostgreSQL or CockroachDB processes, as its state
 * file says), for a worker of its own
 * (e.g. one that replaces a crashed sandbox worker): {@code underway worker --activities local}
 * with {@code UNDERWAY_LOCAL_CLUSTER} naming the cluster's directory. The worker attaches to the
 * running servers and leaves them running when it stops: the cluster belongs to whoever created
 * it, not to a worker.
 */
public final class LocalActivitiesProvider implements ActivitiesProvider {

  public static final String CLUSTER_ENV = "UNDERWAY_LOCAL_CLUSTER";

  /** Bytes a second a base backup may read from the primary ({@code 20MiB}); default no limit. */
  public static final String BASE_BACKUP_RATE_ENV = "UNDERWAY_BASE_BACKUP_MAX_RATE";

  private LocalCluster<?> cluster;

  @Override
  public String name() {
    return "local";
  }

  @Override
  public String description() {
    return cluster == null ? "local cluster"
        : "local " + cluster.engine().displayName() + " cluster in " + cluster.directory();
  }

  @Override
  public List<Object> activities(WorkerContext context) throws Exception {
    String dir = context.environment().get(CLUSTER_ENV);
    if (dir == null || dir.isBlank()) {
      throw CommandFailure.badInput("--activities local needs " + CLUSTER_ENV
          + " set to the sandbox cluster's directory (the sandbox prints it)");
    }
    Path path = Path.of(dir);
    if (!Files.isDirectory(path)) {
      throw CommandFailure.badInput(CLUSTER_ENV + "=" + dir + " is not a directory");
    }
    // the settings are checked before the cluster is touched
    Duration poll = context.pollInterval();
    long rate = bytesPerSecond(context.environment().get(BASE_BACKUP_RATE_ENV));
    cluster = LocalClusters.attach(path);
    if (cluster instanceof LocalPostgresCluster postgres) {
      postgres.limitBaseBackupRate(rate);
    }
    return cluster.activities(poll);
  }

  /** {@code 1048576}, {@code 512KiB}, {@code 20MiB}, {@code 1GiB}; blank: 0 (no limit). */
  static long bytesPerSecond(String value) {
    if (value == null || value.isBlank()) {
      return 0;
    }
    Matcher m = RATE.matcher(value.strip());
    if (!m.matches()) {
      throw CommandFailure.badInput(BASE_BACKUP_RATE_ENV + "=" + value + " is not a rate in bytes"
          + " a second such as 1048576, 512KiB or 20MiB");
    }
    long unit = switch (m.group(2) == null ? "" : m.group(2)) {
      case "KiB" -> 1024L;
      case "MiB" -> 1024L * 1024;
      case "GiB" -> 1024L * 1024 * 1024;
      default -> 1L;
    };
    return Long.parseLong(m.group(1)) * unit;
  }

  private static final Pattern RATE = Pattern.compile("([0-9]{1,12})(KiB|MiB|GiB)?");

  @Override
  public void close() {
    if (cluster != null) {
      cluster.detach();
    }
  }
}
