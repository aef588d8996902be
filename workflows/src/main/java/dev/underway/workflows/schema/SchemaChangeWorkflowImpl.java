package dev.underway.workflows.schema;

import dev.underway.kernel.Failures;
import dev.underway.workflows.schema.contract.BackfillControl;
import dev.underway.workflows.schema.contract.BackfillProgress;
import dev.underway.workflows.schema.contract.BackfillResult;
import dev.underway.workflows.schema.contract.BackfillSettings;
import dev.underway.workflows.schema.contract.ChangeObjects;
import dev.underway.workflows.schema.contract.SchemaChangeActivities;
import dev.underway.workflows.schema.contract.TableChange;
import dev.underway.workflows.schema.contract.TableObservation;
import dev.underway.workflows.schema.contract.VerifyResult;
import dev.underway.workflows.schema.contract.VerifySettings;
import dev.underway.kernel.Decision;
import dev.underway.kernel.DecisionRefused;
import dev.underway.kernel.FailureKind;
import dev.underway.kernel.GatedRunbook;
import dev.underway.kernel.Run;
import dev.underway.kernel.RunState;
import dev.underway.kernel.RunStatus;
import dev.underway.kernel.Sequence;
import dev.underway.kernel.Timeline;
import dev.underway.kernel.ChangeResult;
import dev.underway.targets.PostgresTarget;
import io.temporal.failure.ActivityFailure;
import io.temporal.failure.ApplicationFailure;
import io.temporal.failure.CanceledFailure;
import io.temporal.workflow.Async;
import io.temporal.workflow.Promise;
import io.temporal.workflow.TimerOptions;
import io.temporal.workflow.Workflow;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * A schema change as its business sequence, on the runbook kernel ({@link Run}): validate;
 * observe and plan (refuse what cannot be done safely); gate {@code expand}; expand (its undo
 * registered first); backfill (one heartbeating activity; the operator's throttle, unthrottle
 * and set-batch reach it through its control row); verify (holding while rows differ); gate
 * {@code switch-reads}; switch reads (+ soak); gate {@code stop-old-writes}; stop old writes;
 * gate {@code contract} (destructive: the approval types what it drops); contract. A rejection,
 * an abort, an expiry or a failure before the contract rolls back through the kernel's
 * compensation; {@code revert} (the killswitch) sends reads back to the old shape and the run
 * back to the {@code switch-reads} gate.
 */
public class SchemaChangeWorkflowImpl extends GatedRunbook implements SchemaChangeWorkflow {

  /** Stage names: the UI's UnderwayPhase, the gates' names where there is one. */
  static final String PLAN = "plan";
  static final String EXPAND = "expand";
  static final String BACKFILL = "backfill";
  static final String VERIFY = "verify";
  static final String SWITCH_READS = "switch-reads";
  static final String STOP_OLD_WRITES = "stop-old-writes";
  static final String CONTRACT = "contract";

  /** Step names besides the stages'. */
  static final String OBSERVE = "observe";
  static final String SOAK = "soak";
  static final String REVERT = "revert";
  static final String THROTTLE = "throttle";
  static final String NO_RETURN = "no-return";

  /** The change id of the wait for a cancelled backfill to stop before the rollback. */
  static final String ABORT_WAITS = "backfill-abort-waits";

  /**
   * The change id of draining the application's writers before a column goes: the rollback sets
   * {@code writes=old} and waits {@link #FLAGS_SETTLE} before it drops the new columns; the
   * contract waits until {@code writes=new} is that old before it drops the old ones.
   */
  static final String DRAIN = "drain-before-drop";

  /**
   * The change id of evidence before a drop: a change without a down is past its point of no
   * return once old writes stop (a reject, an abort or an expiry then holds at the contract gate
   * instead of rolling back); the contract waits until no old-shape writer has been seen for the
   * quiet period and verifies every row once more just before it drops; a rollback waits the
   * same way for new-shape writers before it drops the new columns ({@link QuietWriters}).
   */
  static final String EVIDENCE = "evidence-before-drop";

  /**
   * The change id of carrying the replaced column's NOT NULL and UNIQUE to the new column after
   * the backfill (step {@value #CONSTRAINTS}); runs whose plan carries nothing never ask.
   */
  static final String CARRY = "carry-constraints";
  static final String CONSTRAINTS = "constraints";

