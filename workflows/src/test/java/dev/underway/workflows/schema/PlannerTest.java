package dev.underway.workflows.schema;

import static dev.underway.workflows.schema.SchemaTestSupport.example;
import static org.assertj.core.api.Assertions.assertThat;

import dev.underway.workflows.schema.contract.ChangeObjects;
import dev.underway.workflows.schema.contract.SchemaFailures;
import dev.underway.workflows.schema.contract.TableChange;
import dev.underway.workflows.schema.contract.TableObservation;
import dev.underway.workflows.schema.contract.TableObservation.Column;
import dev.underway.kernel.FailureKind;
import dev.underway.kernel.FailureType;
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
        "triggers underway_named_n0_orders, underway_named_o_orders and function"
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
        .containsExactly(SchemaFailures.CHANGE_IN_PROGRESS, SchemaFailures.NO_USABLE_KEY,
            FailureKind.TARGET_NOT_FOUND);
    Column exists = new Column("amount_cents", "bigint", true, null);
    assertThat(kinds(table(List.of(ID, AMOUNT_COLUMN, exists), PK, null, null, List.of())))
        .containsExactly(SchemaFailures.COLUMN_EXISTS);
    assertThat(kinds(table(List.of(ID, AMOUNT_COLUMN, exists), PK, "me",
        List.of("amount_cents"), List.of()))).as("this run added it: a resumed run").isEmpty();
    Column textVersion = new Column("schema_version", "text", true, null);
    assertThat(kinds(table(List.of(ID, AMOUNT_COLUMN, textVersion), PK, null, null, List.of())))
        .containsExactly(SchemaFailures.COLUMN_EXISTS);
    TableObservation.Key onAmount = new TableObservation.Key("orders_amount_key",
        List.of(AMOUNT_COLUMN));
    assertThat(Planner.refusals(AMOUNT, table(List.of(ID, AMOUNT_COLUMN), onAmount, null, null,
        List.of()), "me")).singleElement().satisfies(r -> {
          assertThat(r.kind()).isEqualTo(SchemaFailures.UNSAFE_CHANGE);
          assertThat(r.why()).contains("column amount is in the key orders_amount_key");
        });
  }

  /** {@code base} with the facts observed since the heap, walk, replication and dependents. */
  static TableObservation with(TableObservation o, TableObservation.KeyWalk walk,
      List<String> publications, List<String> subscriptions, List<String> dependents,
      List<String> late) {
    return new TableObservation(o.serverVersion(), o.tableExists(), o.columns(), o.key(),
        o.keyProblem(), o.rowsEstimate(), o.rowsExact(), o.bytes(), o.indexes(), o.triggers(),
        o.standbys(), o.longTransactions(), o.heldBy(), o.addedByHolder(), o.flags(),
        o.versions(), o.expressionProblems(), o.unsafe(), o.catalogue(), 128L << 20,
        40L << 20, walk, publications, subscriptions, dependents, late);
  }

  static final TableObservation.KeyWalk BY_PK =
      new TableObservation.KeyWalk("Index Only Scan", "orders_pkey", false);

  @Test
  void anObservationRecordedBeforeTheNewFactsPlansAsBefore() {
    TableObservation old = table(List.of(ID, AMOUNT_COLUMN), PK, null, null, List.of());
    assertThat(old.publications()).isNull();
    assertThat(Planner.refusals(AMOUNT, old, "me")).isEmpty();
    SchemaPlan p = Planner.plan(AMOUNT, old);
    assertThat(p.heapBytes()).isNull();
    assertThat(p.keyWalk()).isNull();
    assertThat(p.costs()).containsExactly("the backfill rewrites 5000 (estimated) row(s): an"
        + " UPDATE writes a new version of every row");
    assertThat(p.warnings()).hasSize(3).contains(Planner.SELECT_STAR);
  }

  @Test
  void thePlanSaysWhatTheBackfillCosts() {
    SchemaPlan p = Planner.plan(AMOUNT, with(table(List.of(ID, AMOUNT_COLUMN), PK, null, null,
        List.of()), BY_PK, List.of(), List.of(), List.of(), List.of()));
    assertThat(p.heapBytes()).isEqualTo(128L << 20);
    assertThat(p.indexBytes()).isEqualTo(40L << 20);
    assertThat(p.keyWalk()).isEqualTo("Index Only Scan using orders_pkey");
    assertThat(p.costs()).containsExactly(
        "the backfill rewrites 5000 (estimated) row(s): an UPDATE writes a new version of every"
            + " row",
        "heap 128 MB: may grow by up to about as much again, plus the new column values (VACUUM"
            + " makes the old versions' space reusable but does not shrink the file; a 128 MB"
            + " table reached 201 MB)",
        "indexes 40.0 MB: may grow by up to as much again (an update that cannot be HOT adds an"
            + " entry to every index)",
        "WAL: roughly 336 MB to 840 MB (new row versions, index entries, full-page images after"
            + " each checkpoint): every standby replays it and a WAL archive keeps it");
    assertThat(p.bookkeeping()).isEqualTo("creates, if missing, public.underway_flags (the flags"
        + " applications read: it stays, and after the contract this change's rows stay at new,"
        + " for applications that still read them; delete them once none does) and"
        + " public.underway_schema_changes (the run's marker and the backfill's control row: the"
        + " contract or the rollback drops it when no other change holds a row in it)");
  }

  @Test
  void aWalkThatReadsTheWholeTableIsWarnedAboutOnBigTablesOnly() {
    TableObservation.KeyWalk seq = new TableObservation.KeyWalk("Seq Scan", null, true);
    TableObservation t = table(List.of(ID, AMOUNT_COLUMN), PK, null, null, List.of());
    TableObservation big = new TableObservation(t.serverVersion(), true, t.columns(), t.key(),
        null, 50_000, null, 8L << 20, t.indexes(), t.triggers(), t.standbys(),
        t.longTransactions(), null, null, t.flags(), null, List.of(), List.of(), "c",
        6L << 20, 2L << 20, seq, null, null, null, null);
    assertThat(Planner.plan(AMOUNT, big).warnings()).contains("the backfill's key walk is"
        + " planned as Seq Scan, then a Sort, not an index scan of orders_pkey: every batch"
        + " reads the whole table (50000 rows), the backfill as a whole reads it once per"
        + " batch");
    TableObservation small = new TableObservation(big.serverVersion(), true, big.columns(),
        big.key(), null, 500, 500L, 8192, big.indexes(), big.triggers(), big.standbys(),
        big.longTransactions(), null, null, big.flags(), null, List.of(), List.of(), "c",
        8192L, 8192L, seq, null, null, null, null);
    assertThat(Planner.plan(AMOUNT, small).warnings()).noneMatch(w -> w.contains("key walk"));
  }

  @Test
  void logicalReplicationIsRefusedUnlessItsOtherEndsWereChangedFirst() {
    TableObservation replicated = with(table(List.of(ID, AMOUNT_COLUMN), PK, null, null,
        List.of()), BY_PK, List.of("orders_pub", "all_pub (FOR ALL TABLES)"),
        List.of("orders_sub"), List.of(), List.of());
    List<Refusal> refused = Planner.refusals(AMOUNT, replicated, "me");
    assertThat(refused).extracting(Refusal::kind)
        .containsExactly(SchemaFailures.UNSAFE_CHANGE, SchemaFailures.UNSAFE_CHANGE);
    assertThat(refused.get(0).why()).isEqualTo("public.orders is published (publication"
        + " orders_pub, all_pub (FOR ALL TABLES)): once expand adds amount_cents, a subscriber"
        + " whose copy lacks the column(s) stops applying every change to it; add them on every"
        + " subscriber first (with underway_flags and underway_schema_changes, which expand"
        + " creates and such a publication publishes too), then set"
        + " change.subscribersChangedFirst: true");
    assertThat(refused.get(1).why()).startsWith("public.orders is written by logical"
        + " replication (subscription orders_sub): its writes are synced like any other");

    TableChange told = AMOUNT.withSubscribersChangedFirst(true);
    assertThat(Planner.refusals(told, replicated, "me")).isEmpty();
    assertThat(Planner.plan(told, replicated).warnings()).contains(
        "published (publication orders_pub, all_pub (FOR ALL TABLES)): the request says every"
            + " subscriber has the new column(s) already (subscribersChangedFirst)")
        .anyMatch(w -> w.startsWith("written by subscription orders_sub: the request says the"
            + " publisher was changed first"));
  }

  @Test
  void whatMustChangeBeforeTheContractIsInThePlan() {
    SchemaPlan p = Planner.plan(AMOUNT, with(table(List.of(ID, AMOUNT_COLUMN), PK, null, null,
        List.of()), BY_PK, List.of(), List.of(), List.of("view order_totals uses amount"),
        List.of("trigger zz_round fires after the sync trigger")));
    assertThat(p.warnings()).contains(
        "must change before the contract: view order_totals uses amount",
        "trigger zz_round fires after the sync trigger");
    String index = "CREATE INDEX orders_amount ON public.orders USING btree (amount)";
    SchemaPlan once = Planner.plan(AMOUNT, with(table(List.of(ID, AMOUNT_COLUMN), PK, null,
        null, List.of()), BY_PK, List.of(), List.of(), List.of("index " + index + " uses amount"),
        List.of()));
    assertThat(once.warnings()).as("an index that must change is named once")
        .filteredOn(w -> w.contains(index)).containsExactly("must change before the contract:"
            + " index " + index + " uses amount");
  }

  private static List<FailureType> kinds(TableObservation o) {
    return Planner.refusals(AMOUNT, o, "me").stream().map(Refusal::kind).toList();
  }
}
