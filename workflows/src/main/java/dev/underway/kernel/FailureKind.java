package dev.underway.kernel;

/**
 * The kernel's kinds of failure, the same for every runbook: a request refused, a target that
 * is not there or that Underway may not change, a change that did not show, a step that failed
 * after retrying, and the endings that are not failures of a step (rejected, aborted, expired).
 * A runbook declares its own ({@link FailureType#ofRefusal}, {@link FailureType#ofFailure}) in
 * its contract package. The Temporal failure type is the {@link Failures} name, stable across
 * releases.
 */
public enum FailureKind implements FailureType {
  INVALID_REQUEST(Failures.INVALID_REQUEST, true),
  TARGET_NOT_FOUND(Failures.TARGET_NOT_FOUND, true),
  INSUFFICIENT_PRIVILEGE(Failures.INSUFFICIENT_PRIVILEGE, true),
  CREDENTIALS(Failures.CREDENTIALS, true),
  VERIFICATION_FAILED(Failures.VERIFICATION_FAILED, false),
  /** Anything else: a step failed after retrying. */
  STEP_FAILED("StepFailed", false),
  /** Endings that are not failures of a step: a gate rejected (the run ends Failed with it). */
  REJECTED("Rejected", false),
  /** An operator's abort. */
  ABORTED("Aborted", false),
  /** A gate that expired without a decision. */
  EXPIRED("Expired", false);

  /** How every refusal's message starts (see {@link FailureType#REFUSED}). */
  public static final String REFUSED = FailureType.REFUSED;

  private final String type;
  private final boolean refusal;

  FailureKind(String type, boolean refusal) {
    this.type = type;
    this.refusal = refusal;
  }

  @Override
  public String type() {
    return type;
  }

  /** Whether this kind is how a run ends without completing (not a failure of a step). */
  public boolean ending() {
    return this == REJECTED || this == ABORTED || this == EXPIRED;
  }

  @Override
  public boolean refusal() {
    return refusal;
  }

  /** The kernel's kind of a failure type; {@link #STEP_FAILED} for any other type. */
  public static FailureKind of(String type) {
    for (FailureKind k : values()) {
      if (k.type.equals(type)) {
        return k;
      }
    }
    return STEP_FAILED;
  }

  /** The kind of a run's end that did not complete: rejected, aborted or expired. */
  static FailureKind ending(RunState end) {
    return end == RunState.REJECTED ? REJECTED : end == RunState.ABORTED ? ABORTED : EXPIRED;
  }
}