  /**
   * The change id of the request's stricter checks of its SQL (a type is a type name and nothing
   * else, the latency probe one SELECT, no system schema, no template database): runs recorded
   * before them replay with the checks they ran with.
   */
  static final String STRICT_REQUEST = "strict-request";

  /**
   * How long an application may go on using a flag's previous value: the read contract asks it
   * to read the flags at least every 5 s; twice that, before anything it may still write goes.
   */
  static final Duration FLAGS_SETTLE = Duration.ofSeconds(10);

  /**
   * How often the status shows the running backfill's progress (a read of its control row):
   * every minute for the first hour, then every ten minutes, so that even a backfill of days
   * keeps its history far below Temporal's limit (each read is about a dozen events).
   */
  static final Duration PROGRESS_EVERY = Duration.ofMinutes(1);
  static final Duration PROGRESS_LATER = Duration.ofMinutes(10);
  static final int FREQUENT_POLLS = 60;

  static final String UNDO_EXPAND = "remove the new column(s), the sync trigger and the flags"
      + " (the table's catalogue compared with before)";
  static final String UNDO_READS = "reads back to the old shape";
  static final String UNDO_WRITES = "old writes back on";

  private final Run run;
  private SchemaChangeRequest request;
  private PostgresTarget target;
  private TableChange change;
  private String key;
  private String owner;
  private SchemaPlan plan;
  private String digest;
  private String catalogueBefore;
  private BackfillProgress progress;
  private BackfillResult backfilled;
  private VerifyResult verified;
  /** The flags as this run last set them; null before expand. */
  private String reads;
  private String writes;
  /** A flag step is running: a revert waits until it has finished. */
  private boolean settingFlag;
  /** The backfill is running: throttle, unthrottle, set-batch apply to it. */
  private boolean backfilling;
  private BackfillControl control = new BackfillControl(false, null, null);
  /** A revert was done; the run goes back to the switch-reads gate. */
  private boolean reverted;
  /** The contract gate was approved: nothing can be reverted any more. */
  private boolean contracting;
  /** The undos are gone: the contract runs, or the change is past its point of no return. */
  private boolean undosDropped;
  /** Whether this run follows {@value #EVIDENCE}. */
  private boolean evidence;
  private QuietWriters writers;
  /** Workflow time when {@code writes=new} was last set; 0 before. */
  private long writesNewAt;

  public SchemaChangeWorkflowImpl() {
    this(null);
  }

  /** @param temporalAddress printed in the gates' commands when it is not the default */
  public SchemaChangeWorkflowImpl(String temporalAddress) {
    super(new Run(RUNBOOK, temporalAddress));
    this.run = run();
  }

  @Override
  public SchemaChangeResult change(SchemaChangeRequest input) {
    request = input;
    owner = Workflow.getInfo().getWorkflowId();
    boolean strict = Workflow.getVersion(STRICT_REQUEST, Workflow.DEFAULT_VERSION, 1) >= 1;
    List<String> problems = RequestValidation.problems(input, strict);
    boolean valid = problems.isEmpty();
    target = input == null ? null : input.target();
    change = input == null ? null : input.change();
    key = valid ? input.targetKey() : null;
    run.configure(key, input == null ? null : input.approvalOrDefault(),
        input == null ? null : input.requestedBy(), input != null && input.isDryRun(),
        Sequence.VIEW);
    run.timeline().step(Timeline.RUN, Run.VALIDATE);
    if (valid && !input.isDryRun() && !SchemaChangeWorkflow.workflowId(input).equals(owner)) {
      problems.add("the workflow id is '" + owner + "' but a change of " + key + " must use '"
          + SchemaChangeWorkflow.workflowId(input) + "', so that only one run per table can"
          + " exist");
    }
    if (!problems.isEmpty()) {
      throw run.refuse(String.join("; ", problems), FailureKind.INVALID_REQUEST);
    }
    run.timeline().done("request is valid");
    run.started(key);
    try {
      return body();
    } catch (ApplicationFailure | ActivityFailure | CanceledFailure e) {
      if (run.cancelledByTemporal(e)) {
        throw run.cancelled(run.pointOfNoReturn() != null ? "Past its point of no return ("
            + run.pointOfNoReturn() + "), nothing was rolled back: the table keeps both shapes,"
            + " the sync trigger and writes = new; finish it with a new run of the same change."
            : undosDropped ? "The contract had begun: it is idempotent, run it again."
            : "Before the contract, the change was rolled back.");
      }
      throw run.failed(e);
    }
  }

