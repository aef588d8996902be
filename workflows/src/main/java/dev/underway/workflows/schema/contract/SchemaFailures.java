package dev.underway.workflows.schema.contract;

import dev.underway.kernel.FailureType;
import java.util.List;

/**
 * The schema change's own kinds of failure, besides the kernel's ({@code FailureKind}): raised
 * by its activities and its planner, declared to the run (which of them are refusals) by {@link
 * #ALL}. Their Temporal failure types are stable across releases: histories and the CLI read
 * them.
 */
public final class SchemaFailures {
  private SchemaFailures() {}

  /** The table has no primary key, or the key named is not unique and not null. */
  public static final FailureType NO_USABLE_KEY = FailureType.ofRefusal("NoUsableKey");

  /** A column it would add is already there (and not from this run). */
  public static final FailureType COLUMN_EXISTS = FailureType.ofRefusal("ColumnExists");

  /** An {@code up} or {@code down} expression (or a default) does not type-check. */
  public static final FailureType EXPRESSION_INVALID = FailureType.ofRefusal("ExpressionInvalid");

  /**
   * The change would rewrite or lock the table (a volatile default), or lose objects that
   * depend on a column it drops.
   */
  public static final FailureType UNSAFE_CHANGE = FailureType.ofRefusal("UnsafeChange");

  /** Another schema change holds the table (one run per table). */
  public static final FailureType CHANGE_IN_PROGRESS = FailureType.ofRefusal("ChangeInProgress");

  /**
   * Not a refusal: a lock was not granted within its bounded retries (long transactions held
   * the table); nothing was changed on the table.
   */
  public static final FailureType LOCK_NOT_GRANTED = FailureType.ofFailure("LockNotGranted");

  /** Not a refusal: an {@code up} or {@code down} expression failed on a row of the table. */
  public static final FailureType EXPRESSION_FAILED = FailureType.ofFailure("ExpressionFailed");

  /**
   * Not a refusal: a statement a step ran is not valid on the database as it is (SQLSTATE class
   * 42: an undefined function or operator, column or table, a syntax error), e.g. the verify of
   * a type that has no {@code =}. Retrying runs the same statement again: it stops at once.
   */
  public static final FailureType STATEMENT_INVALID = FailureType.ofFailure("StatementInvalid");

  /** Every one of them, for the run's protocol. */
  public static final List<FailureType> ALL = List.of(NO_USABLE_KEY, COLUMN_EXISTS,
      EXPRESSION_INVALID, UNSAFE_CHANGE, CHANGE_IN_PROGRESS, LOCK_NOT_GRANTED, EXPRESSION_FAILED,
      STATEMENT_INVALID);
}
