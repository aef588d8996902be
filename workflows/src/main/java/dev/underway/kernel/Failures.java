package dev.underway.kernel;

/**
 * Failure types shared by workflow and activities. Each is non-retryable: retrying cannot fix
 * it, and it is raised before anything changes.
 */
public final class Failures {
  private Failures() {}

  /** The request is malformed or asks for something impossible. */
  public static final String INVALID_REQUEST = "InvalidRequest";

  /** The change would remove nodes or replicas. Underway never scales down. */
  public static final String SCALE_DOWN_REFUSED = "ScaleDownRefused";

  /** The target named in the request does not exist or is not what it should be. */
  public static final String TARGET_NOT_FOUND = "TargetNotFound";

  /** The SQL user Underway connects as lacks a privilege the change needs. */
  public static final String INSUFFICIENT_PRIVILEGE = "InsufficientPrivilege";

  /** Credentials are missing or wrong. */
  public static final String CREDENTIALS = "CredentialsProblem";

  /** A phase's changes were made but observing again did not show the desired shape. */
  public static final String VERIFICATION_FAILED = "VerificationFailed";

  /** A schema change: the table has no primary key, or the key named is not unique and not null. */
  public static final String NO_USABLE_KEY = "NoUsableKey";

  /** A schema change: a column it would add is already there (and not from this run). */
  public static final String COLUMN_EXISTS = "ColumnExists";

  /** A schema change: an {@code up} or {@code down} expression (or a default) does not type-check. */
  public static final String EXPRESSION_INVALID = "ExpressionInvalid";

  /**
   * A schema change that would rewrite or lock the table (a volatile default), or lose objects
   * that depend on a column it drops.
   */
  public static final String UNSAFE_CHANGE = "UnsafeChange";

  /** Another schema change holds the table (one run per table). */
  public static final String CHANGE_IN_PROGRESS = "ChangeInProgress";

  /**
   * Not a refusal: a schema change's lock was not granted within its bounded retries (long
   * transactions held the table); nothing was changed on the table.
   */
  public static final String LOCK_NOT_GRANTED = "LockNotGranted";

  /** Not a refusal: an {@code up} or {@code down} expression failed on a row of the table. */
  public static final String EXPRESSION_FAILED = "ExpressionFailed";

  /**
   * Not a refusal: a statement a step ran is not valid on the database as it is (SQLSTATE class
   * 42: an undefined function or operator, column or table, a syntax error), e.g. the verify of
   * a type that has no {@code =}. Retrying runs the same statement again: it stops at once.
   */
  public static final String STATEMENT_INVALID = "StatementInvalid";
}
