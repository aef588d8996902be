package dev.underway.workflows.evolution.model;

import dev.underway.kernel.WholeNumbers;
import com.fasterxml.jackson.annotation.JsonAnySetter;
import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonIgnore;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import java.util.List;
import java.util.Map;

/**
 * A desired shape of the cluster.
 *
 * @param name how gates, status and search attributes name this phase (e.g. {@code phase-1})
 * @param nodes number of database nodes (StatefulSet replicas)
 * @param replicationFactor {@code num_replicas} on every zone configuration
 * @param readerPath whether a reader Service and a read-only SQL user exist
 * @param unknownFields what JSON gave that this record could not take: unknown field names, and
 *     known whole-number fields whose value is not a whole number (kept as given, never
 *     truncated), so that validation refuses them by name
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record Phase(
    String name,
    Integer nodes,
    Integer replicationFactor,
    Boolean readerPath,
    @JsonAnySetter @JsonIgnore Map<String, Object> unknownFields) {

  public Phase {
    unknownFields = unknownFields == null ? Map.of() : Map.copyOf(unknownFields);
  }

  public Phase(String name, int nodes, int replicationFactor, boolean readerPath) {
    this(name, nodes, replicationFactor, readerPath, null);
  }

  /** How JSON becomes a phase: whole numbers are checked, never truncated ({@code 2.5}). */
  @JsonCreator
  static Phase fromJson(
      @JsonProperty("name") String name,
      @JsonProperty("nodes") Object nodes,
      @JsonProperty("replicationFactor") Object replicationFactor,
      @JsonProperty("readerPath") Boolean readerPath,
      @JsonAnySetter Map<String, Object> unknown) {
    Map<String, Object> rejected = WholeNumbers.copy(unknown);
    return new Phase(name, WholeNumbers.take("nodes", nodes, rejected),
        WholeNumbers.take("replicationFactor", replicationFactor, rejected), readerPath,
        rejected);
  }

  /** The reference story: 1 node RF 1, then 2 nodes RF 2 with a reader path, then 3 nodes RF 3. */
  public static final List<Phase> DEFAULTS =
      List.of(
          new Phase("phase-0", 1, 1, false),
          new Phase("phase-1", 2, 2, true),
          new Phase("phase-2", 3, 3, true));

  @JsonIgnore
  public boolean wantsReaderPath() {
    return Boolean.TRUE.equals(readerPath);
  }

  /** Node failures a replication factor survives while keeping quorum: (RF - 1) / 2. */
  public static int failuresTolerated(int replicationFactor) {
    return Math.max(0, (replicationFactor - 1) / 2);
  }
}
