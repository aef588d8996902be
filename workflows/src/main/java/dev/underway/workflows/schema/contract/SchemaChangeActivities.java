package dev.underway.workflows.schema.contract;

import dev.underway.kernel.ChangeResult;
import dev.underway.targets.PostgresTarget;
import io.temporal.activity.ActivityInterface;
import io.temporal.activity.ActivityMethod;

/**
 * What the SchemaChange runbook asks of the target's PostgreSQL. Activity type names are
 * {@code SchemaChange.<Method>}.
 *
 * <p>Every method:
 *
 * <ul>
 *   <li>is <b>idempotent</b>: run twice it converges and answers {@link
 *       ChangeResult.Outcome#UNCHANGED} the second time (tested by running it twice);
 *   <li>resolves credentials itself ({@code PostgresTarget.credentialsSecret} or the worker's
 *       environment, as the evolution's SQL activities do); they never appear in arguments,
 *       results, heartbeats, failure messages or logs;
 *   <li>raises a <b>refusal</b> as a non-retryable {@code ApplicationFailure} whose type is one
 *       of {@link SchemaFailures} ({@code NoUsableKey}, {@code ColumnExists}, {@code
 *       ExpressionInvalid}, {@code UnsafeChange}, {@code ChangeInProgress}) or of {@link
 *       dev.underway.kernel.Failures} ({@code TargetNotFound}, {@code InsufficientPrivilege},
 *       {@code CredentialsProblem}), with a
 *       sentence an operator understands, <b>before</b> it changes anything: a mutating method
 *       re-checks at the database what it depends on (time passed since the observation);
 *   <li>heartbeats when it can take more than a few seconds (every batch, every lock retry), so
 *       that a worker that died is noticed within the heartbeat timeout.
 * </ul>
 *
 * <p><b>Owner</b>: {@code owner} is the workflow id of the run (one run per table). Expand
 * writes it into the table's {@code underway_schema_changes} row; a row held by another owner
 * refuses with {@code ChangeInProgress}; undo and contract act only on their owner's row.
 *
 * <p><b>Control</b>: throttle, unthrottle and set-batch reach the running backfill through that
 * row: {@link #control} writes it, the backfill reads it before every batch (one primary-key
 * read), so a command takes effect within one batch, survives a worker restart, and can be seen
 * (and, in an emergency, set) at the database. Temporal's heartbeat response carries only
 * cancellation, and cancelling and restarting the activity would lose its pace; the row is
 * the simplest channel that works whichever worker runs the attempt.
 */
@ActivityInterface
public interface SchemaChangeActivities {

  /**
   * Reads the table and its server (see {@link TableObservation}), tries every {@code up} and
   * {@code down} on a few rows in a transaction rolled back (a {@code down} over rows whose new
   * columns are computed by {@code up}), resolves every new column's type (one type name, nothing
   * else), runs the latency probe once in a READ ONLY transaction rolled back, plans the
   * backfill's key walk ({@code EXPLAIN}), finds what must change before the contract, and judges
   * what would rewrite or lock the table. Changes nothing; never refuses: an unknown table is
   * {@code tableExists = false}, a bad expression, type or probe an entry in {@code
   * expressionProblems} (the planner refuses).
   *
   * @param latencyProbe the request's {@code latencyProbe}, tried once; null: none to try
   */
  @ActivityMethod(name = "SchemaChange.Observe")
  TableObservation observe(PostgresTarget target, TableChange change, String latencyProbe);

  /**
   * Expand: creates {@code underway_flags} and {@code underway_schema_changes} if missing,
   * claims the table (its row, with {@code owner} and the columns it adds), adds the new
   * column(s) (and the version column when asked and missing) without a default that rewrites,
   * under {@code SET lock_timeout = '500ms'} with bounded retries and backoff when the lock is
   * not granted (heartbeating; after the last, non-retryable {@code LockNotGranted}, having
   * changed nothing on the table), installs the sync trigger ({@link ChangeObjects}: old-shape
   * writes, which change only old columns, get the new columns from {@code up}; new-shape writes
   * get each replaced column from its {@code down}; the version column set on every write), and
   * sets the flags to {@code reads=old}, {@code writes=both} where they are not set. Refuses
   * {@code ColumnExists} for a new column this owner did not add, {@code ChangeInProgress} for a
   * table another owner holds. Run again: {@code UNCHANGED}.
   */
  @ActivityMethod(name = "SchemaChange.Expand")
  ChangeResult expand(PostgresTarget target, TableChange change, String owner);

  /**
   * Undoes expand (the rollback): drops the sync trigger and its function, the columns this
   * owner added (only those its row names), its flags and its row, each under a short lock
   * timeout with retries. Afterwards the table's catalogue description equals the one observed
   * before expand. Nothing to undo: {@code UNCHANGED}. Never touches a table another owner holds
   * (refuses {@code ChangeInProgress}).
   */
  @ActivityMethod(name = "SchemaChange.UndoExpand")
  ChangeResult undoExpand(PostgresTarget target, TableChange change, String owner);