  private SchemaChangeResult body() {
    run.enterStage(PLAN);
    TableObservation observed = observe(PLAN);
    if (observed == null) {
      return aborted();
    }
    catalogueBefore = observed.catalogue();
    run.timeline().step(PLAN, PLAN);
    List<Refusal> refusals = Planner.refusals(change, observed, owner);
    if (!refusals.isEmpty()) {
      throw run.refuse(String.join("; ", refusals.stream().map(Refusal::why).toList()),
          refusals.get(0).kind());
    }
    plan = Planner.plan(change, observed);
    writers = new QuietWriters(run, target, change, request.quietPeriodOrDefault());
    digest = PlanDigest.of(key, plan);
    run.timeline().done("add " + plan.add() + ", contract drops " + plan.drop() + "; "
        + plan.rows() + " row(s) to backfill");
    if (request.isDryRun()) {
      return end(RunState.DRY_RUN_COMPLETED, null,
          "Dry run: the plan for " + key + " is computed; nothing was changed.");
    }

    evidence = Workflow.getVersion(EVIDENCE, Workflow.DEFAULT_VERSION, 1) >= 1;
    run.enterStage(EXPAND);
    GateTexts.Shown expandGate = GateTexts.expand(key, plan);
    SchemaChangeResult ended = decided(EXPAND, expandGate, null);
    if (ended != null) {
      return ended;
    }
    run.addCompensation(UNDO_EXPAND, this::undoExpand);
    reads = ChangeObjects.READS_OLD;
    writes = ChangeObjects.WRITES_BOTH;
    if (!run.change(EXPAND, EXPAND, () -> activities(SchemaStubs.CHANGE, "expand")
        .expand(target, change, owner))) {
      return aborted();
    }

    run.enterStage(BACKFILL);
    if (!backfill()) {
      return aborted();
    }

    run.enterStage(VERIFY);
    if (!verify() || !carry()) {
      return aborted();
    }

    while (true) {
      reverted = false;
      run.enterStage(SWITCH_READS);
      TableObservation now = observe(SWITCH_READS);
      if (now == null) {
        return aborted();
      }
      ended = decided(SWITCH_READS,
          GateTexts.switchReads(key, plan, backfilled, verified, now, change.versionColumn()),
          null);
      if (ended != null) {
        return ended;
      }
      if (!flagWithUndo(SWITCH_READS, UNDO_READS, plan.objects().readsFlag(),
          ChangeObjects.READS_NEW, ChangeObjects.READS_OLD)) {
        return aborted();
      }
      Duration soak = request.soakOrNull();
      if (soak != null && !soak()) {
        return aborted();
      }
      if (reverted) {
        continue;
      }

      run.enterStage(STOP_OLD_WRITES);
      ended = decided(STOP_OLD_WRITES, GateTexts.stopOldWrites(key, plan, soak,
          evidence ? writers.read() : null, evidence), null);
      if (reverted) {
        continue;
      }
      if (ended != null) {
        return ended;
      }
      if (!flagWithUndo(STOP_OLD_WRITES, UNDO_WRITES, plan.objects().writesFlag(),
          ChangeObjects.WRITES_NEW, ChangeObjects.WRITES_BOTH)) {
        return aborted();
      }
      writesNewAt = Workflow.currentTimeMillis();
      if (evidence && !plan.reversible()) {
        forwardOnly();
      }

      run.enterStage(CONTRACT);
      ended = contractGate();
      if (reverted) {
        continue;
      }
      if (ended != null) {
        return ended;
      }
      break;
    }
    contracting = true;
    if (evidence) {
      if (!writers.await(CONTRACT, "old-shape", plan.confirm(), false) || !finalVerify()) {
        return aborted();
      }
    }
    dropUndos();
    if (!evidence && draining()) {
      Duration left = FLAGS_SETTLE.minusMillis(Workflow.currentTimeMillis() - writesNewAt);
      if (left.compareTo(Duration.ZERO) > 0) {
        settle(left, "writes = new");
      }
    }
    if (!run.change(CONTRACT, CONTRACT, () -> activities(SchemaStubs.CHANGE, "contract")
        .contract(target, change, owner))) {
      return aborted();
    }
    reads = ChangeObjects.READS_NEW;
    writes = ChangeObjects.WRITES_NEW;
    run.timeline().leave();
    return end(RunState.COMPLETED, null, key + ": " + change.kind() + " done; dropped "
        + String.join(", ", plan.drop()) + ".");
  }

