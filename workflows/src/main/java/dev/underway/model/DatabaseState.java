package dev.underway.model;

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
 */
public record DatabaseState(
    String version,
    int liveNodes,
    List<ZoneReplication> zones,
    boolean readerUserExists,
    boolean licensed) {

  public DatabaseState {
    zones = zones == null ? List.of() : List.copyOf(zones);
  }
}
