package dev.underway.workflows.schema;

import static dev.underway.workflows.schema.SchemaTestSupport.example;
import static org.assertj.core.api.Assertions.assertThat;

import dev.underway.activities.schema.ChangeObjects;
import dev.underway.activities.schema.TableChange;
import dev.underway.activities.schema.TableObservation;
import dev.underway.activities.schema.TableObservation.Column;
import dev.underway.kernel.FailureKind;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The pure planner: refusals and plans from observations. */
class PlannerTest {

  static final TableChange AMOUNT = example("bigint-amount").change();
  static final Column ID = new Column("id", "bigint", false, null);
  static final Column AMOUNT_COLUMN = new Column("amount", "integer", true, null);

  static TableObservation table(List<Column> columns, TableObservation.Key key, String heldBy,
      List<String> added, List<TableObservation.LongTransaction> longOnes) {
    return new TableObservation("16.4", true, columns, key, key == null ? "no primary key" : null,
        5_000, null, 1 << 20, List.of("CREATE INDEX orders_amount ON public.orders USING btree"
            + " (amount)"), List.of(), List.of(), longOnes, heldBy, added, Map.of(), null,
        List.of(), List.of(), "catalogue");
  }

  static final TableObservation.Key PK = new TableObservation.Key("orders_pkey", List.of(ID));

  @Test
  void planNamesWhatExpandAddsAndWhatContractDrops() {
    SchemaPlan p = Planner.plan(AMOUNT, table(List.of(ID, AMOUNT_COLUMN), PK, null, null,
        List.of()));
    assertThat(p.add()).containsExactly("amount_cents bigint", "schema_version integer");
    assertThat(p.drop()).containsExactly("public.orders.amount",
        "trigger underway_sync_orders", "function public.underway_sync_orders_fn()",
        "triggers underway_named_n_orders, underway_named_o_orders and function"
            + " underway_named_orders_fn",
        "function underway_stray_orders_fn and sequences underway_stray_orders,"
            + " underway_stray_at_orders");
    assertThat(p.confirm()).isEqualTo("public.orders.amount");
    assertThat(p.keyColumns()).containsExactly("id");
    assertThat(p.rows()).isEqualTo(5_000);
    assertThat(p.rowsExact()).isFalse();
    assertThat(p.reversible()).isTrue();
    assertThat(p.warnings()).containsExactly(
        "no streaming standby: the backfill's replica-lag throttle has nothing to watch",
        "the contract drops amount and with it the index: CREATE INDEX orders_amount ON"
            + " public.orders USING btree (amount) (create its counterpart on the new column"
            + " before the contract)", Planner.SELECT_STAR);
    assertThat(Planner.SELECT_STAR).contains("cached plan must not change result type")
        .contains("autosave=conservative");
    assertThat(PlanDigest.of("k", p)).matches("[0-9a-f]{8}")
        .isNotEqualTo(PlanDigest.of("other", p));
  }

  @Test
  void anAddedColumnHasTheTriggerAsItsConfirmation() {
    TableChange add = example("full-name").change();
    SchemaPlan p = Planner.plan(add, table(List.of(ID), PK, null, null, List.of()));
    assertThat(p.confirm()).isEqualTo(ChangeObjects.of(add).trigger());
    assertThat(p.drop()).as("nothing but the sync and its helpers").hasSize(4)
        .allMatch(d -> d.contains("underway_"));
  }

  @Test
  void longTransactionsAreWarnedAbout() {
    SchemaPlan p = Planner.plan(AMOUNT, table(List.of(ID, AMOUNT_COLUMN), PK, null, null,
        List.of(new TableObservation.LongTransaction(42, 3_600, "idle in transaction"),
            new TableObservation.LongTransaction(43, 5, "active"))));
    assertThat(p.warnings()).anyMatch(w -> w.startsWith("1 transaction(s) open for more than"
        + " 60 s"));
  }

  @Test
  void refusalsComeFromTheObservation() {
    assertThat(Planner.refusals(AMOUNT, table(List.of(ID, AMOUNT_COLUMN), PK, null, null,
        List.of()), "me")).isEmpty();
    assertThat(kinds(table(List.of(ID), null, "someone-else", null, List.of())))
        .containsExactly(FailureKind.CHANGE_IN_PROGRESS, FailureKind.NO_USABLE_KEY,
            FailureKind.TARGET_NOT_FOUND);
    Column exists = new Column("amount_cents", "bigint", true, null);
    assertThat(kinds(table(List.of(ID, AMOUNT_COLUMN, exists), PK, null, null, List.of())))
        .containsExactly(FailureKind.COLUMN_EXISTS);
    assertThat(kinds(table(List.of(ID, AMOUNT_COLUMN, exists), PK, "me",
        List.of("amount_cents"), List.of()))).as("this run added it: a resumed run").isEmpty();
    Column textVersion = new Column("schema_version", "text", true, null);
    assertThat(kinds(table(List.of(ID, AMOUNT_COLUMN, textVersion), PK, null, null, List.of())))
        .containsExactly(FailureKind.COLUMN_EXISTS);
    TableObservation.Key onAmount = new TableObservation.Key("orders_amount_key",
        List.of(AMOUNT_COLUMN));
    assertThat(Planner.refusals(AMOUNT, table(List.of(ID, AMOUNT_COLUMN), onAmount, null, null,
        List.of()), "me")).singleElement().satisfies(r -> {
          assertThat(r.kind()).isEqualTo(FailureKind.UNSAFE_CHANGE);
          assertThat(r.why()).contains("column amount is in the key orders_amount_key");
        });
  }

  private static List<FailureKind> kinds(TableObservation o) {
    return Planner.refusals(AMOUNT, o, "me").stream().map(Refusal::kind).toList();
  }
}
