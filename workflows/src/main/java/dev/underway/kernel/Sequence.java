package dev.underway.kernel;

/**
 * The command sequences a run can follow, oldest first. A run recorded under an older sequence
 * replays with it (a runbook maps its {@code Workflow.getVersion} to one); new runs follow
 * {@link #VIEW}.
 */
public enum Sequence {
  /** The first release: no UnderwayState, decisions without freshness, only waits cancellable. */
  FIRST,
  /**
   * UnderwayState, holding while unhealthy, fresh decisions (plan digest, issue time), every
   * step cancellable by an abort.
   */
  SAFETY,
  /**
   * What an operator sees: every gate waits on a timer (a bar on the run's page, with a
   * summary), UnderwayOpenGate unset when no gate is open, and a run that does not complete
   * (rejected, aborted, expired) ends as Failed with that type; a Temporal cancellation is an
   * abort that ends the run Canceled.
   */
  VIEW;

  public boolean atLeast(Sequence other) {
    return compareTo(other) >= 0;
  }
}
