package dev.underway.workflows.drift;

import com.fasterxml.jackson.annotation.JsonAnySetter;
import com.fasterxml.jackson.annotation.JsonIgnore;
import com.fasterxml.jackson.annotation.JsonInclude;
import dev.underway.workflows.evolution.model.Phase;
import dev.underway.workflows.evolution.model.ClusterTarget;
import java.util.Map;

/**
 * The input of a {@code DriftCheck} run, as a schedule's action passes it (from {@code underway
 * schedule create --input-file} or {@code temporal schedule create --input-file}).
 *
 * <p>Unknown JSON fields are collected in {@link #unknownFields()} so the workflow refuses a
 * typo instead of silently checking less than the operator asked for.
 *
 * @param target the cluster to look at
 * @param declared the phase the cluster is declared to be at (nodes, replication factor, reader
 *     path); the disruption budget it implies is checked too
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record DriftCheckRequest(
    ClusterTarget target,
    Phase declared,
    @JsonAnySetter @JsonIgnore Map<String, Object> unknownFields) {

  public DriftCheckRequest {
    unknownFields = unknownFields == null ? Map.of() : Map.copyOf(unknownFields);
  }

  public DriftCheckRequest(ClusterTarget target, Phase declared) {
    this(target, declared, null);
  }
}
