package dev.underway.kernel;

import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * Checks an {@link ApprovalPolicy} before a run starts, for every runbook. Pure. Rules of
 * version 1 (the refusal of an empty approvers list, the maxima, N-of-M approvals) apply only to
 * runs started under them: a recorded run replays with the rules it started with.
 */
public final class ApprovalRules {
  private ApprovalRules() {}

  /** The longest a gate may wait (AWS Systems Manager's approval step allows the same). */
  public static final Duration MAX_GATE_EXPIRY = Duration.ofDays(30);

  /** The longest a decision may stay good between being issued and reaching the run. */
  public static final Duration MAX_DECISION_VALIDITY = Duration.ofHours(24);

  /**
   * Adds every problem of {@code a} (null: anyone, no expiry) to {@code problems}, naming the
   * fields as {@code approval.<field>}. Unknown fields are the caller's to report.
   */
  public static void check(ApprovalPolicy a, String requestedBy, int rules,
      List<String> problems) {
    if (a == null) {
      return;
    }
    if (rules >= 1 && a.approvers() != null && a.approvers().isEmpty()) {
      problems.add("approval.approvers is an empty list: leave it out to let anyone approve, or"
          + " name the approvers");
    }
    for (String who : a.approversOrEmpty()) {
      if (who == null || who.isBlank()) {
        problems.add("approval.approvers has a blank name");
      }
    }
    Duration expiry = duration("approval.gateExpiry", a.gateExpiry(), "PT72H or P3D", problems);
    if (rules >= 1 && expiry != null && expiry.compareTo(MAX_GATE_EXPIRY) > 0) {
      problems.add("approval.gateExpiry " + a.gateExpiry() + " is longer than the maximum of "
          + MAX_GATE_EXPIRY.toDays() + " days (P30D): a decision that old describes a cluster"
          + " that has moved on");
    }
    if (rules >= 1) {
      Duration validity = duration("approval.decisionValidity", a.decisionValidity(),
          "PT5M or PT30M", problems);
      if (validity != null && validity.compareTo(MAX_DECISION_VALIDITY) > 0) {
        problems.add("approval.decisionValidity " + a.decisionValidity()
            + " is longer than the maximum of " + MAX_DECISION_VALIDITY.toHours() + " hours");
      }
      requiredApprovals(a, requestedBy, problems);
    }
  }

  /** N-of-M: at least 1, and no more than the distinct people allowed to approve. */
  private static void requiredApprovals(ApprovalPolicy a, String requestedBy,
      List<String> problems) {
    Integer n = a.requiredApprovals();
    if (n == null) {
      return;
    }
    if (n < 1) {
      problems.add("approval.requiredApprovals is " + n + ": at least 1 approval is needed");
      return;
    }
    if (a.approvers() == null || a.approvers().isEmpty()) {
      return; // anyone may approve: any number of people can
    }
    Set<String> allowed = new HashSet<>(a.approvers());
    allowed.remove(null);
    if (!a.selfApprovalAllowed()) {
      allowed.remove(requestedBy);
    }
    if (n > allowed.size()) {
      problems.add("approval.requiredApprovals is " + n + " but only " + allowed.size()
          + " distinct approver(s) may approve" + (a.selfApprovalAllowed() ? ""
              : " (the requester may not: allowSelfApproval is false)")
          + ": no gate could ever open");
    }
  }

  /** The gate expiry, or null when gates wait indefinitely. Call after {@link #check}. */
  public static Duration gateExpiry(ApprovalPolicy policy) {
    return policy == null || policy.gateExpiry() == null ? null
        : Duration.parse(policy.gateExpiry());
  }

  /** A positive ISO-8601 duration, or null (absent, or a problem reported). */
  private static Duration duration(
      String field, String value, String examples, List<String> problems) {
    if (value == null) {
      return null;
    }
    try {
      Duration d = Duration.parse(value);
      if (d.isNegative() || d.isZero()) {
        problems.add(field + " " + value + " must be positive");
        return null;
      }
      return d;
    } catch (DateTimeParseException e) {
      problems.add(field + " '" + value + "' is not an ISO-8601 duration such as " + examples);
      return null;
    }
  }
}
