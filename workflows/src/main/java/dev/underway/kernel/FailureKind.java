package dev.underway.kernel;

import dev.underway.kernel.Failures;
import io.temporal.failure.ApplicationFailure;

/**
 * The kinds of non-retryable failure a run ends with, and whether each is a refusal: raised
 * before anything was changed, so that the run's message says so instead of "nothing was
 * rolled back". The Temporal failure type is the {@link Failures} name, stable across releases.
 */
public enum FailureKind {
  INVALID_REQUEST(Failures.INVALID_REQUEST, true),
  SCALE_DOWN_REFUSED(Failures.SCALE_DOWN_REFUSED, true),
  TARGET_NOT_FOUND(Failures.TARGET_NOT_FOUND, true),
  INSUFFICIENT_PRIVILEGE(Failures.INSUFFICIENT_PRIVILEGE, true),
  CREDENTIALS(Failures.CREDENTIALS, true),
  NO_USABLE_KEY(Failures.NO_USABLE_KEY, true),
  COLUMN_EXISTS(Failures.COLUMN_EXISTS, true),
  EXPRESSION_INVALID(Failures.EXPRESSION_INVALID, true),
  UNSAFE_CHANGE(Failures.UNSAFE_CHANGE, true),
  CHANGE_IN_PROGRESS(Failures.CHANGE_IN_PROGRESS, true),
  LOCK_NOT_GRANTED(Failures.LOCK_NOT_GRANTED, false),
  EXPRESSION_FAILED(Failures.EXPRESSION_FAILED, false),
  STATEMENT_INVALID(Failures.STATEMENT_INVALID, false),
  VERIFICATION_FAILED(Failures.VERIFICATION_FAILED, false),
  /** Anything else: a step failed after retrying. */
  STEP_FAILED("StepFailed", false),
  /** Endings that are not failures of a step: a gate rejected (the run ends Failed with it). */
  REJECTED("Rejected", false),
  /** An operator's abort. */
  ABORTED("Aborted", false),
  /** A gate that expired without a decision. */
  EXPIRED("Expired", false);

  /** How every refusal's message starts: the operator reads that nothing was changed. */
  public static final String REFUSED = "Refused before any change";

  private final String type;
  private final boolean refusal;

  FailureKind(String type, boolean refusal) {
    this.type = type;
    this.refusal = refusal;
  }

  /** The Temporal failure type. */
  public String type() {
    return type;
  }

  /** Whether this kind is how a run ends without completing (not a failure of a step). */
  public boolean ending() {
    return this == REJECTED || this == ABORTED || this == EXPIRED;
  }

  /** Whether this kind is raised before anything was changed. */
  public boolean refusal() {
    return refusal;
  }

  /** The kind of a failure type; {@link #STEP_FAILED} for types this release does not know. */
  public static FailureKind of(String type) {
    for (FailureKind k : values()) {
      if (k.type.equals(type)) {
        return k;
      }
    }
    return STEP_FAILED;
  }

  /** A non-retryable refusal of this kind, its message starting with {@link #REFUSED}. */
  public ApplicationFailure refuse(String why) {
    return ApplicationFailure.newNonRetryableFailure(REFUSED + ": " + why, type);
  }

  /** A non-retryable failure of this kind. */
  public ApplicationFailure failure(String why) {
    return ApplicationFailure.newNonRetryableFailure(why, type);
  }
}
