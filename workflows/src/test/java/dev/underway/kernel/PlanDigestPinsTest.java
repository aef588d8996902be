package dev.underway.kernel;

import static org.assertj.core.api.Assertions.assertThat;

import dev.underway.workflows.evolution.model.PhasePlan;
import dev.underway.workflows.evolution.model.ClusterTarget;
import dev.underway.workflows.schema.SchemaPlan;
import dev.underway.workflows.schema.contract.ChangeKind;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Digests recorded decisions name: the same plan gives the same eight hex digits in every
 * release, or a decision recorded in a history no longer matches its plan on replay. The values
 * were computed by the CRC32 code each runbook had before {@link PlanDigest} was shared.
 */
class PlanDigestPinsTest {

  @Test
  void theDigestOfPartsIsPinned() {
    assertThat(PlanDigest.of(List.of())).isEqualTo("00000000");
    assertThat(PlanDigest.of(List.of("a", "b"))).isEqualTo(PlanDigest.of(List.of("a\u0000b")))
        .isNotEqualTo(PlanDigest.of(List.of("ab")));
  }

  @Test
  void anEvolutionPlanKeepsItsDigest() {
    PhasePlan plan = new PhasePlan("phase-1", 1, 2, 1, 2, 0, 0, 2, List.of("RANGE default"),
        true, true, 0, null, List.of("scale 1 -> 2"), List.of());
    ClusterTarget target = ClusterTarget.of("underway-demo", "cockroachdb", "cockroachdb-public", "app");
    assertThat(dev.underway.workflows.evolution.PlanDigest.of(target, plan))
        .isEqualTo("91a7b340");
    PhasePlan three = new PhasePlan("phase-2", 2, 3, 2, 3, 0, 1, 3,
        List.of("RANGE default", "DATABASE app"), false, false, 0, null,
        List.of("a", "b", "c"), List.of("w"));
    assertThat(dev.underway.workflows.evolution.PlanDigest.of(
        ClusterTarget.local("sandbox", "app"), three)).isEqualTo("4daf9ed7");
  }

  @Test
  void aSchemaPlanKeepsItsDigest() {
    SchemaPlan plan = new SchemaPlan("public.orders", ChangeKind.CHANGE_TYPE, "orders_pkey",
        List.of("id"), 5000, false, 1000, List.of("amount_new"), null, List.of("amount"),
        "public.orders.amount", true, List.of(), List.of(), null, null, null, null, null);
    assertThat(dev.underway.workflows.schema.PlanDigest.of("db:5432/shop/public.orders", plan))
        .isEqualTo("a14f1438");
    SchemaPlan split = new SchemaPlan("app.customers", ChangeKind.SPLIT_COLUMN, "customers_pkey",
        List.of("tenant", "id"), 1, true, 10, List.of("first_name", "last_name"), null,
        List.of("name"), "app.customers.name", false, List.of(), List.of(), null, null, null,
        null, null);
    assertThat(dev.underway.workflows.schema.PlanDigest.of("local/sandbox/app/app.zähler", split))
        .as("a character beyond ASCII counts with both its bytes").isEqualTo("c2346a13");
  }
}
