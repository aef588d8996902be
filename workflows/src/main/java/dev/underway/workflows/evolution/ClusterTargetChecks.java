package dev.underway.workflows.evolution;

import dev.underway.kernel.RequestChecks;
import dev.underway.targets.TargetPatterns;
import dev.underway.workflows.evolution.model.ClusterTarget;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The problems of a cluster evolution's target: its kind's own ({@link KubernetesTargetChecks},
 * {@link LocalTargetChecks}), then what every kind of cluster shares: the database, the reader
 * user, the table owners and how the worker reaches its SQL. Pure.
 */
final class ClusterTargetChecks {
  private ClusterTargetChecks() {}

  /** At most this many {@code target.tableOwners}. */
  static final int MAX_TABLE_OWNERS = 32;

  static void check(ClusterTarget t, String guide, List<String> problems) {
    if (t == null) {
      problems.add("target is missing: name namespace, statefulSet, publicService and database");
      return;
    }
    Map<String, Object> unknown = new LinkedHashMap<>(t.unknownFields());
    if (unknown.containsKey("kind")) {
      problems.add("target.kind '" + unknown.remove("kind") + "' is not one of kubernetes,"
          + " local");
    }
    RequestChecks.unknown("target", unknown, problems, guide, "sqlPort");
    if (t.isLocal()) {
      LocalTargetChecks.check(t, problems);
    } else {
      KubernetesTargetChecks.names(t, problems);
    }
    RequestChecks.required("target.database", t.database(), TargetPatterns.SQL_NAME,
        "a SQL database name", problems);
    RequestChecks.optional("target.readerUser", t.readerUser(), TargetPatterns.SQL_NAME,
        "a SQL user name", problems);
    tableOwners(t, problems);
    ReaderNames.check(t, problems);
    TargetPatterns.host("target.sqlHost", t.sqlHost(), problems);
    TargetPatterns.port("target.sqlPort", t.sqlPort(), problems);
    TargetPatterns.sslMode("target.sslMode", t.sslMode(), problems);
    if (!t.isLocal()) {
      KubernetesTargetChecks.readerPath(t, problems);
    }
  }

  private static void tableOwners(ClusterTarget t, List<String> problems) {
    List<String> owners = t.tableOwnersOrEmpty();
    if (owners.size() > MAX_TABLE_OWNERS) {
      problems.add("target.tableOwners names " + owners.size() + " roles; at most "
          + MAX_TABLE_OWNERS);
      return;
    }
    Set<String> seen = new HashSet<>();
    for (int i = 0; i < owners.size(); i++) {
      String owner = owners.get(i);
      RequestChecks.required("target.tableOwners[" + i + "]", owner, TargetPatterns.SQL_NAME,
          "a SQL role name", problems);
      if (owner == null) {
        continue;
      }
      if (!seen.add(owner)) {
        problems.add("target.tableOwners names '" + owner + "' twice");
      } else if (owner.equals(t.readerUserOrDefault())) {
        problems.add("target.tableOwners names the reader user '" + owner
            + "': the reader must not own tables");
      }
    }
  }
}
