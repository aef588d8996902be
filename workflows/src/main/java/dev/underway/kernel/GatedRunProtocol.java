package dev.underway.kernel;

import java.util.List;

/**
 * {@link RunProtocol} for a runbook with gates: the decision handlers of {@link
 * DecisionHandlers}, each taken by the run. Temporal finds the inherited handlers on the
 * implementation class like its own.
 *
 * @param <R> the runbook's result record
 */
public abstract class GatedRunProtocol<R> extends RunProtocol<R> implements DecisionHandlers {

  protected GatedRunProtocol(String runbook, String temporalAddress,
      List<? extends FailureType> own) {
    super(runbook, temporalAddress, own);
  }

  @Override
  public void approve(DecisionSignal s) {
    run().signal(DecisionKind.APPROVE, s);
  }

  @Override
  public void reject(DecisionSignal s) {
    run().signal(DecisionKind.REJECT, s);
  }

  @Override
  public void abort(DecisionSignal s) {
    run().signal(DecisionKind.ABORT, s);
  }

  @Override
  public void validateDecide(DecisionRequest r) {
    run().validate(r);
  }

  @Override
  public Decision decide(DecisionRequest r) {
    return run().decide(r);
  }
}
