package dev.underway.workflows.evolution;

import dev.underway.model.Decision;
import dev.underway.model.DecisionRequest;
import dev.underway.model.DecisionSignal;
import dev.underway.model.EvolutionRequest;
import dev.underway.model.EvolutionResult;
import dev.underway.model.EvolutionStatus;
import dev.underway.model.TargetRef;
import io.temporal.workflow.QueryMethod;
import io.temporal.workflow.SignalMethod;
import io.temporal.workflow.UpdateMethod;
import io.temporal.workflow.UpdateValidatorMethod;
import io.temporal.workflow.WorkflowInterface;
import io.temporal.workflow.WorkflowMethod;

/**
 * Evolves a CockroachDB cluster through phases (nodes, replication factor, reader path), with a
 * human decision before every change.
 *
 * <p>The names below are typed by operators in the UI and the {@code temporal} CLI: they are a
 * stable interface and must not change.
 */
@WorkflowInterface
public interface ClusterEvolutionWorkflow {

  /** Workflow type. */
  String TYPE = "ClusterEvolution";
  /** Signal: approve the open gate. Payload: {@link DecisionSignal}. */
  String SIGNAL_APPROVE = "approve";
  /** Signal: reject the open gate; the run ends, nothing is rolled back. */
  String SIGNAL_REJECT = "reject";
  /** Signal: stop the run at the next step boundary (or at once at a gate). */
  String SIGNAL_ABORT = "abort";
  /** Update: a validated decision. Payload: {@link DecisionRequest}. */
  String UPDATE_DECIDE = "decide";
  /** Query: {@link EvolutionStatus}. */
  String QUERY_STATUS = "status";

  /** Only one run per target: its workflow id is derived from the target. */
  static String workflowId(TargetRef target) {
    return "cluster-evolution-" + target.namespace() + "-" + target.statefulSet();
  }

  @WorkflowMethod(name = TYPE)
  EvolutionResult evolve(EvolutionRequest request);

  @SignalMethod(name = SIGNAL_APPROVE)
  void approve(DecisionSignal decision);

  @SignalMethod(name = SIGNAL_REJECT)
  void reject(DecisionSignal decision);

  @SignalMethod(name = SIGNAL_ABORT)
  void abort(DecisionSignal decision);

  @UpdateMethod(name = UPDATE_DECIDE)
  Decision decide(DecisionRequest decision);

  @UpdateValidatorMethod(updateName = UPDATE_DECIDE)
  void validateDecide(DecisionRequest decision);

  @QueryMethod(name = QUERY_STATUS)
  EvolutionStatus status();
}