  /**
   * The backfill: ONE long activity walking the key in keyset batches ({@code WHERE (key) >
   * (cursor) ORDER BY key LIMIT n}), each batch one short transaction setting the new columns
   * from {@code up} (and the version column) on rows that need it. Heartbeats {@link
   * BackfillProgress} after every batch (and while paused): an attempt that finds heartbeat
   * details resumes after their {@code cursor}, never from the start, so rows touched across a
   * killed worker are about the rows in the table. Adapts the batch to {@code
   * targetBatchMillis}; pauses while any standby's replay lag exceeds {@code
   * maxReplicaLagMillis}; slows (smaller batches and a pause as long as the probe took) while the
   * latency probe exceeds its budget; reads the control row before every batch (throttled:
   * pause; a pinned batch size: use it) and writes its progress there. Returns when the walk
   * reaches the end of the key.
   */
  @ActivityMethod(name = "SchemaChange.Backfill")
  BackfillResult backfill(PostgresTarget target, TableChange change, BackfillSettings settings);

  /**
   * Writes an operator's throttle, unthrottle or batch size into the table's control row (set,
   * not toggle: idempotent). The running backfill obeys it at its next batch. Refuses {@code
   * ChangeInProgress} when the row is missing or held by another owner.
   */
  @ActivityMethod(name = "SchemaChange.Control")
  ChangeResult control(PostgresTarget target, TableChange change, String owner,
      BackfillControl control);

  /**
   * The backfill's progress as it last wrote it to the control row (for the run's status while
   * it runs); null when none was written. Changes nothing.
   */
  @ActivityMethod(name = "SchemaChange.Progress")
  BackfillProgress progress(PostgresTarget target, TableChange change);

  /**
   * Verify: every row, in key-ordered chunks, compares each new column with {@code up} over the
   * old ones ({@code IS NOT DISTINCT FROM}) and each replaced column that has a {@code down} with
   * it; counts mismatches, returns up to {@code sampleLimit} keys. Heartbeats its cursor and
   * resumes from it. Changes nothing.
   */
  @ActivityMethod(name = "SchemaChange.Verify")
  VerifyResult verify(PostgresTarget target, TableChange change, VerifySettings settings);

  /**
   * Sets one of the change's flags ({@link ChangeObjects#readsFlag()} or {@link
   * ChangeObjects#writesFlag()}) to {@code value} with {@code updated_at = now()}; {@code
   * UNCHANGED} when it already has that value. The writes flag and the sync trigger's phase
   * change in one transaction, and the stray-write evidence starts again. Used by switch reads,
   * revert (the killswitch), stop old writes, and their undos. {@code UNCHANGED}, creating
   * nothing, when no run holds the table (not expanded: a rollback of an expand that never
   * happened). Refuses {@code ChangeInProgress} when another owner holds the table, {@code
   * InvalidRequest} for another key or a value the flag does not take.
   */
  @ActivityMethod(name = "SchemaChange.SetFlag")
  ChangeResult setFlag(PostgresTarget target, TableChange change, String owner, String key,
      String value);

  /**
   * After the backfill, for a change that replaces one column by one: carries the old column's
   * NOT NULL (a CHECK NOT VALID, then validated without blocking writes) and UNIQUE (an index
   * built CONCURRENTLY, its validity checked; a failed build is dropped and refused {@code
   * UnsafeChange} with the reason) to the new column; the contract finishes both. Heartbeats
   * while a statement runs. Run again: {@code UNCHANGED}. Nothing to carry: {@code UNCHANGED}.
   */
  @ActivityMethod(name = "SchemaChange.Constraints")
  ChangeResult constraints(PostgresTarget target, TableChange change, String owner);

  /**
   * The evidence of writers the writes flag no longer allows ({@link WriterEvidence}): the sync
   * trigger's count since the flag last changed and the client sessions whose query in the last
   * {@code windowMillis} names a column that is about to go. Changes nothing. A change without
   * flags answers with {@code writes} null and nothing counted.
   */
  @ActivityMethod(name = "SchemaChange.Writers")
  WriterEvidence writers(PostgresTarget target, TableChange change, long windowMillis);

  /**
   * Contract (destructive, after the gate's typed confirmation): drops the replaced column(s),
   * the sync trigger and its function, under a short lock timeout with retries; sets the flags
   * to their final values ({@code reads=new}, {@code writes=new}) and releases the table (its
   * row). Refuses {@code UnsafeChange} before dropping anything when another object (a view, a
   * foreign key, an index of another column set) depends on a dropped column. Run again: {@code
   * UNCHANGED}.
   */
  @ActivityMethod(name = "SchemaChange.Contract")
  ChangeResult contract(PostgresTarget target, TableChange change, String owner);
}
