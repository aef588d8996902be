package dev.underway.workflows.evolution.model;

import dev.underway.kernel.ApprovalPolicy;
import com.fasterxml.jackson.annotation.JsonAnySetter;
import com.fasterxml.jackson.annotation.JsonIgnore;
import com.fasterxml.jackson.annotation.JsonInclude;
import java.util.List;
import java.util.Map;

/**
 * The input of a {@code ClusterEvolution} run, as pasted into the UI's input box or passed with
 * {@code temporal workflow start --input-file}.
 *
 * @param target the cluster to change
 * @param phases the phases to walk through in order; absent means {@link Phase#DEFAULTS}
 * @param approval who decides at gates; absent means anyone, no expiry
 * @param dryRun compute and return every phase's plan, change nothing
 * @param requestedBy who asked for this run (shown in status; see {@link
 *     ApprovalPolicy#allowSelfApproval()})
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record EvolutionRequest(
    ClusterTarget target,
    List<Phase> phases,
    ApprovalPolicy approval,
    Boolean dryRun,
    String requestedBy,
    @JsonAnySetter @JsonIgnore Map<String, Object> unknownFields) {

  public EvolutionRequest {
    unknownFields = unknownFields == null ? Map.of() : Map.copyOf(unknownFields);
  }

  public EvolutionRequest(
      ClusterTarget target, List<Phase> phases, ApprovalPolicy approval, boolean dryRun,
      String requestedBy) {
    this(target, phases, approval, dryRun, requestedBy, null);
  }

  @JsonIgnore
  public List<Phase> phasesOrDefault() {
    return phases == null || phases.isEmpty() ? Phase.DEFAULTS : phases;
  }

  @JsonIgnore
  public ApprovalPolicy approvalOrDefault() {
    return approval == null ? ApprovalPolicy.ANYONE : approval;
  }

  @JsonIgnore
  public boolean isDryRun() {
    return Boolean.TRUE.equals(dryRun);
  }

  public EvolutionRequest withDryRun(boolean value) {
    return new EvolutionRequest(target, phases, approval, value, requestedBy, unknownFields);
  }
}
