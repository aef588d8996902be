package dev.underway.kernel;

/**
 * A runbook workflow's decision handlers, each taken by its {@link Run}: extend this, give it
 * the run, and implement the runbook's own method and {@code status}. Temporal finds the
 * inherited handlers on the implementation class like its own.
 */
public abstract class GatedRunbook implements GatedWorkflow {

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
