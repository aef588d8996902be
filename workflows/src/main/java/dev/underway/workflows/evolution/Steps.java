package dev.underway.workflows.evolution;

/** Step names, as the status query and timeline show them. Stable: runbooks refer to them. */
public final class Steps {
  private Steps() {}

  public static final String VALIDATE = "validate";
  public static final String OBSERVE = "observe";
  public static final String PLAN = "plan";
  public static final String GATE = "gate";
  /** After an approval: is the cluster still the one the approved plan was computed from? */
  public static final String RECHECK = "recheck";
  /** Not going on while the cluster is unhealthy; re-checked until healthy or aborted. */
  public static final String HOLD = "hold";
  public static final String LOCK_CONSTRAINTS = "lock-constraints";
  public static final String SCALE = "scale";
  public static final String AWAIT_PODS_READY = "await-pods-ready";
  public static final String AWAIT_NODES_LIVE = "await-nodes-live";
  public static final String SET_REPLICATION = "set-replication";
  public static final String AWAIT_REPLICATION = "await-replication";
  public static final String READER_USER = "reader-user";
  public static final String READER_SERVICE = "reader-service";
  public static final String VERIFY = "verify";
  public static final String RELAX_CONSTRAINTS = "relax-constraints";
  public static final String DONE = "done";

  /** Timeline states. */
  public static final String STARTED = "started";
  public static final String COMPLETED = "done";
  public static final String SKIPPED = "skipped";
  public static final String FAILED = "failed";
  /** Gate states: {@code approved}, {@code rejected}, {@code aborted}, or this. */
  public static final String EXPIRED = "expired";
  /** Recheck state: the cluster moved since the plan was computed; the gate reopens. */
  public static final String CHANGED = "changed";
  /** A step an abort stopped. */
  public static final String ABORTED = "aborted";
}
