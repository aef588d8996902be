package dev.underway.workflows.evolution;

import dev.underway.kernel.Run;
import dev.underway.kernel.Timeline;

/** Step names, as the status query and timeline show them. Stable: runbooks refer to them. */
public final class Steps {
  private Steps() {}

  public static final String VALIDATE = Run.VALIDATE;
  public static final String OBSERVE = "observe";
  public static final String PLAN = "plan";
  public static final String GATE = Run.GATE;
  /** After an approval: is the cluster still the one the approved plan was computed from? */
  public static final String RECHECK = Run.RECHECK;
  /** Not going on while the cluster is unhealthy; re-checked until healthy or aborted. */
  public static final String HOLD = Run.HOLD;
  public static final String LOCK_CONSTRAINTS = "lock-constraints";
  public static final String SCALE = "scale";
  public static final String AWAIT_PODS_READY = "await-pods-ready";
  public static final String AWAIT_NODES_LIVE = "await-nodes-live";
  public static final String SET_REPLICATION = "set-replication";
  public static final String AWAIT_REPLICATION = "await-replication";
  /**
   * Before a phase moves data: the snapshot rate read (its undo registered) and the latency
   * guard's baseline sampled. Only where the database has the setting (CockroachDB).
   */
  public static final String SNAPSHOT_RATE = "snapshot-rate";
  /** After the replication wait: the snapshot rate put back exactly as found. */
  public static final String RESTORE_SNAPSHOT_RATE = "restore-snapshot-rate";
  public static final String READER_USER = "reader-user";
  public static final String READER_SERVICE = "reader-service";
  public static final String VERIFY = "verify";
  public static final String RELAX_CONSTRAINTS = "relax-constraints";

  /** Timeline states (the kernel's). */
  public static final String STARTED = Timeline.STARTED;
  public static final String COMPLETED = Timeline.COMPLETED;
  public static final String SKIPPED = Timeline.SKIPPED;
  public static final String FAILED = Timeline.FAILED;
  /** Gate states: {@code approved}, {@code rejected}, {@code aborted}, or this. */
  public static final String EXPIRED = Timeline.EXPIRED;
  /** Recheck state: the cluster moved since the plan was computed; the gate reopens. */
  public static final String CHANGED = Timeline.CHANGED;
  /** A step an abort stopped. */
  public static final String ABORTED = Timeline.ABORTED;
}
