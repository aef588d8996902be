package dev.underway.kernel;

/**
 * Where a run is. The terminal states say how it ended (each an {@link Outcome}, the words every
 * surface uses); {@link #CANCELED} and {@link #REFUSED} are said by runs recorded from the
 * kernel's {@code Sequence.OUTCOMES} on (earlier: {@link #ABORTED} and {@link #FAILED}).
 */
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
  /** Cancelled through Temporal (Request Cancellation), taken as an abort: ends Canceled. */
  CANCELED,
  /** Refused before any change: the request, or what the first observation found. */
  REFUSED,
  FAILED;

  public boolean terminal() {
    return this != RUNNING && this != WAITING_FOR_APPROVAL && this != HOLDING;
  }
}
