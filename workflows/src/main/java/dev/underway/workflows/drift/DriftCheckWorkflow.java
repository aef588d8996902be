package dev.underway.workflows.drift;

import dev.underway.model.TargetRef;
import io.temporal.workflow.QueryMethod;
import io.temporal.workflow.WorkflowInterface;
import io.temporal.workflow.WorkflowMethod;

/**
 * Compares the live target with the phase it is declared to be at and reports the drift. Reads
 * only (the observe activities); never changes anything. Meant to run from a Schedule.
 *
 * <p>The names below are typed by operators ({@code temporal schedule create --type
 * DriftCheck}): they are a stable interface and must not change.
 */
@WorkflowInterface
public interface DriftCheckWorkflow {

  /** Workflow type. */
  String TYPE = "DriftCheck";
  /** Query: {@link DriftStatus}. */
  String QUERY_STATUS = "status";

  /**
   * The schedule id and base workflow id for a target: {@code drift-check-<namespace>-<sts>}. A
   * schedule appends the scheduled time to the workflow id of each run it starts.
   */
  static String scheduleId(TargetRef target) {
    return "drift-check-" + target.namespace() + "-" + target.statefulSet();
  }

  @WorkflowMethod(name = TYPE)
  DriftReport check(DriftCheckRequest request);

  @QueryMethod(name = QUERY_STATUS)
  DriftStatus status();
}
