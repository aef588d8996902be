package dev.underway.kernel;

import dev.underway.kernel.ApprovalPolicy;
import dev.underway.kernel.Decision;
import dev.underway.kernel.DecisionKind;
import dev.underway.kernel.DecisionSignal;
import dev.underway.kernel.GateView;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;

/**
 * The decisions a run receives, and which of them it acts on. Every decision is recorded, the
 * refused ones with the reason; only an accepted one moves the run. Used by the signal handlers
 * and by the {@code decide} update (whose validator asks {@link #refusal} and changes nothing).
 *
 * <p>A gate opens once {@code requiredApprovals} distinct allowed people approved it (the
 * two-person rule); each approval before that is accepted and recorded as "1 of 2"; one
 * rejection ends the run.
 *
 * <p>Besides the policy (approvers, self-approval) a decision must be for the gate open now and,
 * when it says so, for the plan that gate shows ({@code plan}) and recent ({@code issuedAt}
 * within the policy's {@code decisionValidity}, and not before the gate opened): a decision that
 * waited somewhere (no worker was polling, a signal queued) must not start changes nobody
 * confirmed. An approval of a destructive gate must name what the gate drops ({@code confirm},
 * typed exactly; every one of N-of-M approvals). An abort is always taken (stopping is always
 * safe) until the run is past a point of no return, after which rolling back would lose writes:
 * then a reject or an abort is refused with the reason.
 */
final class Decisions {

  /** Where the run is, for the refusal messages. */
  record Position(boolean ended, String state, String at, String phase) {}

  private final List<Decision> all = new ArrayList<>();
  private ApprovalPolicy policy = ApprovalPolicy.ANYONE;
  private String requester;
  private boolean checkFreshness;
  private GateView open;
  private final List<Decision> approvals = new ArrayList<>();
  private Decision pending;
  private Decision abort;
  private String pointOfNoReturn;

  /**
   * @param freshness whether plan digests and issue times are checked (runs started before
   *     they existed replay without)
   */
  public void configure(ApprovalPolicy policy, String requester, boolean freshness) {
    this.policy = policy == null ? ApprovalPolicy.ANYONE : policy;
    this.requester = requester;
    this.checkFreshness = freshness;
  }

  public void opened(GateView gate) {
    open = gate;
    pending = null;
    approvals.clear();
  }

  public void closed() {
    open = null;
  }

  GateView open() {
    return open;
  }

  /** Rejects and aborts are refused from now on, with {@code why}. */
  void pastPointOfNoReturn(String why) {
    pointOfNoReturn = why;
  }

  String pointOfNoReturn() {
    return pointOfNoReturn;
  }

  /** The accepted approve or reject for the open gate, or null. */
  Decision pending() {
    return pending;
  }

  /** The accepted abort, or null. */
  Decision abort() {
    return abort;
  }

  List<Decision> all() {
    return List.copyOf(all);
  }

  ApprovalPolicy policy() {
    return policy;
  }

  /** The approvals the open gate has so far (N-of-M gates wait for more). */
  List<Decision> approvalsSoFar() {
    return List.copyOf(approvals);
  }

  /** Who made {@code decision}: every approver of the gate when it opened on approvals. */
  String deciders(Decision decision) {
    if (decision.kind() == DecisionKind.APPROVE && approvals.size() > 1) {
      return String.join(" and ", approvals.stream().map(Decision::by).toList());
    }
    return decision.by();
  }

  /**
   * Records a decision; acts on it (pending or abort) only when it is not refused. {@code
   * sender} is who Temporal says sent it, null when the run does not look it up.
   */
  Decision receive(DecisionKind kind, DecisionSignal s, String via, Position where, long now,
      Sender sender) {
    DecisionSignal d = s == null ? new DecisionSignal(null, null, null) : s;
    String refusal = refusal(kind, d, where, now);
    if (refusal == null && kind == DecisionKind.APPROVE && policy.identityRequired()) {
      refusal = identityRefusal(sender);
    }
    String gate = !blank(d.gate()) ? d.gate() : open != null ? open.gate() : where.phase();
    int required = policy.requiredApprovalsOrDefault();
    String note = refusal;
    if (refusal == null && kind == DecisionKind.APPROVE && required > 1) {
      note = "approval " + (approvals.size() + 1) + " of " + required
          + (approvals.size() + 1 < required ? ": the gate waits for more" : ": the gate opens");
    }
    Decision decision = new Decision(gate, kind, d.by(), Instant.ofEpochMilli(now).toString(),
        d.comment(), refusal == null, note, via, d.plan(), d.issuedAt(), sender);
    all.add(decision);
    if (refusal == null) {
      if (kind == DecisionKind.ABORT) {
        abort = decision;
      } else if (kind == DecisionKind.APPROVE) {
        approvals.add(decision);
        if (approvals.size() >= required) {
          pending = decision;
        }
      } else {
        pending = decision;
      }
    }
    return decision;
  }