  // ---- gates ------------------------------------------------------------------------------

  /**
   * Opens gate {@code gate} and waits: null when approved; the run's end when rejected, aborted
   * or expired (the rollback then runs); null with {@link #reverted} set when a revert
   * interrupted it.
   */
  private SchemaChangeResult decided(String gate, GateTexts.Shown shown, String confirm) {
    Decision d = run.gate(gate, gate, shown.text(), shown.card(), digest,
        RequestValidation.gateExpiry(request), confirm);
    return outcome(gate, d);
  }

  /**
   * The contract gate, showing the writers seen since old writes stopped. Past the point of no
   * return (a change without a down once writes = new) a reject or an abort is refused and an
   * expiry opens the gate again: the run holds there until it is approved.
   */
  private SchemaChangeResult contractGate() {
    while (true) {
      GateTexts.Shown shown = GateTexts.contract(key, plan, evidence ? writers.read() : null,
          run.pointOfNoReturn());
      Decision d = run.gate(CONTRACT, CONTRACT, shown.text(), shown.card(), digest,
          RequestValidation.gateExpiry(request), plan.confirm());
      if (d == null && run.interruption() == null && run.pointOfNoReturn() != null) {
        run.timeline().record(CONTRACT, Run.HOLD, Timeline.COMPLETED, "the gate expired; past"
            + " the point of no return nothing rolls back: the gate opens again");
        continue;
      }
      return outcome(CONTRACT, d);
    }
  }

  /** What a gate's decision means for the run (see {@link #decided}). */
  private SchemaChangeResult outcome(String gate, Decision d) {
    if (d == null && run.interruption() != null) {
      return null;
    }
    if (d == null) {
      return end(RunState.EXPIRED, gate + "/" + Run.GATE, "Gate " + gate + " expired after "
          + request.approvalOrDefault().gateExpiry() + " without a decision.");
    }
    return switch (d.kind()) {
      case APPROVE -> null;
      case ABORT -> aborted();
      case REJECT -> end(RunState.REJECTED, gate + "/" + Run.GATE, "Gate " + gate
          + " rejected by " + d.by() + (d.comment() == null ? "" : " (" + d.comment() + ")")
          + ".");
    };
  }

  // ---- steps ------------------------------------------------------------------------------

  /** Observes as a step of its own; null when an abort stopped it. */
  private TableObservation observe(String stage) {
    run.timeline().step(stage, OBSERVE);
    String probe = PLAN.equals(stage) ? request.latencyProbe() : null;
    TableObservation o = run.cancellable(() -> activities(SchemaStubs.OBSERVE,
        stage + " · observe").observe(target, change, probe));
    if (o == null) {
      run.timeline().finish(Timeline.ABORTED, "aborted while observing");
      return null;
    }
    run.timeline().done(!o.tableExists() ? change.qualifiedTable() + " not found"
        : o.rows() + " row(s)" + (o.rowsExact() == null ? " (estimated)" : "") + ", "
            + o.bytes() + " bytes, key " + (o.key() == null ? "none" : o.key().name()) + ", "
            + (o.standbys() == null ? 0 : o.standbys().size()) + " standby(s)");
    return o;
  }

