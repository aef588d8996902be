package dev.underway.model;

import com.fasterxml.jackson.annotation.JsonAnySetter;
import com.fasterxml.jackson.annotation.JsonIgnore;
import com.fasterxml.jackson.annotation.JsonInclude;
import java.util.List;
import java.util.Map;

/**
 * Who may decide at a gate, and how long a gate waits.
 *
 * @param approvers who may approve, reject or abort; empty or absent means anyone
 * @param allowSelfApproval whether the requester may approve their own run; default true
 * @param gateExpiry ISO-8601 duration (e.g. {@code PT72H}, {@code P3D}) after which an unanswered
 *     gate ends the run as expired (never as approved); absent means wait indefinitely
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record ApprovalPolicy(
    List<String> approvers,
    Boolean allowSelfApproval,
    String gateExpiry,
    @JsonAnySetter @JsonIgnore Map<String, Object> unknownFields) {

  public static final ApprovalPolicy ANYONE = new ApprovalPolicy(List.of(), true, null, null);

  public ApprovalPolicy {
    approvers = approvers == null ? List.of() : List.copyOf(approvers);
    unknownFields = unknownFields == null ? Map.of() : Map.copyOf(unknownFields);
  }

  @JsonIgnore
  public boolean selfApprovalAllowed() {
    return allowSelfApproval == null || allowSelfApproval;
  }

  /** Whether {@code who} is on the list (or the list is open). */
  public boolean mayDecide(String who) {
    return approvers.isEmpty() || approvers.contains(who);
  }
}
