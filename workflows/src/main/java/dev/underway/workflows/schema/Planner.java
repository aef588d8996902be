package dev.underway.workflows.schema;

import dev.underway.workflows.schema.contract.ChangeObjects;
import dev.underway.workflows.schema.contract.LogicalReplication;
import dev.underway.workflows.schema.contract.NewColumn;
import dev.underway.workflows.schema.contract.OldColumn;
import dev.underway.workflows.schema.contract.SchemaFailures;
import dev.underway.workflows.schema.contract.TableChange;
import dev.underway.workflows.schema.contract.TableObservation;
import dev.underway.kernel.FailureKind;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;

/**
 * From a change and an observation of its table to what would be refused, and to the plan.
 * Pure: no I/O, no clock; the workflow calls it, tests call it directly.
 */
public final class Planner {
  private Planner() {}

  /** What a row type change does to an application's server-prepared {@code SELECT *}. */
  static final String SELECT_STAR = "the table's row type changes at expand and at the contract:"
      + " a server-prepared SELECT * of it that runs inside a transaction fails once with"
      + " \"cached plan must not change result type\" (pgjdbc prepares a statement on the server"
      + " from its 5th run; outside a transaction it retries): name the columns, or use pgjdbc's"
      + " autosave=conservative";

  /** Transactions open longer than this are named at the expand gate. */
  static final long LONG_TRANSACTION_SECONDS = 60;

  /**
   * A key walk that does not read the key's index is warned about from this many rows: below,
   * reading the whole table for every batch costs little.
   */
  static final long WALK_WARNING_ROWS = 10_000;

  /**
   * Every reason to refuse the change on the table as observed, the most fundamental first;
   * empty when it can be done.
   *
   * @param owner this run's workflow id: a marker it holds (a resumed run) is not a refusal
   */
  public static List<Refusal> refusals(TableChange change, TableObservation o, String owner) {
    List<Refusal> r = new ArrayList<>();
    String table = change.qualifiedTable();
    if (!o.tableExists()) {
      r.add(new Refusal(FailureKind.TARGET_NOT_FOUND, "table " + table + " does not exist"));
      return r;
    }
    if (o.heldBy() != null && !o.heldBy().equals(owner)) {
      r.add(new Refusal(SchemaFailures.CHANGE_IN_PROGRESS, "run " + o.heldBy() + " is changing "
          + table + " (its row in " + ChangeObjects.CHANGES_TABLE + "): one schema change per"
          + " table at a time"));
    }
    if (o.key() == null || o.keyProblem() != null) {
      r.add(new Refusal(SchemaFailures.NO_USABLE_KEY, table + " has no usable key"
          + (o.keyProblem() == null ? "" : " (" + o.keyProblem() + ")")
          + ": the backfill walks a primary key, or a unique index named in change.uniqueKey"
          + " whose columns are all NOT NULL"));
    }
    List<String> mine = o.heldBy() != null && o.heldBy().equals(owner)
        && o.addedByHolder() != null ? o.addedByHolder() : List.of();
    for (NewColumn n : change.addOrEmpty()) {
      if (o.column(n.name()) != null && !mine.contains(n.name())) {
        r.add(new Refusal(SchemaFailures.COLUMN_EXISTS, "column " + n.name() + " already exists on "
            + table + ": choose another name for the new column"));
      }
    }
    for (OldColumn old : change.replaceOrEmpty()) {
      if (o.column(old.name()) == null) {
        r.add(new Refusal(FailureKind.TARGET_NOT_FOUND, "column " + old.name()
            + " does not exist on " + table));
      } else if (o.key() != null
          && o.key().columns().stream().anyMatch(k -> k.name().equals(old.name()))) {
        r.add(new Refusal(SchemaFailures.UNSAFE_CHANGE, "column " + old.name() + " is in the key "
            + o.key().name() + " the backfill walks, and the contract would drop it: give the"
            + " table another key first (change.uniqueKey)"));
      }
    }
    if (change.versionColumn() != null) {
      TableObservation.Column v = o.column(change.versionColumn());
      if (v != null && !isInteger(v.type()) && !mine.contains(v.name())) {
        r.add(new Refusal(SchemaFailures.COLUMN_EXISTS, "column " + v.name() + " exists on " + table
            + " as " + v.type() + ": a version tag must be an integer column"));
      }
    }
    for (String problem : nullSafe(o.expressionProblems())) {
      r.add(new Refusal(SchemaFailures.EXPRESSION_INVALID, problem));
    }
    for (String problem : nullSafe(o.unsafe())) {
      r.add(new Refusal(SchemaFailures.UNSAFE_CHANGE, problem));
    }
    if (!change.otherEndsChangedFirst()) {
      for (String problem : LogicalReplication.problems(change, o)) {
        r.add(new Refusal(SchemaFailures.UNSAFE_CHANGE, problem));
      }
    }
    return r;
  }