  /**
   * The backfill: one long activity, its progress read from its control row every {@link
   * #PROGRESS_EVERY}, later {@link #PROGRESS_LATER}, for the status (the history grows with the
   * time it takes, slowly, not with the table). False when an abort stopped it.
   */
  private boolean backfill() {
    run.timeline().step(BACKFILL, BACKFILL);
    BackfillSettings settings = new BackfillSettings(plan.keyColumns(),
        request.batchSizeOrDefault(),
        SchemaChangeRequest.duration(request.targetBatchTime(),
            SchemaChangeRequest.DEFAULT_TARGET_BATCH_TIME).toMillis(),
        SchemaChangeRequest.duration(request.maxReplicaLag(),
            SchemaChangeRequest.DEFAULT_MAX_REPLICA_LAG).toMillis(),
        request.latencyBudget() == null ? null
            : Duration.parse(request.latencyBudget()).toMillis(),
        request.latencyProbe(), BackfillSettings.DEFAULT_MIN_BATCH_SIZE,
        BackfillSettings.DEFAULT_MAX_BATCH_SIZE);
    backfilling = true;
    List<Promise<BackfillResult>> running = new ArrayList<>(1);
    try {
      backfilled = run.cancellable(() -> {
        SchemaChangeActivities walk = activities(SchemaStubs.WALK, "backfill");
        Promise<BackfillResult> done = Async.function(walk::backfill, target, change, settings);
        running.add(done);
        int polls = 0;
        while (!Workflow.await(progressInterval(polls++), done::isCompleted)) {
          showProgress();
        }
        return done.get();
      });
    } finally {
      backfilling = false;
    }
    if (backfilled == null) {
      awaitStopped(running);
      run.timeline().finish(Timeline.ABORTED, "aborted during the backfill"
          + (progress == null ? "" : " at " + progress.summary()));
      return false;
    }
    run.timeline().done(backfilled.rowsUpdated() + " row(s) in " + backfilled.batches()
        + " batch(es), " + Math.round(backfilled.rowsPerSecond()) + " rows/s, "
        + backfilled.attempts() + " attempt(s), throttled " + backfilled.throttledMillis()
        + " ms" + (backfilled.triggersSkipped() == null ? "" : "; "
            + backfilled.triggersSentence()));
    return true;
  }

  /**
   * After an abort cancelled the backfill: waits until its attempt has stopped (it sees the
   * cancellation at its next heartbeat), so that the rollback does not drop columns under a
   * batch still running. Runs recorded before this wait ({@value #ABORT_WAITS}) went on at once.
   */
  private void awaitStopped(List<Promise<BackfillResult>> running) {
    if (running.isEmpty() || Workflow.getVersion(ABORT_WAITS, Workflow.DEFAULT_VERSION, 1)
        == Workflow.DEFAULT_VERSION) {
      return;
    }
    Workflow.newDetachedCancellationScope(() -> {
      try {
        running.get(0).get();
      } catch (ActivityFailure | CanceledFailure stopped) {
        // cancelled (or failed) as it stopped: what was waited for
      }
    }).run();
  }

  /**
   * A change without a down, once old writes stopped: the old column no longer follows the
   * writes, so a rollback would lose them. The undos are dropped and the kernel refuses rejects
   * and aborts from here; the contract gate says so.
   */
  private void forwardOnly() {
    dropUndos();
    String noDown = String.join(", ", change.replaceOrEmpty().stream()
        .filter(c -> c.down() == null || c.down().isBlank()).map(c -> c.name()).toList());
    run.pastPointOfNoReturn("writes = new and " + noDown + " has no down: the old column no"
        + " longer follows the writes, and a rollback would lose them");
    run.timeline().record(STOP_OLD_WRITES, NO_RETURN, Timeline.COMPLETED, "past the point of"
        + " no return: " + run.pointOfNoReturn() + "; the run goes forward only");
  }

  /** The undos are no longer registered: from here the change only goes forward. */
  private void dropUndos() {
    undosDropped = true;
    run.dropCompensation(UNDO_WRITES);
    run.dropCompensation(UNDO_READS);
    run.dropCompensation(UNDO_EXPAND);
  }

