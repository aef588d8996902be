package dev.underway.workflows.schema;

import dev.underway.kernel.Ending;
import dev.underway.kernel.GateOutcome;
import dev.underway.kernel.Run;
import dev.underway.kernel.RunSetup;
import dev.underway.kernel.RunStatus;
import dev.underway.kernel.Sequence;
import dev.underway.workflows.schema.contract.ChangeObjects;
import dev.underway.workflows.schema.contract.TableChange;
import dev.underway.workflows.schema.contract.TableObservation;
import io.temporal.workflow.Workflow;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Supplier;

/**
 * A schema change as its business sequence, on the kernel's protocol ({@link
 * dev.underway.kernel.GatedRunProtocol}): observe and plan (refuse what cannot be done safely);
 * gate {@code expand}; expand (its undo
 * registered first: {@link Rollback}); backfill ({@link Backfill}); verify and carry the
 * constraints ({@link Verification}, {@link ConstraintsStep}); then laps from gate {@code
 * switch-reads} to the contract's approval: switch reads (+ soak), gate {@code stop-old-writes},
 * stop old writes, gate {@code contract} (destructive: the approval types what it drops) — a
 * lap ends back at {@code switch-reads} when the operator's {@code revert} sent reads back
 * ({@link Flags}); contract. A rejection, an abort, an expiry or a failure before the contract
 * rolls back through the kernel's compensation. The operator's commands never interleave with
 * the run's own moves, nor with its ending, which runs holding their lock ({@link #ending}); the
 * run ends once they have finished ({@link CommandLock}).
 */
public class SchemaChangeWorkflowImpl extends SchemaChangeUpdates {

  /** Stage names (the UI's UnderwayPhase; the gates' names), then other steps' names. */
  static final String PLAN = "plan";
  static final String EXPAND = "expand";
  static final String BACKFILL = "backfill";
  static final String VERIFY = "verify";
  static final String SWITCH_READS = "switch-reads";
  static final String STOP_OLD_WRITES = "stop-old-writes";
  static final String CONTRACT = "contract";
  static final String OBSERVE = "observe";
  static final String SOAK = "soak";
  static final String REVERT = "revert";
  static final String THROTTLE = "throttle";
  static final String NO_RETURN = "no-return";

  /**
   * The change id of evidence before a drop ({@link QuietWriters}, the final verify, and a
   * change without a down forward-only once old writes stop: {@link Rollback#forwardOnly}).
   */
  static final String EVIDENCE = "evidence-before-drop";

  /** The change id of the request's stricter checks of its SQL ({@link RequestValidation}). */
  static final String STRICT_REQUEST = "strict-request";

  /**
   * The change id of the latency guard: the request's {@code latencyRatio}, a probe without an
   * absolute budget, and the backfill's {@code GuardSettings}. Runs recorded before it validate
   * and back-fill as they ran (their backfill's settings carry no guard).
   */
  static final String LATENCY_GUARD = "latency-guard";

  /** The undos' names, as the run's message lists what was undone. */
  static final String UNDO_EXPAND = Rollback.UNDO_EXPAND;
  static final String UNDO_READS = Flags.UNDO_READS;
  static final Duration PROGRESS_EVERY = Backfill.PROGRESS_EVERY;

  private final Run run;
  private final CommandLock commands;
  private SchemaChangeRequest request;
  private TableChange change;
  private String key;
  private String owner;
  private SchemaPlan plan;
  private SchemaGates gates;
  private boolean evidence;
  /** The run began with the latency guard ({@value #LATENCY_GUARD}). */
  private boolean guarded;
  private Verification verification;
  private Rollback rollback;
  /** Workflow time when {@code writes=new} was last set. */
  private long writesNewAt;

  public SchemaChangeWorkflowImpl() {
    this(null);
  }

  /** @param temporalAddress printed in the gates' commands when it is not the default */
  public SchemaChangeWorkflowImpl(String temporalAddress) {
    super(temporalAddress);
    this.run = run();
    this.commands = new CommandLock(run);
  }