  /** The plan for a change that {@link #refusals} accepts. */
  public static SchemaPlan plan(TableChange change, TableObservation o) {
    String table = change.qualifiedTable();
    ChangeObjects objects = ChangeObjects.of(change);
    List<String> add = new ArrayList<>();
    for (NewColumn n : change.addOrEmpty()) {
      if (o.column(n.name()) == null) {
        add.add(n.name() + " " + n.type());
      }
    }
    if (change.versionColumn() != null && o.column(change.versionColumn()) == null) {
      add.add(change.versionColumn() + " integer");
    }
    List<String> drop = new ArrayList<>();
    for (OldColumn old : change.replaceOrEmpty()) {
      drop.add(table + "." + old.name());
    }
    String confirm = drop.isEmpty() ? objects.trigger() : drop.get(0);
    drop.add("trigger " + objects.trigger());
    drop.add("function " + change.schemaOrDefault() + "." + objects.function() + "()");
    drop.addAll(objects.helpers().described());
    List<String> standbys = new ArrayList<>();
    for (TableObservation.Standby s : nullSafe(o.standbys())) {
      standbys.add(s.name() + " (" + s.state() + "): replay lag "
          + (s.replayLagMillis() == null ? "none reported" : s.replayLagMillis() + " ms"));
    }
    List<String> warnings = new ArrayList<>();
    if (standbys.isEmpty()) {
      warnings.add("no streaming standby: the backfill's replica-lag throttle has nothing to"
          + " watch");
    }
    long longOnes = nullSafe(o.longTransactions()).stream()
        .filter(t -> t.ageSeconds() >= LONG_TRANSACTION_SECONDS).count();
    if (longOnes > 0) {
      warnings.add(longOnes + " transaction(s) open for more than " + LONG_TRANSACTION_SECONDS
          + " s: expand's ALTER TABLE waits behind them (500 ms lock timeout, retried with"
          + " backoff) and fails without a change if they stay");
    }
    if (o.rowsExact() == null && o.rowsEstimate() < 0) {
      warnings.add("the table was never analysed: the row count is unknown until the backfill"
          + " walks it");
    }
    for (OldColumn old : change.replaceOrEmpty()) {
      Pattern word = Pattern.compile("\\b" + Pattern.quote(old.name()) + "\\b");
      for (String index : nullSafe(o.indexes())) {
        boolean blocking = o.dependentsOrEmpty().stream().anyMatch(d -> d.contains(index));
        if (word.matcher(index).find() && !blocking) {
          warnings.add("the contract drops " + old.name() + " and with it the index: " + index
              + " (create its counterpart on the new column before the contract)");
        }
      }
    }
    warnings.add(SELECT_STAR);
    if (!change.reversible()) {
      warnings.add("no down expression for every replaced column: new-shape writes leave the"
          + " old column as it was, so reads cannot be reverted once old writes stop");
    }
    for (String dependent : o.dependentsOrEmpty()) {
      warnings.add("must change before the contract: " + dependent);
    }
    warnings.addAll(o.triggersAfterSyncOrEmpty());
    TableObservation.KeyWalk walk = o.keyWalk();
    if (walk != null && !walk.usesIndex(o.key().name()) && o.rows() >= WALK_WARNING_ROWS) {
      warnings.add("the backfill's key walk is planned as " + walk.describe() + ", not an index"
          + " scan of " + o.key().name() + ": every batch reads the whole table (" + o.rows()
          + " rows), the backfill as a whole reads it once per batch");
    }
    if (change.otherEndsChangedFirst() && !o.publicationsOrEmpty().isEmpty()) {
      warnings.add("published (publication " + String.join(", ", o.publicationsOrEmpty())
          + "): the request says every subscriber has the new column(s) already"
          + " (subscribersChangedFirst)");
    }
    if (change.otherEndsChangedFirst() && !o.subscriptionsOrEmpty().isEmpty()) {
      warnings.add("written by subscription " + String.join(", ", o.subscriptionsOrEmpty())
          + ": the request says the publisher was changed first (subscribersChangedFirst); rows"
          + " its apply writes do not fire the sync trigger " + objects.trigger() + " (ENABLE"
          + " ALWAYS TRIGGER makes it fire), so verify holds on rows it writes after the"
          + " backfill");
    }
    return new SchemaPlan(table, change.kind(), o.key().name(),
        o.key().columns().stream().map(TableObservation.Column::name).toList(), o.rows(),
        o.rowsExact() != null, o.bytes(), add, objects, drop, confirm, change.reversible(),
        standbys, warnings, o.heapBytes(), o.indexBytes(),
        walk == null ? null : walk.describe(),
        BackfillCosts.of(o.rows(), o.rowsExact() != null, o.heapBytes(), o.indexBytes()),
        o.carriedOrEmpty());
  }

  private static boolean isInteger(String type) {
    return List.of("integer", "bigint", "smallint").contains(type);
  }

  private static <T> List<T> nullSafe(List<T> list) {
    return list == null ? List.of() : list;
  }
}
