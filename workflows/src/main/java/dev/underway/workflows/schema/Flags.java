package dev.underway.workflows.schema;

import static dev.underway.workflows.schema.SchemaChangeWorkflowImpl.REVERT;
import static dev.underway.workflows.schema.SchemaChangeWorkflowImpl.SOAK;
import static dev.underway.workflows.schema.SchemaChangeWorkflowImpl.STOP_OLD_WRITES;
import static dev.underway.workflows.schema.SchemaChangeWorkflowImpl.SWITCH_READS;

import dev.underway.kernel.ChangeResult;
import dev.underway.kernel.DecisionRefused;
import dev.underway.kernel.Run;
import dev.underway.kernel.Timeline;
import dev.underway.kernel.Timers;
import dev.underway.workflows.schema.contract.ChangeObjects;
import java.time.Duration;

/**
 * The read and write flags the applications follow, as this run sets them: the switch-reads and
 * stop-old-writes steps (each with its undo registered first), the soak, and the operator's
 * {@code revert}, the killswitch that sends reads back to the old shape (and old writes back on)
 * and the run back to gate {@code switch-reads}. A flag step and a revert never interleave
 * ({@link CommandLock}): a revert sent while a flag step runs waits for it, then reverts.
 */
final class Flags {

  static final String UNDO_READS = "reads back to the old shape";
  static final String UNDO_WRITES = "old writes back on";

  private final Run run;
  private final CommandLock commands;
  private final SchemaChangeRequest request;
  private final SchemaPlan plan;
  private final String owner;
  /** The flags as this run last set them; null before expand and after the rollback. */
  private String reads;
  private String writes;
  /** The flag a step is setting now, and to what; null between steps. */
  private String setting;
  private String settingTo;
  /** A revert was done; the run goes back to the switch-reads gate. */
  private boolean reverted;
  /** The contract has begun: nothing can be reverted any more. */
  private boolean contracting;

  Flags(Run run, CommandLock commands, SchemaChangeRequest request, SchemaPlan plan,
      String owner) {
    this.run = run;
    this.commands = commands;
    this.request = request;
    this.plan = plan;
    this.owner = owner;
  }

  /** Expand created the flags: reads old, writes both. */
  void expanded() {
    reads = ChangeObjects.READS_OLD;
    writes = ChangeObjects.WRITES_BOTH;
  }

  /** The contract left them at new; the rollback removed them (null). */
  void are(String readsNow, String writesNow) {
    reads = readsNow;
    writes = writesNow;
  }

  String reads() {
    return reads;
  }

  String writes() {
    return writes;
  }

  /** Whether a revert sent the run back since the last {@link #lap}. */
  boolean reverted() {
    return reverted;
  }

  /** The run is at the switch-reads gate (again): no revert since. */
  void lap() {
    reverted = false;
  }

  /** Reads to the new shape, as step {@code switch-reads}; an abort stops the run. */
  void switchReads() {
    step(SWITCH_READS, UNDO_READS, plan.objects().readsFlag(), ChangeObjects.READS_NEW,
        ChangeObjects.READS_OLD);
  }

  /**
   * Old writes off, as step {@code stop-old-writes}; an abort stops the run. A revert that came
   * first (it held the lock) wins: nothing is set and {@link #reverted} says so.
   */
  void stopOldWrites() {
    step(STOP_OLD_WRITES, UNDO_WRITES, plan.objects().writesFlag(),
        ChangeObjects.WRITES_NEW, ChangeObjects.WRITES_BOTH);
  }

  /**
   * The contract begins: from now on a revert is refused. False when a revert came first (it
   * held the lock); the run then goes back to the switch-reads gate instead.
   */
  boolean beginContract() {
    return commands.step("the contract", () -> {
      contracting = !reverted;
      return contracting;
    });
  }

  /**
   * Registers {@code undo} (the flag back to {@code undoValue}; once, however often a revert
   * brings the run here), then sets the flag as step {@code stage}, holding the lock.
   */
  private void step(String stage, String undo, String flag, String value, String undoValue) {
    commands.step(stage, () -> {
      if (reverted) {
        return null;
      }
      run.dropCompensation(undo);
      run.addCompensation(undo, () -> set(flag, undoValue));
      setting = flag;
      settingTo = value;
      try {
        run.changeStep(stage, stage, () -> set(flag, value));
        return null;
      } finally {
        setting = null;
      }
    });
  }

  /** Sets a flag (an activity) and remembers it. */
  ChangeResult set(String flag, String value) {
    ChangeResult r = SchemaStubs.of(SchemaStubs.CHANGE, "flag " + flag + " = " + value)
        .setFlag(request.target(), request.change(), owner, flag, value);
    if (flag.equals(plan.objects().readsFlag())) {
      reads = value;
    } else {
      writes = value;
    }
    return r;
  }

  /** Waits the soak; a revert ends it early (the run goes back); an abort stops the run. */
  void soak() {
    Duration soak = request.soakOrNull();
    run.timeline().step(SWITCH_READS, SOAK);
    Timers.await(soak, SWITCH_READS + " · soak: reads on the new shape for "
        + Timers.words(soak) + " (a revert or an abort ends it)",
        () -> reverted || run.abortRequested());
    if (run.abortRequested()) {
      run.timeline().finish(Timeline.ABORTED, "aborted while soaking");
      run.stopIfAborted();
    }
    run.timeline().done(reverted ? "ended by the revert" : "reads on the new shape for " + soak);
  }

  // ---- the killswitch -----------------------------------------------------------------------

  /**
   * The revert's validator: refused when there is nothing to revert to, judged on the flags as
   * they are once the flag step running now (if one is) has set its flag: the revert waits for
   * that step.
   */
  void validateRevert(OperatorCommand c) {
    OperatorCommand.who(c);
    String why = commands.ending() ? commands.endingRefusal() : refusal(
            plan.objects().readsFlag().equals(setting) ? settingTo : reads,
            plan.objects().writesFlag().equals(setting) ? settingTo : writes);
    if (why != null) {
      throw new DecisionRefused(why);
    }
  }

  /** Why reads cannot be reverted with the flags at {@code r} and {@code w}; null if they can. */
  private String refusal(String r, String w) {
    if (contracting) {
      return "the contract has begun: the old shape is being dropped, there is nothing to"
          + " revert to";
    }
    if (!ChangeObjects.READS_NEW.equals(r)) {
      return "reads are " + (r == null ? "not switched (no expand yet)" : "on the " + r
          + " shape") + ": nothing to revert";
    }
    if (ChangeObjects.WRITES_NEW.equals(w) && !plan.reversible()) {
      return "old writes have stopped and the change has no down for every replaced column:"
          + " the old column is stale, reads cannot go back to it";
    }
    return null;
  }

  /** The killswitch, once it holds the lock (checked again: a flag step may have run first). */
  String revert(OperatorCommand c) {
    return commands.command("revert by " + c.by(), () -> refusal(reads, writes), () -> {
      String stage = run.timeline().stage();
      if (ChangeObjects.WRITES_NEW.equals(writes)) {
        set(plan.objects().writesFlag(), ChangeObjects.WRITES_BOTH);
      }
      set(plan.objects().readsFlag(), ChangeObjects.READS_OLD);
      reverted = true;
      String text = "reads back to the old shape by " + c.by()
          + (c.reason() == null ? "" : ": " + c.reason()) + "; the run goes back to gate "
          + SWITCH_READS;
      run.timeline().record(stage == null ? SWITCH_READS : stage, REVERT, Timeline.COMPLETED,
          text);
      run.interruptGate("reverted by " + c.by());
      return text;
    });
  }
}
