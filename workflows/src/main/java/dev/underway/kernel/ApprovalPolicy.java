package dev.underway.kernel;

import com.fasterxml.jackson.annotation.JsonAnySetter;
import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonIgnore;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
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
 * @param requiredApprovals how many distinct allowed people must approve a gate before it opens
 *     (the two-person rule: 2); default 1. A single rejection ends the run
 * @param requireIdentity whether an approval must come with a Temporal identity (the identity
 *     its client declared, read from the run's history): an approval whose request carried none
 *     is refused and recorded as refused. Default false. It checks that a client named itself,
 *     not who the person is: see the README's trust model
 * @param unknownFields what JSON gave that this record could not take (unknown names, a
 *     {@code requiredApprovals} that is not a whole number), so that validation refuses it
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record ApprovalPolicy(
    List<String> approvers,
    Boolean allowSelfApproval,
    String gateExpiry,
    String decisionValidity,
    Integer requiredApprovals,
    Boolean requireIdentity,
    @JsonAnySetter @JsonIgnore Map<String, Object> unknownFields) {

  /** How long a decision stays good between being issued and reaching the run. */
  public static final String DEFAULT_DECISION_VALIDITY = "PT5M";

  public static final ApprovalPolicy ANYONE =
      new ApprovalPolicy(null, true, null, null, null, null, null);

  public ApprovalPolicy {
    // null means "anyone"; an empty list is kept so validation can refuse it
    approvers = approvers == null ? null : Collections.unmodifiableList(new ArrayList<>(approvers));
    unknownFields = unknownFields == null ? Map.of() : Map.copyOf(unknownFields);
  }

  public ApprovalPolicy(List<String> approvers, Boolean allowSelfApproval, String gateExpiry,
      Map<String, Object> unknownFields) {
    this(approvers, allowSelfApproval, gateExpiry, null, null, null, unknownFields);
  }

  public ApprovalPolicy(List<String> approvers, Boolean allowSelfApproval, String gateExpiry,
      String decisionValidity, Integer requiredApprovals, Map<String, Object> unknownFields) {
    this(approvers, allowSelfApproval, gateExpiry, decisionValidity, requiredApprovals, null,
        unknownFields);
  }

  public ApprovalPolicy(List<String> approvers, Boolean allowSelfApproval, String gateExpiry,
      String decisionValidity, Map<String, Object> unknownFields) {
    this(approvers, allowSelfApproval, gateExpiry, decisionValidity, null, null, unknownFields);
  }

  /** How JSON becomes a policy: {@code requiredApprovals} is checked, never truncated. */
  @JsonCreator
  static ApprovalPolicy fromJson(
      @JsonProperty("approvers") List<String> approvers,
      @JsonProperty("allowSelfApproval") Boolean allowSelfApproval,
      @JsonProperty("gateExpiry") String gateExpiry,
      @JsonProperty("decisionValidity") String decisionValidity,
      @JsonProperty("requiredApprovals") Object requiredApprovals,
      @JsonProperty("requireIdentity") Boolean requireIdentity,
      @JsonAnySetter Map<String, Object> unknown) {
    Map<String, Object> rejected = WholeNumbers.copy(unknown);
    return new ApprovalPolicy(approvers, allowSelfApproval, gateExpiry, decisionValidity,
        WholeNumbers.take("requiredApprovals", requiredApprovals, rejected), requireIdentity,
        rejected);
  }

  /** {@link #requireIdentity()}, false when not given. */
  @JsonIgnore
  public boolean identityRequired() {
    return requireIdentity != null && requireIdentity;
  }

  /** {@link #requiredApprovals()}, 1 when not given. */
  @JsonIgnore
  public int requiredApprovalsOrDefault() {
    return requiredApprovals == null ? 1 : requiredApprovals;
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