  /**
   * Every row once more, just before the contract drops the old columns, after the writers went
   * quiet: a writer that got past the sync trigger shows here, not after the drop. Holds while
   * rows differ. Only a change with a down for every replaced column can be checked once writes
   * are new (otherwise the old column is stale by design); false when an abort stopped it.
   */
  private boolean finalVerify() {
    if (!plan.reversible() || change.replaceOrEmpty().isEmpty()) {
      run.timeline().record(CONTRACT, VERIFY, Timeline.SKIPPED, change.replaceOrEmpty().isEmpty()
          ? "nothing is dropped but the sync: the new column is the application's now"
          : "no down: once old writes stopped the old column is not kept, nothing to compare");
      return true;
    }
    run.timeline().step(CONTRACT, VERIFY);
    VerifyResult v = run.cancellable(this::verifyOnce);
    if (v == null) {
      run.timeline().finish(Timeline.ABORTED, "aborted while verifying before the contract");
      return false;
    }
    run.timeline().done(v.rowsChecked() + " row(s) checked, " + v.mismatches()
        + " mismatch(es)");
    VerifyResult good = run.holdWhileUnhealthy(CONTRACT, v,
        SchemaChangeWorkflowImpl::mismatches, this::verifyOnce);
    if (good == null) {
      return false;
    }
    verified = good;
    return true;
  }

  /**
   * After verify, for a change that replaces one column by one: the old column's NOT NULL (a
   * check validated without blocking writes) and UNIQUE (an index built concurrently) carried to
   * the new one, as the plan showed; the contract finishes them. False when an abort stopped it.
   */
  private boolean carry() {
    boolean carries = plan.carried().stream().anyMatch(c -> c.startsWith("NOT NULL")
        || c.startsWith("UNIQUE"));
    if (!carries || Workflow.getVersion(CARRY, Workflow.DEFAULT_VERSION, 1)
        == Workflow.DEFAULT_VERSION) {
      return true;
    }
    return run.change(VERIFY, CONSTRAINTS, () -> activities(SchemaStubs.WALK,
        "verify · constraints").constraints(target, change, owner));
  }

  /** How long after the {@code polls}-th progress read the next one comes. */
  static Duration progressInterval(int polls) {
    return polls < FREQUENT_POLLS ? PROGRESS_EVERY : PROGRESS_LATER;
  }

  private void showProgress() {
    try {
      BackfillProgress p = activities(SchemaStubs.QUICK, "backfill · progress")
          .progress(target, change);
      if (p != null) {
        progress = p;
        run.timeline().progress(p.summary());
      }
    } catch (ActivityFailure e) {
      // only the status's figures are late; the backfill goes on
    }
  }

  /** Verify every row; hold (state HOLDING) while rows differ. False when aborted. */
  private boolean verify() {
    run.timeline().step(VERIFY, VERIFY);
    verified = run.cancellable(this::verifyOnce);
    if (verified == null) {
      run.timeline().finish(Timeline.ABORTED, "aborted while verifying");
      return false;
    }
    run.timeline().done(verified.rowsChecked() + " row(s) checked, " + verified.mismatches()
        + " mismatch(es)");
    VerifyResult good = run.holdWhileUnhealthy(VERIFY, verified, SchemaChangeWorkflowImpl::mismatches,
        this::verifyOnce);
    if (good == null) {
      return false;
    }
    verified = good;
    return true;
  }

  /** Why the run holds after a verification: the rows that differ; empty when none. */
  static List<String> mismatches(VerifyResult v) {
    return v.mismatches() == 0 ? List.of() : List.of(v.mismatches() + " of " + v.rowsChecked()
        + " row(s) differ from up(old), e.g. keys " + v.sampleKeys() + ": fix them (or the"
        + " expression, in a new run), or abort to roll back");
  }

  private VerifyResult verifyOnce() {
    return activities(SchemaStubs.WALK, "verify").verify(target, change,
        new VerifySettings(plan.keyColumns(), VerifySettings.DEFAULT_CHUNK_SIZE,
            VerifySettings.DEFAULT_SAMPLE_LIMIT));
  }

  /**
   * Registers {@code undo} (the flag back to {@code undoValue}; once, however often a revert
   * brings the run here), then sets the flag as step {@code stage}; false when an abort stopped
   * it.
   */
  private boolean flagWithUndo(String stage, String undo, String flag, String value,
      String undoValue) {
    run.dropCompensation(undo);
    run.addCompensation(undo, () -> setFlag(flag, undoValue));
    return flag(stage, flag, value);
  }

  /** Sets a flag as a step of the run; false when an abort stopped it. */
  private boolean flag(String stage, String flag, String value) {
    settingFlag = true;
    try {
      boolean done = run.change(stage, stage, () -> setFlag(flag, value));
      if (done) {
        remember(flag, value);
      }
      return done;
    } finally {
      settingFlag = false;
    }
  }

