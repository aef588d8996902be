package dev.underway.kernel;

/** Where a run is. The terminal states say how it ended. */
public enum RunState {
  RUNNING,
  WAITING_FOR_APPROVAL,
  /** Not going on: the cluster is unhealthy; re-checked until it is healthy, or aborted. */
  HOLDING,
  COMPLETED,
  DRY_RUN_COMPLETED,
  REJECTED,
  ABORTED,
  EXPIRED,
  FAILED;

  public boolean terminal() {
    return this != RUNNING && this != WAITING_FOR_APPROVAL && this != HOLDING;
  }
}
