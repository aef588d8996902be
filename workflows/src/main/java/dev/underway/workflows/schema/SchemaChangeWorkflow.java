package dev.underway.workflows.schema;

import dev.underway.kernel.DecisionHandlers;
import io.temporal.workflow.UpdateMethod;
import io.temporal.workflow.UpdateValidatorMethod;
import io.temporal.workflow.WorkflowInterface;
import io.temporal.workflow.WorkflowMethod;

/**
 * An expand/contract schema change on a live PostgreSQL table: expand, backfill, verify, switch
 * reads, stop old writes, contract, with a gate before each change (the contract's destructive)
 * and a rollback at any gate before the contract. Besides the kernel's decisions and status, the
 * operator's updates: {@code throttle}, {@code unthrottle}, {@code set-batch}, {@code set-ratio}
 * (the running backfill), {@code revert} (the killswitch: reads back to the old shape at once) and {@code
 * override} (drop despite writers seen recently). Their names are typed by operators and must
 * not change.
 */
@WorkflowInterface
public interface SchemaChangeWorkflow extends DecisionHandlers {

  String TYPE = "SchemaChange";
  String RUNBOOK = "schema-change";

  String UPDATE_THROTTLE = "throttle";
  String UPDATE_UNTHROTTLE = "unthrottle";
  String UPDATE_SET_BATCH = "set-batch";
  String UPDATE_SET_RATIO = "set-ratio";
  String UPDATE_REVERT = "revert";
  String UPDATE_OVERRIDE = QuietWriters.OVERRIDE;

  /**
   * One run per table: {@code schema-change-<host>-<port>-<database>-<schema>.<table>} (a local
   * server: {@code schema-change-local-<name>-<database>-<schema>.<table>}).
   */
  static String workflowId(SchemaChangeRequest request) {
    return RUNBOOK + "-" + request.targetKey().replaceAll("[^A-Za-z0-9._-]+", "-");
  }

  @WorkflowMethod(name = TYPE)
  SchemaChangeResult change(SchemaChangeRequest request);

  /** Pauses the running backfill (it keeps its place) until {@code unthrottle}. */
  @UpdateMethod(name = UPDATE_THROTTLE)
  String throttle(OperatorCommand command);

  @UpdateValidatorMethod(updateName = UPDATE_THROTTLE)
  void validateThrottle(OperatorCommand command);

  @UpdateMethod(name = UPDATE_UNTHROTTLE)
  String unthrottle(OperatorCommand command);

  @UpdateValidatorMethod(updateName = UPDATE_UNTHROTTLE)
  void validateUnthrottle(OperatorCommand command);

  /** Pins the running backfill's batch size ({@code batchSize}; 0: adaptive again). */
  @UpdateMethod(name = UPDATE_SET_BATCH)
  String setBatch(OperatorCommand command);

  @UpdateValidatorMethod(updateName = UPDATE_SET_BATCH)
  void validateSetBatch(OperatorCommand command);

  /**
   * Sets the latency guard's ratio of the running backfill ({@code ratio}, above 1.0 and at most
   * 10): the foreground's p99 is held under that multiple of its baseline from the next batch
   * on (an absolute budget the request gave no longer applies). Refused in runs started before
   * the guard.
   */
  @UpdateMethod(name = UPDATE_SET_RATIO)
  String setRatio(OperatorCommand command);

  @UpdateValidatorMethod(updateName = UPDATE_SET_RATIO)
  void validateSetRatio(OperatorCommand command);

  /**
   * The killswitch: reads back to the old shape at once (and old writes back on, when they had
   * stopped); the run goes back to the {@code switch-reads} gate. Refused after the contract
   * began, and when reads are on the old shape.
   */
  @UpdateMethod(name = UPDATE_REVERT)
  String revert(OperatorCommand command);

  @UpdateValidatorMethod(updateName = UPDATE_REVERT)
  void validateRevert(OperatorCommand command);

  /**
   * Drops despite writers: while the run holds before a drop because writers the flags no
   * longer allow were seen recently, ends the hold; {@code confirm} must be what the hold says,
   * typed exactly. Refused when the run is not holding so.
   */
  @UpdateMethod(name = UPDATE_OVERRIDE)
  String override(OperatorCommand command);

  @UpdateValidatorMethod(updateName = UPDATE_OVERRIDE)
  void validateOverride(OperatorCommand command);
}
