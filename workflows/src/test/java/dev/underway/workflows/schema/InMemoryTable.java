package dev.underway.workflows.schema;

import dev.underway.workflows.schema.contract.BackfillControl;
import dev.underway.workflows.schema.contract.BackfillProgress;
import dev.underway.workflows.schema.contract.BackfillResult;
import dev.underway.workflows.schema.contract.BackfillSettings;
import dev.underway.workflows.schema.contract.ChangeObjects;
import dev.underway.workflows.schema.contract.NewColumn;
import dev.underway.workflows.schema.contract.OldColumn;
import dev.underway.workflows.schema.contract.SchemaChangeActivities;
import dev.underway.workflows.schema.contract.SchemaFailures;
import dev.underway.workflows.schema.contract.TableChange;
import dev.underway.workflows.schema.contract.TableObservation;
import dev.underway.workflows.schema.contract.VerifyResult;
import dev.underway.workflows.schema.contract.VerifySettings;
import dev.underway.workflows.schema.contract.WriterEvidence;
import dev.underway.kernel.ChangeResult;
import dev.underway.targets.PostgresTarget;
import io.temporal.activity.Activity;
import io.temporal.failure.ApplicationFailure;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * A stand-in for {@link SchemaChangeActivities} in the workflow tests: a table of columns (name
 * to type) whose rows are counted, not stored, with the contract's behaviour (idempotent, the
 * marker row, flags, refusals before any change). No SQL: the real implementation is tested
 * against PostgreSQL in the activities module. Every call is recorded.
 */
public final class InMemoryTable implements SchemaChangeActivities {

  private final List<String> calls = Collections.synchronizedList(new ArrayList<>());
  /** The table's columns in order, name to type. */
  private final Map<String, String> columns = new LinkedHashMap<>();
  private final List<String> triggers = new ArrayList<>();
  private final Map<String, String> flags = new TreeMap<>();
  private boolean exists = true;
  private boolean hasKey = true;
  private long rows = 1_000;
  private String heldBy;
  private List<String> added = List.of();
  private List<String> expressionProblems = List.of();
  private List<String> unsafe = List.of();
  /** What the observation says the change carries (null: not observed, as older workers). */
  private List<String> carried;
  private long mismatches;
  private volatile BackfillControl control;
  private volatile BackfillProgress progress;
  /** The settings the last backfill was given. */
  private volatile BackfillSettings backfillSettings;
  private volatile VerifySettings verifySettings;
  private volatile CountDownLatch backfillGate;
  private volatile boolean backfillStarted;
  /** While set, Control and SetFlag calls wait (recorded first) until their release. */
  private volatile CountDownLatch controlGate;
  private volatile CountDownLatch flagGate;
  private boolean lockHeld;
  private boolean leaveAColumnBehind;
  /** Stray writes the sync trigger has counted; while above zero, writers are never quiet. */
  private volatile long strayWrites;

  public InMemoryTable() {
    columns.put("id", "bigint");
    columns.put("amount", "integer");
    columns.put("name", "text");
  }

  // ---- the test's knobs -------------------------------------------------------------------

  public InMemoryTable missing() {
    exists = false;
    return this;
  }

  public InMemoryTable withoutKey() {
    hasKey = false;
    return this;
  }

  public InMemoryTable withColumn(String name, String type) {
    columns.put(name, type);
    return this;
  }

  public InMemoryTable heldBy(String owner) {
    heldBy = owner;
    return this;
  }

  public InMemoryTable expressionProblem(String problem) {
    expressionProblems = List.of(problem);
    return this;
  }

  /** The observation says the change carries these constraints (the plan's sentences). */
  public InMemoryTable carrying(String... sentences) {
    carried = List.of(sentences);
    return this;
  }

  public InMemoryTable unsafe(String problem) {
    unsafe = List.of(problem);
    return this;
  }