  /** Why a decision cannot be accepted now, or null when it can. Changes nothing. */
  String refusal(DecisionKind kind, DecisionSignal d, Position where, long now) {
    if (kind == null) {
      return "the decision is not one of approve, reject, abort";
    }
    if (where.ended()) {
      return "the run has already ended (" + where.state() + ")";
    }
    String fields = d.fieldRefusal();
    if (fields != null) {
      return fields;
    }
    if (blank(d.by())) {
      return "say who decides: 'by' is missing";
    }
    String placeholder = DecideCommands.placeholderRefusal(d.by(), "comment", d.comment());
    if (placeholder != null) {
      return placeholder;
    }
    if (!policy.mayDecide(d.by())) {
      return d.by() + " is not an approver of this run (approvers: " + policy.approversOrEmpty()
          + ")";
    }
    if (pointOfNoReturn != null && kind != DecisionKind.APPROVE) {
      return "the run is past its point of no return (" + pointOfNoReturn + "): a "
          + kind.json() + " would roll back and lose what was written since, so it is refused;"
          + " the run holds at its gate until it is approved";
    }
    if (kind == DecisionKind.ABORT) {
      if (abort != null) {
        return "an abort was already accepted from " + abort.by();
      }
      if (!blank(d.gate()) && open != null && !d.gate().equals(open.gate())) {
        return "gate '" + d.gate() + "' is not open (open now: " + open.gate() + ")";
      }
      return null;
    }
    if (open == null) {
      return "no gate is open" + (where.at() == null ? "" : " (the run is at " + where.at() + ")")
          + (d.gate() == null ? "" : ": gate '" + d.gate() + "' is not open");
    }
    if (!blank(d.gate()) && !d.gate().equals(open.gate())) {
      return "gate '" + d.gate() + "' is not open (open now: " + open.gate() + ")";
    }
    if (pending != null) {
      return "gate " + open.gate() + " was already decided by " + pending.by();
    }
    if (kind == DecisionKind.APPROVE
        && approvals.stream().anyMatch(a -> a.by().equals(d.by()))) {
      return d.by() + " already approved gate " + open.gate() + " (" + approvals.size() + " of "
          + policy.requiredApprovalsOrDefault() + " approvals): another approver must approve";
    }
    if (kind == DecisionKind.APPROVE && !policy.selfApprovalAllowed()
        && d.by().equals(requester)) {
      return d.by() + " requested this run and may not approve it (allowSelfApproval is false)";
    }
    if (kind == DecisionKind.APPROVE && open.confirm() != null
        && !open.confirm().equals(d.confirm())) {
      return "gate " + open.gate() + " is destructive: an approval must carry \"confirm\": \""
          + open.confirm() + "\", the name of what it drops, typed exactly"
          + ExactText.difference(open.confirm(), d.confirm());
    }
    return checkFreshness ? staleness(d, now) : null;
  }

  /** Why an approval without a Temporal identity is refused (approval.requireIdentity), or null. */
  static String identityRefusal(Sender sender) {
    if (sender != null && sender.identity() != null && !sender.identity().isBlank()) {
      return null;
    }
    String why = sender == null || sender.problem() == null ? "it came with none"
        : "its identity could not be read from the run's history (" + sender.problem() + ")";
    return "this run requires approvals to come with a Temporal identity"
        + " (approval.requireIdentity) and " + why + ": approve with `underway approve` (it"
        + " sends underway:USER@HOST) or `temporal workflow update execute` (temporal-cli:"
        + "USER@HOST, or its --identity); the Web UI's Update dialog sends none";
  }

  /** Why a decision is for another plan or too old, or null. */
  private String staleness(DecisionSignal d, long now) {
    if (!blank(d.plan()) && open.plan() != null && !d.plan().equals(open.plan())) {
      return "this decision is for plan " + d.plan() + " but gate " + open.gate()
          + " now shows plan " + open.plan() + ": the cluster changed since that plan was read;"
          + " read the gate again and decide on what it shows";
    }
    if (blank(d.issuedAt())) {
      return null;
    }
    Instant issued;
    try {
      issued = Instant.parse(d.issuedAt());
    } catch (DateTimeParseException e) {
      return "issuedAt '" + d.issuedAt() + "' is not an ISO-8601 instant such as"
          + " 2026-11-29T10:15:30Z";
    }
    Instant received = Instant.ofEpochMilli(now);
    Duration validity = Duration.parse(policy.decisionValidityOrDefault());
    Duration age = Duration.between(issued, received);
    if (age.compareTo(validity) > 0) {
      return "this decision was issued at " + issued + " and reached the run at " + received
          + ", later than the decision validity of " + validity + " (approval.decisionValidity):"
          + " it is stale; read the gate again and decide anew";
    }
    if (age.negated().compareTo(validity) > 0) {
      return "this decision says it was issued at " + issued + ", more than " + validity
          + " after the run's clock (" + received + "): check the clock of the machine that sent"
          + " it";
    }
    Instant openedAt = Instant.parse(open.openedAt());
    if (issued.isBefore(openedAt)) {
      return "this decision was issued at " + issued + ", before gate " + open.gate()
          + " opened (at " + openedAt + ") with the plan it shows now: read the gate and decide"
          + " again (if the sending machine's clock is behind, correct it)";
    }
    return null;
  }

  private static boolean blank(String s) {
    return s == null || s.isBlank();
  }
}
