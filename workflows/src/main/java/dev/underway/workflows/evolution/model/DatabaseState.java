package dev.underway.workflows.evolution.model;

import java.util.List;

/**
 * What the database itself reports.
 *
 * @param version server version string
 * @param liveNodes nodes the cluster considers live
 * @param zones every zone configuration with its replication factor
 * @param readerUserExists whether the read-only user exists
 * @param licensed whether an enterprise licence key is set (see {@link Licence}: a key being set
 *     is no proof the cluster will not be throttled)
 * @param engine the engine (absent in JSON, as from activities that predate it: CockroachDB). It
 *     chooses the words the plan uses and which warnings apply
 * @param ranges the replicas of every range as the database shows them; null when not observed
 *     (histories recorded before it was)
 * @param licence what the licence key states; null when not observed
 * @param readerUserProblems why the existing role named as the reader user must not be made the
 *     read-only user (it is an admin, owns objects, may write, ...); empty when it does not exist
 *     or is fit. A run refuses such a target before any change.
 * @param publicCanCreate whether the pseudo-role PUBLIC (every role) may CREATE in schema {@code
 *     public} of the target database, so that the reader could create tables whatever its own
 *     grants; null when not observed
 */
public record DatabaseState(
    String version,
    int liveNodes,
    List<ZoneReplication> zones,
    boolean readerUserExists,
    boolean licensed,
    Engine engine,
    RangeHealth ranges,
    Licence licence,
    List<String> readerUserProblems,
    Boolean publicCanCreate) {

  public static final Engine COCKROACHDB = Engine.COCKROACHDB;
  /** Replication factor is a synchronous-standby quorum (the sandbox's PostgreSQL target). */
  public static final Engine POSTGRESQL = Engine.POSTGRESQL;

  public DatabaseState {
    engine = engine == null ? Engine.COCKROACHDB : engine;
    zones = zones == null ? List.of() : List.copyOf(zones);
    readerUserProblems = readerUserProblems == null ? List.of() : List.copyOf(readerUserProblems);
  }

  /** A CockroachDB database. */
  public DatabaseState(String version, int liveNodes, List<ZoneReplication> zones,
      boolean readerUserExists, boolean licensed) {
    this(version, liveNodes, zones, readerUserExists, licensed, null);
  }

  public DatabaseState(String version, int liveNodes, List<ZoneReplication> zones,
      boolean readerUserExists, boolean licensed, Engine engine) {
    this(version, liveNodes, zones, readerUserExists, licensed, engine, null, null, null, null);
  }

  public DatabaseState withRanges(RangeHealth value) {
    return new DatabaseState(version, liveNodes, zones, readerUserExists, licensed, engine,
        value, licence, readerUserProblems, publicCanCreate);
  }

  public DatabaseState withLicence(Licence value) {
    return new DatabaseState(version, liveNodes, zones, readerUserExists, licensed, engine,
        ranges, value, readerUserProblems, publicCanCreate);
  }

  public DatabaseState withReaderUserProblems(List<String> value) {
    return new DatabaseState(version, liveNodes, zones, readerUserExists, licensed, engine,
        ranges, licence, value, publicCanCreate);
  }

  public DatabaseState withPublicCanCreate(Boolean value) {
    return new DatabaseState(version, liveNodes, zones, readerUserExists, licensed, engine,
        ranges, licence, readerUserProblems, value);
  }
}