  /** Rows that verify finds different, until {@link #fixMismatches}. */
  public synchronized InMemoryTable mismatches(long n) {
    mismatches = n;
    return this;
  }

  public synchronized void fixMismatches() {
    mismatches = 0;
  }

  /** The backfill blocks (heartbeating) until {@link #releaseBackfill}. */
  public InMemoryTable holdBackfill() {
    backfillGate = new CountDownLatch(1);
    return this;
  }

  public void releaseBackfill() {
    if (backfillGate != null) {
      backfillGate.countDown();
    }
  }

  public boolean backfillStarted() {
    return backfillStarted;
  }

  /** From now on Control waits (its call recorded) until {@link #releaseControl}. */
  public InMemoryTable holdControl() {
    controlGate = new CountDownLatch(1);
    return this;
  }

  public void releaseControl() {
    controlGate.countDown();
  }

  /** From now on SetFlag waits (its call recorded) until {@link #releaseFlags}. */
  public InMemoryTable holdFlags() {
    flagGate = new CountDownLatch(1);
    return this;
  }

  public void releaseFlags() {
    flagGate.countDown();
  }

  /** A slow statement: waits until the test releases it (at most a minute). */
  private static void slow(CountDownLatch gate) {
    try {
      if (gate != null && !gate.await(1, TimeUnit.MINUTES)) {
        throw new IllegalStateException("never released");
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  /** Expand's lock is never granted: it fails with LockNotGranted, changing nothing. */
  public InMemoryTable lockHeld() {
    lockHeld = true;
    return this;
  }

  /** The undo forgets a column: the catalogue after the rollback differs. */
  public InMemoryTable undoLeavesAColumn() {
    leaveAColumnBehind = true;
    return this;
  }

  /** Writers of a shape the flags no longer allow keep writing, until {@link #quiet}. */
  public InMemoryTable strayWriters(long count) {
    strayWrites = count;
    return this;
  }

  /** The stray writers stopped: the evidence is quiet from now on. */
  public void quiet() {
    strayWrites = 0;
  }

  // ---- what the tests read ----------------------------------------------------------------

  public List<String> calls() {
    synchronized (calls) {
      return List.copyOf(calls);
    }
  }

  /** The calls that change something (not observe, verify, progress). */
  public List<String> mutatingCalls() {
    return calls().stream().filter(c -> !c.startsWith("Observe") && !c.startsWith("Verify")
        && !c.startsWith("Progress") && !c.startsWith("Writers")).toList();
  }

  public synchronized String catalogue() {
    return "columns " + columns + "; triggers " + triggers;
  }

  public synchronized Map<String, String> flags() {
    return Map.copyOf(flags);
  }

  public synchronized String heldBy() {
    return heldBy;
  }

  /** The settings the last backfill was given (null before one started). */
  /** The settings the last verify was given. */
  public VerifySettings verifySettings() {
    return verifySettings;
  }

  public BackfillSettings backfillSettings() {
    return backfillSettings;
  }

  /** What the running backfill reports from now on (its progress row and heartbeat). */
  public void reportProgress(BackfillProgress p) {
    progress = p;
  }

  public BackfillControl control() {
    return control;
  }

  public synchronized boolean hasColumn(String name) {
    return columns.containsKey(name);
  }

  // ---- the contract -----------------------------------------------------------------------

  @Override
  public synchronized TableObservation observe(PostgresTarget target, TableChange change,
      String latencyProbe) {
    calls.add("Observe");
    if (!exists) {
      return new TableObservation("16.4", false, List.of(), null, null, 0, null, 0, List.of(),
          List.of(), List.of(), List.of(), null, null, Map.of(), null, List.of(), List.of(),
          null);
    }
    List<TableObservation.Column> cols = columns.entrySet().stream()
        .map(e -> new TableObservation.Column(e.getKey(), e.getValue(), !e.getKey().equals("id"),
            null)).toList();
    TableObservation.Key key = hasKey
        ? new TableObservation.Key("customers_pkey", List.of(cols.get(0))) : null;
    return new TableObservation("16.4", true, cols, key, hasKey ? null : "no primary key",
        rows, rows, rows * 100, List.of("CREATE UNIQUE INDEX customers_pkey ON"
            + " public.customers USING btree (id)"), List.copyOf(triggers),
        List.of(new TableObservation.Standby("standby1", "streaming", 12L)), List.of(), heldBy,
        added, Map.copyOf(flags), change.versionColumn() == null || heldBy == null ? null
            : Map.of(change.version(), rows), expressionProblems, unsafe, catalogue(), null,
        null, null, null, null, null, null, carried);
  }

  @Override
  public synchronized ChangeResult expand(PostgresTarget target, TableChange change, String owner) {
    calls.add("Expand");
    if (heldBy != null && !heldBy.equals(owner)) {
      throw ApplicationFailure.newNonRetryableFailure("held by " + heldBy,
          SchemaFailures.CHANGE_IN_PROGRESS.type());
    }
    if (lockHeld) {
      throw ApplicationFailure.newNonRetryableFailure("lock not granted after 5 tries",
          SchemaFailures.LOCK_NOT_GRANTED.type());
    }
    ChangeObjects o = ChangeObjects.of(change);
    if (owner.equals(heldBy) && triggers.contains(o.trigger())) {
      return ChangeResult.unchanged(change.qualifiedTable(), "expanded already");
    }
    List<String> mine = new ArrayList<>();
    for (NewColumn n : change.addOrEmpty()) {
      if (columns.containsKey(n.name())) {
        throw ApplicationFailure.newNonRetryableFailure("column " + n.name() + " exists",
            SchemaFailures.COLUMN_EXISTS.type());
      }
      mine.add(n.name());
    }
    heldBy = owner;
    added = List.copyOf(mine);
    for (NewColumn n : change.addOrEmpty()) {
      columns.put(n.name(), n.type());
    }
    triggers.add(o.trigger());
    flags.putIfAbsent(o.readsFlag(), ChangeObjects.READS_OLD);
    flags.putIfAbsent(o.writesFlag(), ChangeObjects.WRITES_BOTH);
    return new ChangeResult(change.qualifiedTable(), ChangeResult.Outcome.CREATED,
        "added " + mine + ", trigger " + o.trigger());
  }

  @Override
  public synchronized ChangeResult undoExpand(PostgresTarget target, TableChange change,
      String owner) {
    calls.add("UndoExpand");
    if (heldBy == null) {
      return ChangeResult.unchanged(change.qualifiedTable(), "nothing to undo");
    }
    if (!heldBy.equals(owner)) {
      throw ApplicationFailure.newNonRetryableFailure("held by " + heldBy,
          SchemaFailures.CHANGE_IN_PROGRESS.type());
    }
    ChangeObjects o = ChangeObjects.of(change);
    List<String> drop = leaveAColumnBehind ? added.subList(1, added.size()) : added;
    drop.forEach(columns::remove);
    triggers.remove(o.trigger());
    flags.remove(o.readsFlag());
    flags.remove(o.writesFlag());
    heldBy = null;
    added = List.of();
    return new ChangeResult(change.qualifiedTable(), ChangeResult.Outcome.UPDATED, "undone");
  }

  @Override
  public BackfillResult backfill(PostgresTarget target, TableChange change,
      BackfillSettings settings) {
    calls.add("Backfill(" + settings.keyColumns() + ", batch " + settings.batchSize() + ", lag "
        + settings.maxReplicaLagMillis() + " ms, target " + settings.targetBatchMillis()
        + " ms)");
    backfillSettings = settings;
    backfillStarted = true;
    CountDownLatch gate = backfillGate;
    if (gate != null) {
      progress = new BackfillProgress(List.of("500"), rows / 2, rows, 1, settings.batchSize(),
          250, 2L, null, 1, 0, "2026-11-30T00:00:00Z");
      try {
        while (!gate.await(100, TimeUnit.MILLISECONDS)) {
          try {
            Activity.getExecutionContext().heartbeat(progress);
          } catch (io.temporal.client.ActivityCompletionException stopped) {
            calls.add("Backfill stopped");
            throw stopped;
          }
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IllegalStateException(e);
      }
    }
    return new BackfillResult(rows, rows, rows / settings.batchSize(), 4_000, rows / 4.0, 0, 1);
  }

  @Override
  public ChangeResult control(PostgresTarget target, TableChange change, String owner,
      BackfillControl c) {
    calls.add("Control(" + c.throttled() + ", " + c.batchSize() + ")");
    if (controlGate != null) {
      slow(controlGate);
      calls.add("Control released");
    }
    BackfillControl before = control;
    control = c;
    return c.equals(before) ? ChangeResult.unchanged(change.qualifiedTable(), "as asked")
        : new ChangeResult(change.qualifiedTable(), ChangeResult.Outcome.UPDATED, c.toString());
  }

  @Override
  public BackfillProgress progress(PostgresTarget target, TableChange change) {
    calls.add("Progress");
    return progress;
  }

  @Override
  public synchronized VerifyResult verify(PostgresTarget target, TableChange change,
      VerifySettings settings) {
    calls.add("Verify");
    verifySettings = settings;
    return new VerifyResult(rows, mismatches, mismatches == 0 ? List.of() : List.of("(7)"));
  }

  @Override
  public ChangeResult setFlag(PostgresTarget target, TableChange change, String owner,
      String key, String value) {
    calls.add("SetFlag(" + key.substring(key.lastIndexOf('/') + 1) + "=" + value + ")");
    slow(flagGate);
    return flag(owner, key, value);
  }

  private synchronized ChangeResult flag(String owner, String key, String value) {
    if (heldBy == null || !heldBy.equals(owner)) {
      throw ApplicationFailure.newNonRetryableFailure("not held by " + owner,
          SchemaFailures.CHANGE_IN_PROGRESS.type());
    }
    String before = flags.put(key, value);
    return value.equals(before) ? ChangeResult.unchanged(key, "= " + value)
        : new ChangeResult(key, ChangeResult.Outcome.UPDATED, before + " -> " + value);
  }

  @Override
  public ChangeResult constraints(PostgresTarget target, TableChange change, String owner) {
    calls.add("Constraints");
    return ChangeResult.unchanged(change.qualifiedTable(), "nothing to carry");
  }

  @Override
  public synchronized WriterEvidence writers(PostgresTarget target, TableChange change,
      long windowMillis) {
    calls.add("Writers");
    String writes = flags.get(ChangeObjects.of(change).writesFlag());
    long stray = strayWrites;
    return new WriterEvidence(writes, stray, stray == 0 ? null : "2026-11-30T00:00:00Z", 0,
        List.of(), true, stray == 0 ? Long.MAX_VALUE / 2 : 0);
  }

  @Override
  public synchronized ChangeResult contract(PostgresTarget target, TableChange change,
      String owner) {
    calls.add("Contract");
    ChangeObjects o = ChangeObjects.of(change);
    if (heldBy == null && !triggers.contains(o.trigger())) {
      return ChangeResult.unchanged(change.qualifiedTable(), "contracted already");
    }
    for (OldColumn old : change.replaceOrEmpty()) {
      columns.remove(old.name());
    }
    triggers.remove(o.trigger());
    flags.put(o.readsFlag(), ChangeObjects.READS_NEW);
    flags.put(o.writesFlag(), ChangeObjects.WRITES_NEW);
    heldBy = null;
    added = List.of();
    return new ChangeResult(change.qualifiedTable(), ChangeResult.Outcome.UPDATED,
        "dropped " + change.replaceOrEmpty());
  }
}
