package dev.underway.workflows.schema;

import dev.underway.kernel.Run;
import io.temporal.workflow.Workflow;

/**
 * After verify, for a change that replaces one column by one: the old column's NOT NULL (a check
 * validated without blocking writes) and UNIQUE (an index built concurrently) carried to the new
 * one, as the plan showed (step {@value #STEP}); the contract finishes them.
 */
final class ConstraintsStep {

  /**
   * The change id of carrying the replaced column's NOT NULL and UNIQUE after the backfill; runs
   * whose plan carries nothing never ask.
   */
  static final String CARRY = "carry-constraints";
  static final String STEP = "constraints";

  private ConstraintsStep() {}

  /** Carries what the plan says; an abort stops the run. */
  static void carry(Run run, SchemaChangeRequest request, SchemaPlan plan, String owner) {
    boolean carries = plan.carried().stream().anyMatch(c -> c.startsWith("NOT NULL")
        || c.startsWith("UNIQUE"));
    if (!carries || Workflow.getVersion(CARRY, Workflow.DEFAULT_VERSION, 1)
        == Workflow.DEFAULT_VERSION) {
      return;
    }
    run.changeStep(SchemaChangeWorkflowImpl.VERIFY, STEP, () -> SchemaStubs.of(
        SchemaStubs.WALK, "verify · constraints").constraints(request.target(), request.change(),
        owner));
  }
}
