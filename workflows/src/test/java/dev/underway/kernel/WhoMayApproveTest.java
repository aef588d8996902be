package dev.underway.kernel;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

/** The card's "Who may approve" line names the requester it excludes and shows identities. */
class WhoMayApproveTest {

  private static final GateView VIEW = new GateView("phase-1", "phase-1", "text",
      "2026-11-29T10:00:00Z", null, "3f2a9c1e");
  private static final PlanCard CARD = new PlanCard("Gate phase-1", List.of(), List.of("x"),
      List.of());

  private static String card(ApprovalPolicy policy, List<Decision> approvals, String requester) {
    return RunDetails.render("cluster-evolution", "db/crdb", RunState.WAITING_FOR_APPROVAL,
        "phase-1/gate", null, new RunDetails.Gate(VIEW, CARD, policy, approvals, requester),
        List.of());
  }

  @Test
  void notTheRequesterNamesTheRequester() {
    String md = card(new ApprovalPolicy(null, false, null, null), List.of(), "alice");
    assertThat(md).contains("**Who may approve:** anyone (not the requester, alice)");
  }

  @Test
  void approvalsSoFarShowByAndTheTemporalIdentitySideBySide() {
    Decision bob = new Decision("phase-1", DecisionKind.APPROVE, "bob", "t", null, true, null,
        "update", null, null, new Sender("mallory@laptop", null, null));
    String md = card(new ApprovalPolicy(null, true, null, null, 2, true, null), List.of(bob),
        "alice");
    assertThat(md).contains("**Who may approve:** anyone · with a Temporal identity · 2"
        + " approvals needed, 1 so far (bob (Temporal identity: mallory@laptop))");
  }
}