  @Override
  public SchemaChangeResult change(SchemaChangeRequest input) {
    request = input;
    owner = Workflow.getInfo().getWorkflowId();
    boolean strict = Workflow.getVersion(STRICT_REQUEST, Workflow.DEFAULT_VERSION, 1) >= 1;
    guarded = Workflow.getVersion(LATENCY_GUARD, Workflow.DEFAULT_VERSION, 1) >= 1;
    List<String> problems = new ArrayList<>(RequestValidation.problems(input, strict,
        guarded));
    boolean valid = problems.isEmpty();
    change = input == null ? null : input.change();
    key = valid ? input.targetKey() : null;
    if (valid && !input.isDryRun() && !SchemaChangeWorkflow.workflowId(input).equals(owner)) {
      problems.add("the workflow id is '" + owner + "' but a change of " + key + " must use '"
          + SchemaChangeWorkflow.workflowId(input) + "', so that only one run per table can"
          + " exist");
    }
    return execute(new RunSetup(key, input == null ? null : input.approvalOrDefault(),
        input == null ? null : input.requestedBy(), input != null && input.isDryRun(),
        Sequence.VIEW), () -> problems, this::pipeline);
  }

  /** The business sequence; a step an abort stopped, or a gate not approved, stops it. */
  private Ending pipeline() {
    run.enterStage(PLAN);
    TableObservation observed = observe(PLAN);
    run.timeline().step(PLAN, PLAN);
    List<Refusal> refusals = Planner.refusals(change, observed, owner);
    if (!refusals.isEmpty()) {
      throw Refusal.of(refusals);
    }
    planned(observed);
    if (request.isDryRun()) {
      return Ending.dryRunCompleted("Dry run: the plan for " + key
          + " is computed; nothing was changed. It would apply:\n  "
          + String.join("\n  ", GateTexts.expand(key, plan, change).card().sql()));
    }
    evidence = Workflow.getVersion(EVIDENCE, Workflow.DEFAULT_VERSION, 1) >= 1;
    rollback = new Rollback(run, request, plan, owner, flags, writers, observed.catalogue(),
        evidence);
    run.enterStage(EXPAND);
    gate(EXPAND, GateTexts.expand(key, plan, change, backfill.duration()));
    rollback.registerExpand();
    flags.expanded();
    run.changeStep(EXPAND, EXPAND, () -> SchemaStubs.of(SchemaStubs.CHANGE, "expand")
        .expand(request.target(), change, owner));
    run.enterStage(BACKFILL);
    backfill.run();
    run.enterStage(VERIFY);
    verification.afterBackfill();
    ConstraintsStep.carry(run, request, plan, owner);
    while (!lapToContract()) {
      // a revert sent reads back: the next lap starts at gate switch-reads
    }
    return contract();
  }

  /** The plan, and what carries it out. */
  private void planned(TableObservation observed) {
    plan = Planner.plan(change, observed);
    writers = new QuietWriters(run, request.target(), change, request.quietPeriodOrDefault());
    gates = new SchemaGates(run, request, plan, PlanDigest.of(key, plan));
    flags = new Flags(run, commands, request, plan, owner);
    backfill = new Backfill(run, commands, request, plan, owner, guarded);
    verification = new Verification(run, request, plan, guarded);
    run.timeline().done("add " + plan.add() + ", contract drops " + plan.drop() + "; "
        + plan.rows() + " row(s) to backfill");
  }

