package dev.underway.kernel;

import io.temporal.workflow.SignalMethod;
import io.temporal.workflow.UpdateMethod;
import io.temporal.workflow.UpdateValidatorMethod;

/**
 * The handlers of a runbook with gates besides its own method: decisions (signals for scripts,
 * a validated update for people), and the {@code status} query. A runbook's {@code
 * @WorkflowInterface} extends this; {@link GatedRunProtocol} implements the handlers. The names
 * are typed by operators in the UI and the {@code temporal} CLI and must not change.
 */
public interface DecisionHandlers extends StatusQuery {

  /** Signal: approve the open gate. Payload: {@link DecisionSignal}. */
  String SIGNAL_APPROVE = "approve";
  /** Signal: reject the open gate; the run ends. */
  String SIGNAL_REJECT = "reject";
  /** Signal: stop the run at once. */
  String SIGNAL_ABORT = "abort";
  /** Update: a validated decision. Payload: {@link DecisionRequest}. */
  String UPDATE_DECIDE = "decide";

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
}
