package dev.underway.model;

import com.fasterxml.jackson.annotation.JsonAnySetter;
import com.fasterxml.jackson.annotation.JsonIgnore;
import com.fasterxml.jackson.annotation.JsonInclude;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;

/**
 * Who may decide at a gate, how long a gate waits, and how long a decision stays good.
 *
 * @param approvers who may approve, reject or abort; absent means anyone. An empty list is
 *     refused by validation (it would read as "nobody"): leave the field out instead
 * @param allowSelfApproval whether the requester may approve their own run; default true
 * @param gateExpiry ISO-8601 duration (e.g. {@code PT72H}, {@code P3D}) after which an unanswered
 *     gate ends the run as expired (never as approved); absent means wait indefinitely
 * @param decisionValidity ISO-8601 duration: a decision that says when it was issued ({@code
 *     issuedAt}) and reaches the run later than this is refused as stale; default {@link
 *     #DEFAULT_DECISION_VALIDITY}
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record ApprovalPolicy(
    List<String> approvers,
    Boolean allowSelfApproval,
    String gateExpiry,
    String decisionValidity,
    @JsonAnySetter @JsonIgnore Map<String, Object> unknownFields) {

  /** How long a decision stays good between being issued and reaching the run. */
  public static final String DEFAULT_DECISION_VALIDITY = "PT5M";

  public static final ApprovalPolicy ANYONE = new ApprovalPolicy(null, true, null, null, null);

  public ApprovalPolicy {
    // null means "anyone"; an empty list is kept so validation can refuse it
    approvers = approvers == null ? null : Collections.unmodifiableList(new ArrayList<>(approvers));
    unknownFields = unknownFields == null ? Map.of() : Map.copyOf(unknownFields);
  }

  public ApprovalPolicy(List<String> approvers, Boolean allowSelfApproval, String gateExpiry,
      Map<String, Object> unknownFields) {
    this(approvers, allowSelfApproval, gateExpiry, null, unknownFields);
  }

  /** {@link #approvers()}, empty when not given. */
  @JsonIgnore
  public List<String> approversOrEmpty() {
    return approvers == null ? List.of() : approvers;
  }

  @JsonIgnore
  public boolean selfApprovalAllowed() {
    return allowSelfApproval == null || allowSelfApproval;
  }

  @JsonIgnore
  public String decisionValidityOrDefault() {
    return decisionValidity == null ? DEFAULT_DECISION_VALIDITY : decisionValidity;
  }

  /** Whether {@code who} is on the list (or the list is open). */
  public boolean mayDecide(String who) {
    return approversOrEmpty().isEmpty() || approversOrEmpty().contains(who);
  }
}
