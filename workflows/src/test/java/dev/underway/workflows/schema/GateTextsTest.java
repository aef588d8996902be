package dev.underway.workflows.schema;

import static dev.underway.workflows.schema.PlannerTest.AMOUNT;
import static dev.underway.workflows.schema.PlannerTest.AMOUNT_COLUMN;
import static dev.underway.workflows.schema.PlannerTest.BY_PK;
import static dev.underway.workflows.schema.PlannerTest.ID;
import static dev.underway.workflows.schema.PlannerTest.PK;
import static org.assertj.core.api.Assertions.assertThat;

import dev.underway.workflows.schema.contract.TableObservation;
import dev.underway.kernel.PlanCard;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** What the gates show: the expand gate everything the observation knows, before any change. */
class GateTextsTest {

  private static final TableObservation.Column VERSION =
      new TableObservation.Column("schema_version", "integer", true, null);

  @Test
  void theExpandGateShowsTheCostsTheWalkAndWhatMustChangeBeforeTheContract() {
    TableObservation o = PlannerTest.with(PlannerTest.table(List.of(ID, AMOUNT_COLUMN), PK,
        null, null, List.of()), BY_PK, List.of(), List.of(),
        List.of("view order_totals uses amount"),
        List.of("trigger zz_round (function round_amount()) fires after the sync trigger"));

    GateTexts.Shown shown = GateTexts.expand("k", Planner.plan(AMOUNT, o), AMOUNT);

    assertThat(shown.card().table()).contains(new PlanCard.Row("heap", "", "128 MB"),
        new PlanCard.Row("indexes", "", "40.0 MB"),
        new PlanCard.Row("key walk", "", "Index Only Scan using orders_pkey"));
    assertThat(shown.card().changes().get(0)).startsWith("creates, if missing,"
        + " public.underway_flags");
    assertThat(shown.card().warnings()).contains(
        "the backfill rewrites 5000 (estimated) row(s): an UPDATE writes a new version of every"
            + " row",
        "must change before the contract: view order_totals uses amount",
        "trigger zz_round (function round_amount()) fires after the sync trigger")
        .anyMatch(w -> w.startsWith("WAL: roughly 336 MB to 840 MB"));
    assertThat(shown.text()).contains("  key walk: Index Only Scan using orders_pkey\n",
        "  - creates, if missing, public.underway_flags",
        "  ! must change before the contract: view order_totals uses amount\n");
  }

  @Test
  void theCardsShowTheSqlTheChangeAppliesAndOnlyWhatChangesInTheirTables() {
    SchemaPlan p = Planner.plan(AMOUNT, PlannerTest.table(List.of(ID, AMOUNT_COLUMN), PK, null,
        null, List.of()));
    GateTexts.Shown expand = GateTexts.expand("k", p, AMOUNT);
    assertThat(expand.card().sql()).contains(
        "ALTER TABLE " + p.table() + " ADD COLUMN " + p.add().get(0) + ";");
    AMOUNT.addOrEmpty().forEach(n -> assertThat(expand.card().sql())
        .contains(n.name() + " = " + n.up()));
    AMOUNT.replaceOrEmpty().forEach(o -> assertThat(expand.card().sql())
        .contains(o.down() == null ? "-- " + o.name() + ": no down (not kept once writes = new)"
            : o.name() + " = " + o.down()));
    assertThat(expand.text()).contains("SQL:\n  -- expand adds");

    for (GateTexts.Shown shown : List.of(expand,
        GateTexts.switchReads("k", p, null, null, null, null),
        GateTexts.stopOldWrites("k", p, AMOUNT, java.time.Duration.ofMinutes(5), null, true),
        GateTexts.contract("k", p, null, null))) {
      assertThat(shown.card().table()).as(shown.card().title())
          .filteredOn(r -> !r.before().isEmpty()).noneMatch(r -> r.before().equals(r.after()))
          .noneMatch(r -> List.of("table", "key", "rows", "standbys").contains(r.what()));
    }
    GateTexts.Shown stop = GateTexts.stopOldWrites("k", p, AMOUNT, null, null, true);
    assertThat(stop.card().table()).as("reads switched at the gate before: not a change here")
        .filteredOn(r -> !r.before().isEmpty())
        .containsExactly(new PlanCard.Row(p.objects().writesFlag(), "both", "new"));
  }

  @Test
  void rowsPerVersionNotCountedAreSaidSo() {
    SchemaPlan p = Planner.plan(AMOUNT, PlannerTest.table(List.of(ID, AMOUNT_COLUMN), PK, null,
        null, List.of()));
    TableObservation uncounted = PlannerTest.table(List.of(ID, AMOUNT_COLUMN, VERSION), PK,
        "me", List.of(), List.of());
    TableObservation counted = new TableObservation("17", true, uncounted.columns(),
        uncounted.key(), null, 5_000, 5_000L, 1, List.of(), List.of(), List.of(), List.of(),
        "me", List.of(), Map.of(), Map.of(2, 5_000L), List.of(), List.of(), "c");

    assertThat(GateTexts.switchReads("k", p, null, null, uncounted, "schema_version").card()
        .table()).contains(new PlanCard.Row("rows per version", "", "not counted: the table is"
            + " too big to count at every observation (verify checked every row)"));
    assertThat(GateTexts.switchReads("k", p, null, null, counted, "schema_version").card()
        .table()).contains(new PlanCard.Row("rows per version", "", "{2=5000}"));
    assertThat(GateTexts.switchReads("k", p, null, null, uncounted, null).card().table())
        .noneMatch(r -> r.what().equals("rows per version"));
  }
}