  /**
   * One lap from gate switch-reads to the contract's approval: true when the contract may
   * begin, false when a revert sent reads back (the run goes back to switch-reads).
   */
  private boolean lapToContract() {
    flags.lap();
    run.enterStage(SWITCH_READS);
    TableObservation now = observe(SWITCH_READS);
    gate(SWITCH_READS, GateTexts.switchReads(key, plan, backfill.result(),
        verification.result(), now, change.versionColumn()));
    flags.switchReads();
    Duration soak = request.soakOrNull();
    if (soak != null) {
      flags.soak();
    }
    if (flags.reverted()) {
      return false;
    }
    run.enterStage(STOP_OLD_WRITES);
    GateTexts.Shown stop = GateTexts.stopOldWrites(key, plan, change, soak,
        evidence ? writers.read() : null, evidence);
    if (backNow() || !gate(STOP_OLD_WRITES, stop) || flags.reverted()) {
      return false;
    }
    flags.stopOldWrites();
    if (backNow()) {
      return false;
    }
    writesNewAt = Workflow.currentTimeMillis();
    if (evidence && !plan.reversible()) {
      rollback.forwardOnly();
    }
    run.enterStage(CONTRACT);
    return passed(CONTRACT, gates.contract(() -> GateTexts.contract(key, plan,
        evidence ? writers.read() : null, run.pointOfNoReturn()), this::backNow))
        && !flags.reverted() && flags.beginContract();
  }

  /**
   * Whether a revert came in between two moves of the lap (while it read the writers, or before
   * a flag step it waited for): the run goes back. Runs recorded before {@value
   * CommandLock#SERIALISED} went on.
   */
  private boolean backNow() {
    return flags.reverted() && CommandLock.serialised();
  }

  /** The contract: writers quiet and every row once more (with evidence), then the drop. */
  private Ending contract() {
    if (evidence) {
      writers.await(CONTRACT, "old-shape", plan.confirm(), false);
      verification.beforeContract();
    }
    rollback.drop();
    rollback.drainBeforeContract(writesNewAt);
    run.changeStep(CONTRACT, CONTRACT, () -> SchemaStubs.of(SchemaStubs.CHANGE, "contract")
        .contract(request.target(), change, owner));
    flags.are(ChangeObjects.READS_NEW, ChangeObjects.WRITES_NEW);
    run.timeline().leave();
    return Ending.completed(key + ": " + change.kind() + " done; dropped "
        + String.join(", ", plan.drop()) + ".");
  }

  /** Opens {@code gate} and waits: see {@link #passed}. */
  private boolean gate(String gate, GateTexts.Shown shown) {
    return passed(gate, gates.open(gate, shown));
  }

  /**
   * True when approved, false when a revert sent the run back (it interrupted the gate); a
   * rejection, an abort or an expiry stops the run (the rollback then runs).
   */
  private boolean passed(String gate, GateOutcome o) {
    if (o instanceof GateOutcome.Approved) {
      return true;
    }
    if (o instanceof GateOutcome.Interrupted) {
      return false;
    }
    throw gates.notApproved(gate, o).stop();
  }

  /** Observes as a step of its own; an abort stops the run. */
  private TableObservation observe(String stage) {
    return ObserveStep.observe(run, request, stage);
  }

  // ---- how it ends: the template's hooks ---------------------------------------------------

  /** The ending (its rollback, its result) runs holding the operator's commands' lock. */
  @Override
  protected <T> T ending(Supplier<T> end) {
    return commands.ending(end);
  }

  @Override
  protected String afterAbort() {
    return rollback != null && rollback.dropped()
        ? "The contract had begun: it is idempotent, run it again (a new run converges)."
        : "The change is rolled back.";
  }

  @Override
  protected String afterCancel() {
    return Rollback.afterCancellation(run, rollback);
  }

  @Override
  protected SchemaChangeResult result(Ending e) {
    return new SchemaChangeResult(e.state(), e.stoppedAt(), e.text(), plan,
        backfill == null ? null : backfill.result(),
        verification == null ? null : verification.result(), flags == null ? null
        : flags.reads(), flags == null ? null : flags.writes(), run.decisions());
  }

  @Override
  public RunStatus status() {
    return run.status(plan == null ? List.of() : List.of(plan), null,
        backfill == null ? null : backfill.sentence());
  }

  /** How long after the {@code polls}-th progress read the next one comes. */
  static Duration progressInterval(int polls) {
    return Backfill.progressInterval(polls);
  }
}
