package dev.underway.workflows.schema;

import dev.underway.kernel.DecisionRefused;
import dev.underway.kernel.GatedRunProtocol;
import dev.underway.kernel.Timeline;
import dev.underway.workflows.schema.contract.SchemaFailures;

/**
 * The operator's updates of a schema change, each validated here (one sentence when refused,
 * nothing changed) and handed to the part of the run it acts on: {@code throttle}, {@code
 * unthrottle}, {@code set-batch}, {@code set-ratio} to the {@link Backfill}, {@code revert} to the {@link Flags},
 * {@code override} to the {@link QuietWriters}. Those that run activities are serialised with
 * the run's own moves by {@link CommandLock}. Temporal finds the inherited handlers on the
 * implementation class like its own.
 */
abstract class SchemaChangeUpdates extends GatedRunProtocol<SchemaChangeResult>
    implements SchemaChangeWorkflow {

  SchemaChangeUpdates(String temporalAddress) {
    super(RUNBOOK, temporalAddress, SchemaFailures.ALL);
  }

  /** What the commands act on, set once the run has its plan; null before. */
  Backfill backfill;
  Flags flags;
  QuietWriters writers;

  @Override
  public void validateThrottle(OperatorCommand c) {
    backfillCommand(c);
  }

  @Override
  public String throttle(OperatorCommand c) {
    return backfill.throttle(c);
  }

  @Override
  public void validateUnthrottle(OperatorCommand c) {
    backfillCommand(c);
  }

  @Override
  public String unthrottle(OperatorCommand c) {
    return backfill.unthrottle(c);
  }

  @Override
  public void validateSetBatch(OperatorCommand c) {
    backfillCommand(c);
    Backfill.validateBatch(c);
  }

  @Override
  public String setBatch(OperatorCommand c) {
    return backfill.setBatch(c);
  }

  @Override
  public void validateSetRatio(OperatorCommand c) {
    backfillCommand(c);
    String why = Backfill.ratioRefusal(backfill);
    if (why != null) {
      throw new DecisionRefused(why);
    }
    Backfill.validateRatio(c);
  }

  @Override
  public String setRatio(OperatorCommand c) {
    return backfill.setRatio(c);
  }

  private void backfillCommand(OperatorCommand c) {
    OperatorCommand.who(c);
    String why = Backfill.refusal(backfill, run());
    if (why != null) {
      throw new DecisionRefused(why);
    }
  }

  @Override
  public void validateRevert(OperatorCommand c) {
    OperatorCommand.who(c);
    if (flags == null) {
      throw new DecisionRefused("reads are not switched (no expand yet): nothing to revert");
    }
    flags.validateRevert(c);
  }

  @Override
  public String revert(OperatorCommand c) {
    return flags.revert(c);
  }

  @Override
  public void validateOverride(OperatorCommand c) {
    OperatorCommand.wellFormed(c);
    if (writers == null) {
      throw new DecisionRefused("the run has no plan yet: nothing to override");
    }
    writers.validateOverride(c);
  }

  @Override
  public String override(OperatorCommand c) {
    String text = writers.override(c);
    String stage = run().timeline().stage();
    run().timeline().record(stage == null ? SchemaChangeWorkflowImpl.CONTRACT : stage,
        QuietWriters.OVERRIDE, Timeline.COMPLETED, text);
    return text;
  }
}
