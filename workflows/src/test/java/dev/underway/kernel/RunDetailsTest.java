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
        .contains("{\"gate\":\"phase-1\",\"decision\":\"approve\",\"plan\":\"3f2a9c1e\",\n"
            + " \"by\":\"YOUR-NAME\",\"comment\":\"why\"}")
        .contains("underway approve x --gate phase-1 --plan 3f2a9c1e");
  }

  @Test
  void theTableListsOnlyWhatChangesTheRestAsFactsAndTheSqlInACodeBlock() {
    GateView view = new GateView("expand", "expand", "text", "2026-11-29T10:00:00Z", null,
        "3f2a9c1e");
    PlanCard card = new PlanCard("Gate expand for db/orders", List.of(
        new PlanCard.Row("table", "", "public.orders"),
        new PlanCard.Row("key", "orders_pkey", "orders_pkey"),
        new PlanCard.Row("rows", "", "120000 (estimated)"),
        new PlanCard.Row("flag_reads", "old", "new")),
        List.of("ADD COLUMN amount_cents bigint"), List.of(),
        List.of("ALTER TABLE public.orders ADD COLUMN amount_cents bigint;",
            "amount_cents = amount::bigint"));
    String md = RunDetails.render("schema-change", "db/orders", RunState.WAITING_FOR_APPROVAL,
        "expand/gate", null, new RunDetails.Gate(view, card, ApprovalPolicy.ANYONE, List.of()),
        List.of());
    String table = md.substring(md.indexOf("| what changes |"), md.indexOf("**Changes, in"));
    assertThat(table).contains("| flag\\_reads | old | new |")
        .doesNotContain("table").doesNotContain("key").doesNotContain("rows");
    assertThat(md).contains("- **table:** public.orders").contains("- **key:** orders\\_pkey")
        .contains("- **rows:** 120000 (estimated)")
        .contains("```sql\nALTER TABLE public.orders ADD COLUMN amount_cents bigint;\n"
            + "amount_cents = amount::bigint\n```");
    String decide = md.substring(md.indexOf("```json\n") + 8, md.indexOf("\n```", md.indexOf(
        "```json\n")));
    assertThat(decide.lines()).as("each line of the decide input short enough for 1280 px")
        .hasSize(2).allSatisfy(l -> assertThat(l.length()).isLessThan(70));
  }

  @Test
  void aCardWithNothingChangingHasNoTable() {
    GateView view = new GateView("go", "go", "text", "t", null);
    PlanCard card = new PlanCard("Gate go", List.of(new PlanCard.Row("nodes", "3", "3")),
        List.of("nothing"), List.of());
    String md = RunDetails.render("r", "t", RunState.WAITING_FOR_APPROVAL, "go/gate", null,
        new RunDetails.Gate(view, card, ApprovalPolicy.ANYONE, List.of()), List.of());
    assertThat(md).doesNotContain("| what changes |").doesNotContain("before")
        .contains("- **nodes:** 3");
  }

  @Test
  void theRunningStepsProgressReadsWithoutJson() {
    StepProgress p = new StepProgress(504056, 1_200_000L, true, "rows", 8412L, 83L, "running",
        List.of("Batch size: 2,000 rows (adaptive)", "Latency guard: budget 50 ms, within budget"),
        "2026-12-07T21:00:00Z");
    String md = RunDetails.render("schema-change", "db/orders", RunState.RUNNING,
        "backfill/backfill", null, p, null, List.of());
    assertThat(md).contains("**Running** — at `backfill/backfill`")
        .contains("**Progress** (as of 2026-12-07T21:00:00Z)")
        .contains("- **Done:** 504,056 rows of ~1,200,000 (estimated) · 42%")
        .contains("- **Rate:** 8,412 rows/s")
        .contains("- **ETA:** 1 min 23 s")
        .contains("- **State:** running")
        .contains("- **Batch size:** 2,000 rows (adaptive)")
        .contains("- **Latency guard:** budget 50 ms, within budget")
        .doesNotContain("{").doesNotContain("rowsPerSecond");
  }

  @Test
  void aPausedStepHasNoEtaAndSaysWhy() {
    StepProgress p = new StepProgress(2000, 10_000L, false, "rows", 0L, null,
        "paused: throttled by alice: deploy", List.of(), null);
    String md = RunDetails.render("schema-change", "db/orders", RunState.RUNNING,
        "backfill/backfill", null, p, null, List.of());
    assertThat(md).contains("- **Done:** 2,000 rows of 10,000 · 20%")
        .contains("- **ETA:** none while paused: throttled by alice: deploy")
        .contains("- **State:** paused: throttled by alice: deploy");
    assertThat(RunDetails.render("schema-change", "db/orders", RunState.COMPLETED, null, "done",
        p, null, List.of())).as("an ended run shows no progress").doesNotContain("Progress");
  }

  @Test
  void freeTextIsShownLiterally() {
    String md = RunDetails.render("cluster-evolution", "db/crdb", RunState.REJECTED, null,
        "Phases done: [phase-1]. num_replicas *was* 2", null, List.of());
    assertThat(md).contains("**Rejected**")
        .contains("Phases done: \\[phase-1\\]. num\\_replicas \\*was\\* 2");
  }
}
