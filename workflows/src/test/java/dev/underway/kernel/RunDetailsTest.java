package dev.underway.kernel;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

/** The run's page in Markdown: the gate card, and free text shown literally. */
class RunDetailsTest {

  @Test
  void theGateCardShowsThePlanWhoMayApproveTheDigestAndTheDecideInput() {
    GateView view = new GateView("phase-1", "phase-1", "text", "2026-11-29T10:00:00Z",
        "2026-12-02T10:00:00Z", "3f2a9c1e");
    PlanCard card = new PlanCard("Gate phase-1 for db/crdb",
        List.of(new PlanCard.Row("nodes", "1", "2")),
        List.of("scale StatefulSet db/crdb from 1 to 2"), List.of("RF 2 tolerates ZERO failures"));
    ApprovalPolicy policy = new ApprovalPolicy(List.of("bob", "carol"), false, "P3D", null, 2,
        null);
    Decision bob = new Decision("phase-1", DecisionKind.APPROVE, "bob", "t", null, true, null,
        "update");
    String md = RunDetails.render("cluster-evolution", "db/crdb",
        RunState.WAITING_FOR_APPROVAL, "phase-1/gate", null,
        new RunDetails.Gate(view, card, policy, List.of(bob)),
        List.of("underway approve x --gate phase-1 --plan 3f2a9c1e"));
    assertThat(md).contains("### cluster-evolution · db/crdb")
        .contains("**Waiting for approval at gate `phase-1`**")
        .contains("expires 2026-12-02T10:00:00Z")
        .contains("| nodes | 1 | 2 |")
        .contains("1. scale StatefulSet db/crdb from 1 to 2")
        .contains("- **RF 2 tolerates ZERO failures**")
        .contains("**Who may approve:** bob, carol (not the requester) · 2 approvals needed,"
            + " 1 so far (bob)")
        .contains("**Plan digest:** `3f2a9c1e`")
        .contains("{\"gate\":\"phase-1\",\"decision\":\"approve\",\"plan\":\"3f2a9c1e\","
            + "\"by\":\"YOUR-NAME\",\"comment\":\"why\"}")
        .contains("underway approve x --gate phase-1 --plan 3f2a9c1e");
  }

  @Test
  void freeTextIsShownLiterally() {
    String md = RunDetails.render("cluster-evolution", "db/crdb", RunState.REJECTED, null,
        "Phases done: [phase-1]. num_replicas *was* 2", null, List.of());
    assertThat(md).contains("**Rejected**")
        .contains("Phases done: \\[phase-1\\]. num\\_replicas \\*was\\* 2");
  }
}
