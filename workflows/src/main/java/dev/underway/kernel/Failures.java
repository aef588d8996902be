package dev.underway.kernel;

/**
 * The kernel's failure types, shared by every runbook's workflow and activities (the types of
 * {@link FailureKind}). A runbook's own are declared in its contract package (e.g. {@code
 * SchemaFailures}).
 */
public final class Failures {
  private Failures() {}

  /** The request is malformed or asks for something impossible. */
  public static final String INVALID_REQUEST = "InvalidRequest";

  /** The target named in the request does not exist or is not what it should be. */
  public static final String TARGET_NOT_FOUND = "TargetNotFound";

  /** The SQL user Underway connects as lacks a privilege the change needs. */
  public static final String INSUFFICIENT_PRIVILEGE = "InsufficientPrivilege";

  /** Credentials are missing or wrong. */
  public static final String CREDENTIALS = "CredentialsProblem";

  /**
   * TLS between the worker and the database cannot be set up as the target's {@code sslMode}
   * asks: the server has no TLS, or wants it, or its certificate is not trusted.
   */
  public static final String TLS = "TlsProblem";

  /** A phase's changes were made but observing again did not show the desired shape. */
  public static final String VERIFICATION_FAILED = "VerificationFailed";
}
