package dev.underway.workflows.evolution.model;

import com.fasterxml.jackson.annotation.JsonIgnore;
import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonInclude;
import java.util.List;
import java.util.stream.Collectors;

/**
 * The snapshot rate settings of a cluster as found before a phase moved data, which the latency
 * guard may lower during the phase's replication wait and which are restored afterwards, exactly
 * as found. On CockroachDB: {@code kv.snapshot_rebalance.max_rate} and, on releases that still
 * have it (before v23.2), {@code kv.snapshot_recovery.max_rate}. Where the database has no such
 * setting (the sandbox's PostgreSQL) it is not applicable and the phase has no snapshot rate
 * steps.
 *
 * @param applicable whether the database has a snapshot rate setting
 * @param reason why not, when not applicable (one sentence)
 * @param settings each setting found, in the order they are lowered and restored
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
@JsonIgnoreProperties(ignoreUnknown = true)
public record SnapshotRate(boolean applicable, String reason, List<Setting> settings) {

  public SnapshotRate {
    settings = settings == null ? List.of() : List.copyOf(settings);
  }

  /**
   * One setting as found.
   *
   * @param name the cluster setting
   * @param found its value as the database printed it (e.g. {@code 32 MiB})
   * @param bytesPerSecond the same in bytes a second
   * @param explicit whether someone set it ({@code SET CLUSTER SETTING}): restored by setting
   *     it to {@code storedValue}; false: it was at its default and is restored with {@code RESET
   *     CLUSTER SETTING}, so it keeps following the default
   * @param storedValue the value as stored for an explicit setting (bytes), restored exactly
   */
  @JsonInclude(JsonInclude.Include.NON_NULL)
  @JsonIgnoreProperties(ignoreUnknown = true)
  public record Setting(String name, String found, long bytesPerSecond, boolean explicit,
      String storedValue) {

    /** {@code kv.snapshot_rebalance.max_rate = 32 MiB (default)}. */
    public String describe() {
      return name + " = " + found + (explicit ? "" : " (default)");
    }
  }

  /** No such setting on this database: the phase runs without the snapshot rate steps. */
  public static SnapshotRate notApplicable(String reason) {
    return new SnapshotRate(false, reason, List.of());
  }

  public static SnapshotRate of(List<Setting> settings) {
    return new SnapshotRate(true, null, settings);
  }

  /** The settings as found, in one line, for the timeline and the undo's name. */
  @JsonIgnore
  public String describe() {
    return applicable ? settings.stream().map(Setting::describe)
        .collect(Collectors.joining(", ")) : "not applicable: " + reason;
  }
}
