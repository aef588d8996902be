package dev.underway.kernel;

import io.temporal.failure.ApplicationFailure;

/**
 * A kind of non-retryable failure a run can end with: its Temporal failure type (stable across
 * releases: histories and the CLI's exit codes read it) and whether it is a refusal, raised
 * before anything was changed, so that the run's message says so instead of what was rolled
 * back. The kernel's kinds are {@link FailureKind}; a runbook declares its own with {@link
 * #ofRefusal} and {@link #ofFailure} and hands them to its {@link RunProtocol}.
 */
public interface FailureType {

  /** A runbook's own kind of failure (see {@link #ofRefusal}, {@link #ofFailure}). */
  record Declared(String type, boolean refusal) implements FailureType {}

  /** A kind raised before anything was changed, of Temporal failure type {@code type}. */
  static FailureType ofRefusal(String type) {
    return new Declared(type, true);
  }

  /** A kind raised after something may have changed, of Temporal failure type {@code type}. */
  static FailureType ofFailure(String type) {
    return new Declared(type, false);
  }

  /** How every refusal's message starts: the operator reads that nothing was changed. */
  String REFUSED = "Refused before any change";

  /** The Temporal failure type. */
  String type();

  /** Whether this kind is raised before anything was changed. */
  boolean refusal();

  /** A non-retryable refusal of this kind, its message starting with {@link #REFUSED}. */
  default ApplicationFailure refuse(String why) {
    return ApplicationFailure.newNonRetryableFailure(REFUSED + ": " + why, type());
  }

  /** A non-retryable failure of this kind. */
  default ApplicationFailure failure(String why) {
    return ApplicationFailure.newNonRetryableFailure(why, type());
  }
}
