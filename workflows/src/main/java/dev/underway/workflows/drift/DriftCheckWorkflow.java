package dev.underway.workflows.drift;

import dev.underway.kernel.StatusQuery;
import dev.underway.workflows.evolution.model.ClusterTarget;
import io.temporal.workflow.WorkflowInterface;
import io.temporal.workflow.WorkflowMethod;

/**
 * Compares the live target with the phase it is declared to be at and reports the drift. Reads
 * only (the observe activities); never changes anything. Meant to run from a Schedule. Its
 * {@code status} query is the kernel's, like every runbook's; the report is its {@code result}.
 *
 * <p>The names below are typed by operators ({@code temporal schedule create --type
 * DriftCheck}): they are a stable interface and must not change.
 */
@WorkflowInterface
public interface DriftCheckWorkflow extends StatusQuery {

  /** Workflow type. */
  String TYPE = "DriftCheck";

  /** The runbook's name in the registry, status and CLI. */
  String RUNBOOK = "drift-check";

  /**
   * The schedule id and base workflow id for a target: {@code drift-check-<namespace>-<sts>}. A
   * schedule appends the scheduled time to the workflow id of each run it starts.
   */
  static String scheduleId(ClusterTarget target) {
    return RUNBOOK + "-" + target.idPart();
  }

  @WorkflowMethod(name = TYPE)
  DriftReport check(DriftCheckRequest request);
}