  private ChangeResult setFlag(String flag, String value) {
    ChangeResult r = activities(SchemaStubs.CHANGE, "flag " + flag + " = " + value)
        .setFlag(target, change, owner, flag, value);
    remember(flag, value);
    return r;
  }

  private void remember(String flag, String value) {
    if (flag.equals(plan.objects().readsFlag())) {
      reads = value;
    } else {
      writes = value;
    }
  }

  /** Waits the soak; a revert ends it early (the run goes back), an abort too. */
  private boolean soak() {
    Duration soak = request.soakOrNull();
    run.timeline().step(SWITCH_READS, SOAK);
    Workflow.await(soak, () -> reverted || run.abortRequested());
    if (run.abortRequested()) {
      run.timeline().finish(Timeline.ABORTED, "aborted while soaking");
      return false;
    }
    run.timeline().done(reverted ? "ended by the revert" : "reads on the new shape for " + soak);
    return true;
  }

  /** A timer, named on the run's page, while the applications take up {@code flag}. */
  private static void settle(Duration d, String flag) {
    Workflow.newTimer(d, TimerOptions.newBuilder().setSummary(settleSummary(flag)).build())
        .get();
  }

  /** The name of the timer while the applications take up {@code flag}, e.g. writes = old. */
  static String settleSummary(String flag) {
    return "the applications take up " + flag;
  }

  /** Whether this run drains writers before a drop (runs recorded before {@value #DRAIN}: not). */
  private static boolean draining() {
    return Workflow.getVersion(DRAIN, Workflow.DEFAULT_VERSION, 1) >= 1;
  }

  /**
   * The rollback of expand: writes to the old shape only and a wait while the applications see
   * it, then the new columns, trigger and flags dropped, then the check that the table is as it
   * was before the run.
   */
  private void undoExpand() {
    if (evidence) {
      setFlag(plan.objects().writesFlag(), ChangeObjects.WRITES_OLD);
      writers.await(run.timeline().stage() == null ? Timeline.RUN : run.timeline().stage(),
          "new-shape", change.qualifiedTable() + "." + change.addOrEmpty().get(0).name(), true);
    } else if (draining()) {
      setFlag(plan.objects().writesFlag(), ChangeObjects.WRITES_OLD);
      settle(FLAGS_SETTLE, "writes = old");
    }
    activities(SchemaStubs.CHANGE, "rollback · undo expand").undoExpand(target, change,
        owner);
    reads = null;
    writes = null;
    TableObservation after = activities(SchemaStubs.OBSERVE, "rollback · observe")
        .observe(target, change, null);
    if (catalogueBefore != null && !catalogueBefore.equals(after.catalogue())) {
      throw ApplicationFailure.newNonRetryableFailure("the table's catalogue description differs"
          + " from before the run: before [" + catalogueBefore + "], after ["
          + after.catalogue() + "]", Failures.VERIFICATION_FAILED);
    }
  }

  private SchemaChangeActivities activities(io.temporal.activity.ActivityOptions kind,
      String summary) {
    return SchemaStubs.of(kind, summary);
  }

  // ---- endings ----------------------------------------------------------------------------

  private SchemaChangeResult aborted() {
    String where = run.timeline().position();
    return end(RunState.ABORTED, where, run.aborted(undosDropped
        ? "The contract had begun: it is idempotent, run it again (a new run converges)."
        : "The change is rolled back."));
  }

  private SchemaChangeResult end(RunState state, String stoppedAt, String text) {
    return run.end(state, text, message -> new SchemaChangeResult(state, stoppedAt, message,
        plan, backfilled, verified, reads, writes, run.decisions()));
  }

  // ---- the operator's updates -------------------------------------------------------------

  @Override
  public void validateThrottle(OperatorCommand c) {
    backfillCommand(c);
  }

  @Override
  public String throttle(OperatorCommand c) {
    String reason = c.by() + (c.reason() == null ? "" : ": " + c.reason());
    return control(new BackfillControl(true, reason, control.batchSize()),
        "throttled by " + c.by() + " (" + reason + ")");
  }

  @Override
  public void validateUnthrottle(OperatorCommand c) {
    backfillCommand(c);
  }

