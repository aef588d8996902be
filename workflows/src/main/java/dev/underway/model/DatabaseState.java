package dev.underway.model;

import com.fasterxml.jackson.annotation.JsonIgnore;
import java.util.List;

/**
 * What the database itself reports.
 *
 * @param version server version string
 * @param liveNodes nodes the cluster considers live
 * @param zones every zone configuration with its replication factor
 * @param readerUserExists whether the read-only user exists
 * @param licensed whether an enterprise licence key is set (multi-node clusters without one are
 *     throttled after 7 days)
 * @param engine {@link #COCKROACHDB} or {@link #POSTGRESQL}; null means CockroachDB. It chooses
 *     the words the plan uses, nothing else.
 */
public record DatabaseState(
    String version,
    int liveNodes,
    List<ZoneReplication> zones,
    boolean readerUserExists,
    boolean licensed,
    String engine) {

  public static final String COCKROACHDB = "cockroachdb";
  /** Replication factor is a synchronous-standby quorum (the sandbox's PostgreSQL target). */
  public static final String POSTGRESQL = "postgresql";

  public DatabaseState {
    zones = zones == null ? List.of() : List.copyOf(zones);
  }

  /** A CockroachDB database. */
  public DatabaseState(String version, int liveNodes, List<ZoneReplication> zones,
      boolean readerUserExists, boolean licensed) {
    this(version, liveNodes, zones, readerUserExists, licensed, null);
  }

  @JsonIgnore
  public boolean isPostgresql() {
    return POSTGRESQL.equals(engine);
  }
}
