package dev.underway.kernel;

/**
 * @deprecated a runbook extends {@link GatedRunProtocol}, which owns the protocol and these
 *     handlers; kept while the schema change moves to it
 */
@Deprecated(forRemoval = true)
public abstract class GatedRunbook implements DecisionHandlers {

  private final Run run;

  protected GatedRunbook(Run run) {
    this.run = run;
  }

  /** The run every handler and the runbook's body use. */
  protected final Run run() {
    return run;
  }

  @Override
  public void approve(DecisionSignal s) {
    run.signal(DecisionKind.APPROVE, s);
  }

  @Override
  public void reject(DecisionSignal s) {
    run.signal(DecisionKind.REJECT, s);
  }

  @Override
  public void abort(DecisionSignal s) {
    run.signal(DecisionKind.ABORT, s);
  }

  @Override
  public void validateDecide(DecisionRequest r) {
    run.validate(r);
  }

  @Override
  public Decision decide(DecisionRequest r) {
    return run.decide(r);
  }
}