  @Override
  public String unthrottle(OperatorCommand c) {
    return control(new BackfillControl(false, null, control.batchSize()),
        "unthrottled by " + c.by());
  }

  @Override
  public void validateSetBatch(OperatorCommand c) {
    backfillCommand(c);
    if (c.batchSize() == null || c.batchSize() < 0
        || c.batchSize() > RequestValidation.MAX_BATCH_SIZE) {
      throw new DecisionRefused("set-batch needs batchSize from 1 to "
          + RequestValidation.MAX_BATCH_SIZE + " (0: adaptive again); it has "
          + c.batchSize());
    }
  }

  @Override
  public String setBatch(OperatorCommand c) {
    Integer size = c.batchSize() == 0 ? null : c.batchSize();
    return control(new BackfillControl(control.throttled(), control.reason(), size),
        "batch size " + (size == null ? "adaptive" : "pinned at " + size) + " by " + c.by());
  }

  private void backfillCommand(OperatorCommand c) {
    who(c);
    if (!backfilling) {
      throw new DecisionRefused("the backfill is not running (the run is at "
          + run.timeline().position() + "): throttle, unthrottle and set-batch apply to it");
    }
  }

  private String control(BackfillControl next, String what) {
    activities(SchemaStubs.QUICK, "backfill · " + what).control(target, change, owner,
        next);
    control = next;
    run.timeline().record(BACKFILL, THROTTLE, Timeline.COMPLETED, what);
    return what;
  }

  @Override
  public void validateRevert(OperatorCommand c) {
    who(c);
    if (contracting) {
      throw new DecisionRefused("the contract has begun: the old shape is being dropped,"
          + " there is nothing to revert to");
    }
    if (settingFlag) {
      throw new DecisionRefused("a flag is being set now (" + run.timeline().position()
          + "): send revert again in a moment");
    }
    if (!ChangeObjects.READS_NEW.equals(reads)) {
      throw new DecisionRefused("reads are " + (reads == null ? "not switched (no expand yet)"
          : "on the " + reads + " shape") + ": nothing to revert");
    }
    if (ChangeObjects.WRITES_NEW.equals(writes) && !plan.reversible()) {
      throw new DecisionRefused("old writes have stopped and the change has no down for every"
          + " replaced column: the old column is stale, reads cannot go back to it");
    }
  }

  @Override
  public String revert(OperatorCommand c) {
    settingFlag = true;
    try {
      String stage = run.timeline().stage();
      if (ChangeObjects.WRITES_NEW.equals(writes)) {
        setFlag(plan.objects().writesFlag(), ChangeObjects.WRITES_BOTH);
      }
      setFlag(plan.objects().readsFlag(), ChangeObjects.READS_OLD);
      reverted = true;
      String text = "reads back to the old shape by " + c.by()
          + (c.reason() == null ? "" : ": " + c.reason()) + "; the run goes back to gate "
          + SWITCH_READS;
      run.timeline().record(stage == null ? SWITCH_READS : stage, REVERT, Timeline.COMPLETED,
          text);
      run.interruptGate("reverted by " + c.by());
      return text;
    } finally {
      settingFlag = false;
    }
  }

  @Override
  public void validateOverride(OperatorCommand c) {
    if (writers == null) {
      throw new DecisionRefused("the run has no plan yet: nothing to override");
    }
    writers.validateOverride(c);
  }

  @Override
  public String override(OperatorCommand c) {
    String text = writers.override(c);
    run.timeline().record(run.timeline().stage() == null ? CONTRACT : run.timeline().stage(),
        QuietWriters.OVERRIDE, Timeline.COMPLETED, text);
    return text;
  }

  private static void who(OperatorCommand c) {
    if (c == null || c.by() == null || c.by().isBlank()) {
      throw new DecisionRefused("say who asks: {\"by\": \"YOUR-NAME\", \"reason\": \"why\"}");
    }
  }

  // ---- the status -------------------------------------------------------------------------

  @Override
  public RunStatus status() {
    List<Object> plans = new ArrayList<>();
    if (plan != null) {
      plans.add(plan);
    }
    return run.status(plans, null, backfilling && progress != null
        ? "Backfill: " + progress.summary() : null);
  }
}
