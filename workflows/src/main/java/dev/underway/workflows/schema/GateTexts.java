package dev.underway.workflows.schema;

import dev.underway.workflows.schema.contract.BackfillResult;
import dev.underway.workflows.schema.contract.ChangeObjects;
import dev.underway.workflows.schema.contract.TableChange;
import dev.underway.workflows.schema.contract.TableObservation;
import dev.underway.workflows.schema.contract.VerifyResult;
import dev.underway.workflows.schema.contract.WriterEvidence;
import dev.underway.kernel.PlanCard;
import dev.underway.kernel.StepProgress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * What each gate of a schema change shows: a text (the status and the CLI) and a card (the
 * run's page) with the gate's numbers. Pure.
 */
final class GateTexts {
  private GateTexts() {}

  /** A gate's text and card. */
  record Shown(String text, PlanCard card) {}

  static Shown expand(String key, SchemaPlan p, TableChange change) {
    return expand(key, p, change, null);
  }

  /**
   * @param duration the backfill's expected duration (at full rate and at the latency guard's
   *     floor), or null to show none (a dry run's SQL)
   */
  static Shown expand(String key, SchemaPlan p, TableChange change, BackfillDuration duration) {
    List<PlanCard.Row> rows = new ArrayList<>(common(p));
    if (duration != null) {
      rows.add(new PlanCard.Row("backfill time", "", duration.figure()));
    }
    rows.add(new PlanCard.Row("size", "", BackfillCosts.pretty(p.bytes())));
    if (p.heapBytes() != null) {
      rows.add(new PlanCard.Row("heap", "", BackfillCosts.pretty(p.heapBytes())));
    }
    if (p.indexBytes() != null) {
      rows.add(new PlanCard.Row("indexes", "", BackfillCosts.pretty(p.indexBytes())));
    }
    if (p.keyWalk() != null) {
      rows.add(new PlanCard.Row("key walk", "", p.keyWalk()));
    }
    rows.add(new PlanCard.Row("standbys", "", p.standbys().isEmpty() ? "none"
        : String.join("; ", p.standbys())));
    List<String> changes = new ArrayList<>();
    changes.add(p.bookkeeping());
    for (String column : p.add()) {
      changes.add("ADD COLUMN " + column + " (no default: no table rewrite), lock_timeout 500ms,"
          + " retried with backoff");
    }
    changes.add("sync trigger " + p.objects().trigger() + " (function " + p.objects().function()
        + "): old-shape writes fill the new column(s) from up"
        + (p.drop().size() > 2 ? ", new-shape writes fill the old from down" : ""));
    changes.add("flags " + p.objects().readsFlag() + "=" + ChangeObjects.READS_OLD + ", "
        + p.objects().writesFlag() + "=" + ChangeObjects.WRITES_BOTH + " in "
        + ChangeObjects.FLAGS_TABLE);
    p.carried().forEach(c -> changes.add(c));
    changes.add("backfill " + p.rows() + (p.rowsExact() ? "" : " (estimated)") + " row(s) in"
        + " keyset batches over " + p.keyColumns() + ", then verify every row");
    List<String> warnings = new ArrayList<>(p.costs());
    if (duration != null) {
      warnings.add(duration.sentence());
    }
    warnings.addAll(p.warnings());
    List<String> sql = new ArrayList<>();
    sql.add("-- expand adds (no default: no rewrite)");
    p.add().forEach(a -> sql.add("ALTER TABLE " + p.table() + " ADD COLUMN " + a + ";"));
    sql.addAll(expressions(change, true));
    return shown("Gate expand for " + key, p, rows, changes, warnings,
        "Expand " + p.table() + " (" + p.kind() + ")", sql);
  }


  static Shown switchReads(String key, SchemaPlan p, BackfillResult b, VerifyResult v,
      TableObservation now, String versionColumn) {
    List<PlanCard.Row> rows = new ArrayList<>(common(p));
    rows.add(new PlanCard.Row("backfilled", "", b == null ? "?" : b.rowsUpdated() + " row(s) in "
        + b.batches() + " batch(es), " + Math.round(b.rowsPerSecond()) + " rows/s, "
        + b.attempts() + " attempt(s), throttled " + b.throttledMillis() + " ms"
        + (b.triggersSkipped() == null ? "" : "; " + b.triggersSentence())));
    rows.add(new PlanCard.Row("verified", "", v == null ? "?" : v.rowsChecked()
        + " row(s) checked, " + v.mismatches() + " mismatch(es)"));
    rows.add(new PlanCard.Row("replica lag now", "", lag(now)));
    if (now != null && now.versions() != null && !now.versions().isEmpty()) {
      rows.add(new PlanCard.Row("rows per version", "", new java.util.TreeMap<>(now.versions())
          .toString()));
    } else if (now != null && versionNotCounted(now, versionColumn)) {
      rows.add(new PlanCard.Row("rows per version", "", "not counted: the table is too big to"
          + " count at every observation (verify checked every row)"));
    }
    rows.add(new PlanCard.Row(p.objects().readsFlag(), ChangeObjects.READS_OLD,
        ChangeObjects.READS_NEW));
    return shown("Gate switch-reads for " + key, p, rows,
        List.of("set " + p.objects().readsFlag() + " = " + ChangeObjects.READS_NEW
            + ": applications read the new shape (revert flips it back at once)"),
        p.warnings(), "Switch reads of " + p.table() + " to the new shape");
  }

  /**
   * @param seen the writers seen while writes are both (old-only writers must be gone before
   *     this gate is approved), or null when not read
   * @param forwardOnlyHere whether a change without a down becomes forward-only at this gate
   *     (runs that follow the evidence rules)
   */
  static Shown stopOldWrites(String key, SchemaPlan p, TableChange change, Duration soaked,
      WriterEvidence seen, boolean forwardOnlyHere) {
    List<PlanCard.Row> rows = new ArrayList<>(common(p));
    // reads switched at the gate before: a fact here, not a change
    rows.add(new PlanCard.Row(p.objects().readsFlag(), "", ChangeObjects.READS_NEW
        + (soaked == null ? "" : " (soaked " + soaked + ")")));
    rows.add(new PlanCard.Row(p.objects().writesFlag(), ChangeObjects.WRITES_BOTH,
        ChangeObjects.WRITES_NEW));
    if (seen != null) {
      rows.add(new PlanCard.Row("old-only writes since writes = both", "",
          seen.strayWrites() + (seen.lastStrayAt() == null ? "" : ", the last at "
              + seen.lastStrayAt())));
    }
    List<String> warnings = new ArrayList<>();
    if (!p.reversible() && forwardOnlyHere) {
      warnings.add("FORWARD-ONLY FROM HERE: this change has no down, so once writes = new the old"
          + " column no longer follows the writes. A reject, an abort or an expiry after this"
          + " gate cannot roll back without losing them: the run will hold at the contract gate"
          + " instead.");
    }
    warnings.addAll(p.warnings());
    if (!p.reversible()) {
      warnings.add("after this, revert is refused: no down keeps the old column right");
    }
    if (seen != null && seen.strayWrites() > 0) {
      warnings.add(seen.strayWrites() + " write(s) of the old shape only since writes = both"
          + (seen.lastStrayAt() == null ? "" : ", the last at " + seen.lastStrayAt())
          + ": an application still writes only the old shape; once writes = new its writes"
          + " are counted and the contract waits until they stop");
    }
    return shown("Gate stop-old-writes for " + key, p, rows,
        List.of("set " + p.objects().writesFlag() + " = " + ChangeObjects.WRITES_NEW
            + ": applications stop writing the old shape (the trigger keeps it right until the"
            + " contract" + (p.reversible() ? "" : ", where a down exists") + ")"),
        warnings, "Stop writing the old shape of " + p.table(), expressions(change, false));
  }

  /**
   * @param seen the writers seen since writes = new, or null when not read
   * @param noReturn why the run is past its point of no return, or null
   */
  static Shown contract(String key, SchemaPlan p, WriterEvidence seen, String noReturn) {
    List<PlanCard.Row> rows = new ArrayList<>(common(p));
    for (String dropped : p.drop()) {
      rows.add(new PlanCard.Row("drop", dropped, "gone"));
    }
    if (seen != null) {
      rows.add(new PlanCard.Row("old-shape writes since writes = new", "",
          seen.strayWrites() + (seen.lastStrayAt() == null ? "" : ", the last at "
              + seen.lastStrayAt())));
      rows.add(new PlanCard.Row("sessions naming a dropped column", "", seen.sessions()
          + (seen.sessionNames().isEmpty() ? "" : " (" + String.join(", ", seen.sessionNames())
              + ")") + (seen.sessionsVisible() ? "" : " [other roles' queries not visible]")));
    }
    List<String> warnings = new ArrayList<>();
    if (noReturn != null) {
      warnings.add("PAST THE POINT OF NO RETURN: " + noReturn + ". A reject or an abort is"
          + " refused and an expiry opens this gate again: nothing rolls back on its own.");
    }
    warnings.addAll(p.warnings());
    warnings.add("DESTRUCTIVE and not reversible: approving needs \"confirm\": \"" + p.confirm()
        + "\" typed exactly; no rollback after the drop");
    if (seen != null && (seen.strayWrites() > 0 || seen.sessions() > 0)) {
      warnings.add("old-shape writers were seen since writes = new (" + seen.summary() + "):"
          + " after approval the contract holds until none has been seen for the quiet period;"
          + " dropping now would fail their writes");
    }
    List<String> changes = new ArrayList<>();
    if (seen != null) {
      changes.add("wait until no old-shape writer has been seen for the quiet period, then"
          + " verify every row once more");
    }
    p.drop().forEach(d -> changes.add("DROP " + d));
    return shown("Gate contract for " + key + " (destructive)", p, rows, changes, warnings,
        "Contract " + p.table() + ": drop " + String.join(", ", p.drop()));
  }

  /** What every gate shows and no gate changes: facts, not rows of the before/after table. */
  private static List<PlanCard.Row> common(SchemaPlan p) {
    return List.of(new PlanCard.Row("table", "", p.table()),
        new PlanCard.Row("key", "", p.key() + " (" + String.join(", ", p.keyColumns()) + ")"),
        new PlanCard.Row("rows", "", StepProgress.count(p.rows())
            + (p.rowsExact() ? "" : " (estimated)")));
  }

  /**
   * The change's expressions as the sync trigger applies them: each new column's {@code up}
   * (from old-shape writes, and the backfill) and, when {@code withUp} is false or there are
   * any, each replaced column's {@code down} (from new-shape writes).
   */
  static List<String> expressions(TableChange change, boolean withUp) {
    List<String> sql = new ArrayList<>();
    if (change == null) {
      return sql;
    }
    if (withUp && !change.addOrEmpty().isEmpty()) {
      sql.add("-- up: old-shape writes and the backfill set");
      change.addOrEmpty().forEach(n -> sql.add(n.name() + " = " + n.up()));
    }
    if (!change.replaceOrEmpty().isEmpty()) {
      sql.add("-- down: new-shape writes set");
      change.replaceOrEmpty().forEach(o -> sql.add(o.down() == null
          ? "-- " + o.name() + ": no down (not kept once writes = new)"
          : o.name() + " = " + o.down()));
    }
    return sql;
  }

  /** The version column exists but its rows were not counted (counting was not cheap). */
  private static boolean versionNotCounted(TableObservation now, String versionColumn) {
    return versionColumn != null && now.versions() == null && now.tableExists()
        && now.column(versionColumn) != null;
  }

  private static String lag(TableObservation now) {
    if (now == null || now.standbys() == null || now.standbys().isEmpty()) {
      return "no standby";
    }
    return String.join("; ", now.standbys().stream().map(s -> s.name() + " "
        + (s.replayLagMillis() == null ? "none" : s.replayLagMillis() + " ms")).toList());
  }

  private static Shown shown(String title, SchemaPlan p, List<PlanCard.Row> rows,
      List<String> changes, List<String> warnings, String headline) {
    return shown(title, p, rows, changes, warnings, headline, List.of());
  }

  private static Shown shown(String title, SchemaPlan p, List<PlanCard.Row> rows,
      List<String> changes, List<String> warnings, String headline, List<String> sql) {
    StringBuilder t = new StringBuilder(headline).append('\n');
    for (PlanCard.Row r : rows) {
      t.append("  ").append(r.what()).append(": ")
          .append(r.before().isEmpty() ? "" : r.before() + " -> ").append(r.after()).append('\n');
    }
    t.append("Changes:\n");
    changes.forEach(c -> t.append("  - ").append(c).append('\n'));
    if (!sql.isEmpty()) {
      t.append("SQL:\n");
      sql.forEach(q -> t.append("  ").append(q).append('\n'));
    }
    if (!warnings.isEmpty()) {
      t.append("Warnings:\n");
      warnings.forEach(w -> t.append("  ! ").append(w).append('\n'));
    }
    return new Shown(t.toString(), new PlanCard(title, rows, changes, warnings, sql));
  }
}
