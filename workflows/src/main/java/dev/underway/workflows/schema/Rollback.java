package dev.underway.workflows.schema;

import static dev.underway.workflows.schema.SchemaChangeWorkflowImpl.NO_RETURN;
import static dev.underway.workflows.schema.SchemaChangeWorkflowImpl.STOP_OLD_WRITES;

import dev.underway.kernel.Failures;
import dev.underway.kernel.Run;
import dev.underway.kernel.Timeline;
import dev.underway.workflows.schema.contract.ChangeObjects;
import dev.underway.workflows.schema.contract.TableChange;
import dev.underway.workflows.schema.contract.TableObservation;
import io.temporal.failure.ApplicationFailure;
import io.temporal.workflow.TimerOptions;
import io.temporal.workflow.Workflow;
import java.time.Duration;

/**
 * What undoes the change before its contract: the undo of expand (writers drained to the old
 * shape, the new columns, trigger and flags dropped, the table's catalogue compared with before
 * the run), registered before expand; the undos dropped once the change only goes forward (the
 * contract, or a change without a down past its point of no return).
 */
final class Rollback {

  static final String UNDO_EXPAND = "remove the new column(s), the sync trigger and the flags"
      + " (the table's catalogue compared with before)";

  /**
   * The change id of draining the application's writers before a column goes: the rollback sets
   * {@code writes=old} and waits {@link #FLAGS_SETTLE} before it drops the new columns; the
   * contract waits until {@code writes=new} is that old before it drops the old ones.
   */
  static final String DRAIN = "drain-before-drop";

  /**
   * How long an application may go on using a flag's previous value: the read contract asks it
   * to read the flags at least every 5 s; twice that, before anything it may still write goes.
   */
  static final Duration FLAGS_SETTLE = Duration.ofSeconds(10);

  private final Run run;
  private final SchemaChangeRequest request;
  private final TableChange change;
  private final SchemaPlan plan;
  private final String owner;
  private final Flags flags;
  private final QuietWriters writers;
  private final String catalogueBefore;
  private final boolean evidence;
  /** The undos are gone: the contract runs, or the change is past its point of no return. */
  private boolean dropped;

  Rollback(Run run, SchemaChangeRequest request, SchemaPlan plan, String owner, Flags flags,
      QuietWriters writers, String catalogueBefore, boolean evidence) {
    this.run = run;
    this.request = request;
    this.change = request.change();
    this.plan = plan;
    this.owner = owner;
    this.flags = flags;
    this.writers = writers;
    this.catalogueBefore = catalogueBefore;
    this.evidence = evidence;
  }

  /** What a cancellation through Temporal did to the table, for the run's message. */
  static String afterCancellation(Run run, Rollback rollback) {
    return run.pointOfNoReturn() != null ? "Past its point of no return ("
        + run.pointOfNoReturn() + "), nothing was rolled back: the table keeps both shapes,"
        + " the sync trigger and writes = new; finish it with a new run of the same change."
        : rollback != null && rollback.dropped() ? "The contract had begun: it is idempotent,"
        + " run it again." : "Before the contract, the change was rolled back.";
  }

  /** Before expand: its undo. */
  void registerExpand() {
    run.addCompensation(UNDO_EXPAND, this::undoExpand);
  }

  /** Whether the undos are gone (the contract had begun, or no return). */
  boolean dropped() {
    return dropped;
  }

  /** The undos are no longer registered: from here the change only goes forward. */
  void drop() {
    dropped = true;
    run.dropCompensation(Flags.UNDO_WRITES);
    run.dropCompensation(Flags.UNDO_READS);
    run.dropCompensation(UNDO_EXPAND);
  }

  /**
   * A change without a down, once old writes stopped: the old column no longer follows the
   * writes, so a rollback would lose them. The undos are dropped and the kernel refuses rejects
   * and aborts from here; the contract gate says so.
   */
  void forwardOnly() {
    drop();
    String noDown = String.join(", ", change.replaceOrEmpty().stream()
        .filter(c -> c.down() == null || c.down().isBlank()).map(c -> c.name()).toList());
    run.pastPointOfNoReturn("writes = new and " + noDown + " has no down: the old column no"
        + " longer follows the writes, and a rollback would lose them");
    run.timeline().record(STOP_OLD_WRITES, NO_RETURN, Timeline.COMPLETED, "past the point of"
        + " no return: " + run.pointOfNoReturn() + "; the run goes forward only");
  }

  /**
   * Before the contract of a run without evidence: waits until {@code writes=new} is {@link
   * #FLAGS_SETTLE} old (runs recorded before {@value #DRAIN}: not).
   */
  void drainBeforeContract(long writesNewAt) {
    if (!evidence && draining()) {
      Duration left = FLAGS_SETTLE.minusMillis(Workflow.currentTimeMillis() - writesNewAt);
      if (left.compareTo(Duration.ZERO) > 0) {
        settle(left, "writes = new");
      }
    }
  }

  /**
   * The rollback of expand: writes to the old shape only and a wait while the applications see
   * it, then the new columns, trigger and flags dropped, then the check that the table is as it
   * was before the run.
   */
  private void undoExpand() {
    if (evidence) {
      flags.set(plan.objects().writesFlag(), ChangeObjects.WRITES_OLD);
      writers.await(run.timeline().stage() == null ? Timeline.RUN : run.timeline().stage(),
          "new-shape", change.qualifiedTable() + "." + change.addOrEmpty().get(0).name(), true);
    } else if (draining()) {
      flags.set(plan.objects().writesFlag(), ChangeObjects.WRITES_OLD);
      settle(FLAGS_SETTLE, "writes = old");
    }
    SchemaStubs.of(SchemaStubs.CHANGE, "rollback · undo expand").undoExpand(request.target(),
        change, owner);
    flags.are(null, null);
    TableObservation after = SchemaStubs.of(SchemaStubs.OBSERVE, "rollback · observe")
        .observe(request.target(), change, null);
    if (catalogueBefore != null && !catalogueBefore.equals(after.catalogue())) {
      throw ApplicationFailure.newNonRetryableFailure("the table's catalogue description differs"
          + " from before the run: before [" + catalogueBefore + "], after ["
          + after.catalogue() + "]", Failures.VERIFICATION_FAILED);
    }
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
}
