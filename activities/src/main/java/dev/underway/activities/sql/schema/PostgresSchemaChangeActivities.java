package dev.underway.activities.sql.schema;

import dev.underway.workflows.schema.contract.BackfillControl;
import dev.underway.workflows.schema.contract.BackfillProgress;
import dev.underway.workflows.schema.contract.BackfillResult;
import dev.underway.workflows.schema.contract.BackfillSettings;
import dev.underway.workflows.schema.contract.SchemaChangeActivities;
import dev.underway.workflows.schema.contract.TableChange;
import dev.underway.workflows.schema.contract.TableObservation;
import dev.underway.workflows.schema.contract.VerifyResult;
import dev.underway.workflows.schema.contract.VerifySettings;
import dev.underway.workflows.schema.contract.WriterEvidence;
import dev.underway.activities.sql.ConnectionFactory;
import dev.underway.activities.sql.CredentialSource;
import dev.underway.activities.sql.SqlCredentials;
import dev.underway.activities.support.guard.ForegroundProbe;
import dev.underway.guard.GuardSettings;
import dev.underway.kernel.FailureKind;
import dev.underway.kernel.ChangeResult;
import dev.underway.kernel.ChangeResult.Outcome;
import dev.underway.targets.PostgresTarget;
import io.temporal.activity.Activity;
import io.temporal.activity.ActivityExecutionContext;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;

/**
 * {@link SchemaChangeActivities} on PostgreSQL: each method opens a connection to the target
 * with the credentials its source gives (never logged, never in a message), and runs one building
 * block of this package. Long steps heartbeat through the activity's context: the backfill its
 * {@link BackfillProgress} (and, at most once a second, into the table's control row for the
 * run's status), the verify its cursor, a DDL step every wait for its lock. A retried verify
 * resumes from its last heartbeat's details, a retried backfill from the further of those and the
 * progress it wrote to the table's row.
 */
public final class PostgresSchemaChangeActivities implements SchemaChangeActivities {

  private final ConnectionFactory connections;
  private final CredentialSource credentials;
  private final LockRetry lock;
  private final Pacing pacing;
  private final TableObserver observer;

  public PostgresSchemaChangeActivities(ConnectionFactory connections,
      CredentialSource credentials) {
    this(connections, credentials, LockRetry.standard(), Pacing.DEFAULT, new TableObserver());
  }

  public PostgresSchemaChangeActivities(ConnectionFactory connections,
      CredentialSource credentials, LockRetry lock, Pacing pacing, TableObserver observer) {
    this.connections = connections;
    this.credentials = credentials;
    this.lock = lock;
    this.pacing = pacing;
    this.observer = observer;
  }

  @Override
  public TableObservation observe(PostgresTarget target, TableChange change, String latencyProbe) {
    String what = "observe " + change.qualifiedTable();
    return sql(target, what, c -> observer.with(saying(what)).observe(c, ChangeSpec.of(change),
        latencyProbe));
  }

  @Override
  public ChangeResult expand(PostgresTarget target, TableChange change, String owner) {
    String what = "expand " + change.qualifiedTable();
    return sql(target, what,
        c -> new Expand(lock.reporting(PostgresSchemaChangeActivities::heartbeat),
            observer.with(saying(what))).expand(c, ChangeSpec.of(change), owner));
  }

  @Override
  public ChangeResult undoExpand(PostgresTarget target, TableChange change, String owner) {
    String what = "undo the expand of " + change.qualifiedTable();
    return sql(target, what,
        c -> new Expand(lock.reporting(PostgresSchemaChangeActivities::heartbeat),
            observer.with(saying(what))).undo(c, ChangeSpec.of(change), owner));
  }

  @Override
  public BackfillResult backfill(PostgresTarget target, TableChange change, BackfillSettings given) {
    ActivityExecutionContext ctx = Activity.getExecutionContext();
    BackfillProgress beat = ctx.getHeartbeatDetails(BackfillProgress.class).orElse(null);
    boolean retry = beat != null || ctx.getInfo().getAttempt() > 1;
    BackfillSettings settings = Settings.normal(given);
    ChangeSpec spec = ChangeSpec.of(change);
    return sql(target, "backfill " + change.qualifiedTable(), c -> {
      BackfillProgress resume = retry ? ProgressWriter.furthest(beat,
          ProgressWriter.read(c, spec.table())) : null;
      long oid = TableObserver.oid(c, spec.table());
      TableCatalogue cat = TableCatalogue.read(c, oid);
      TableKey key = key(c, spec, cat, settings.keyColumns());
      // a long count heartbeats where the walk will resume from
      long rows = TableObserver.rows(c, spec.table(), oid,
          observer.with(LongStatement.heartbeating(() -> ctx.heartbeat(resume), every(ctx))));
      ProgressWriter writer = new ProgressWriter(c, spec.table());
      Backfill.Listener listener = p -> {
        ctx.heartbeat(p);
        writer.offer(p);
      };
      GuardSettings guarding = StepGuard.of(settings);
      BackfillResult done = new Backfill(settings, pacing, ControlSource.row(spec.table()),
          (state, changes) -> StepGuard.open(guarding, probe(target, guarding, spec, key),
              state, changes), listener).run(c, spec, key, resume, rows);
      writer.flush();
      return done;
    });
  }

  /** The guard's probe on a connection of its own; none when the guard is off. */
  private ForegroundProbe probe(PostgresTarget target, GuardSettings guarding, ChangeSpec spec,
      TableKey key) throws SQLException {
    return guarding.isOff() ? null : GuardProbes.open(open(target), guarding, spec.table(), key);
  }

  @Override
  public ChangeResult control(PostgresTarget target, TableChange change, String owner,
      BackfillControl control) {
    TableName table = ChangeSpec.of(change).table();
    return sql(target, "control the backfill of " + table, c -> {
      var row = RunMarker.read(c, table);
      if (row.isEmpty() || !row.get().heldBy(owner)) {
        throw row.isEmpty() ? SchemaRefusals.notHeld(table, owner)
            : SchemaRefusals.anotherRun(table, row.get().holder());
      }
      BackfillControl now = row.get().control();
      if (now.equals(control)) {
        return ChangeResult.unchanged(table.toString(), "backfill control already " + control);
      }
      ControlSource.write(c, table, owner, control);
      return new ChangeResult(table.toString(), Outcome.UPDATED, "backfill control " + control);
    });
  }

  @Override
  public BackfillProgress progress(PostgresTarget target, TableChange change) {
    TableName table = ChangeSpec.of(change).table();
    return sql(target, "read the backfill's progress on " + table, c -> ProgressWriter.read(c, table));
  }

  @Override
  public VerifyResult verify(PostgresTarget target, TableChange change, VerifySettings given) {
    ActivityExecutionContext ctx = Activity.getExecutionContext();
    Verify.Progress from = ctx.getHeartbeatDetails(Verify.Progress.class).orElse(null);
    ChangeSpec spec = ChangeSpec.of(change);
    int chunk = given == null || given.chunkSize() < 1 ? VerifySettings.DEFAULT_CHUNK_SIZE
        : given.chunkSize();
    int samples = given == null || given.sampleLimit() < 0 ? VerifySettings.DEFAULT_SAMPLE_LIMIT
        : given.sampleLimit();
    AtomicReference<Verify.Progress> last = new AtomicReference<>(from);
    LongStatement chunks = LongStatement.heartbeating(() -> ctx.heartbeat(last.get()),
        every(ctx));
    return sql(target, "verify " + spec.table(), c -> {
      TableCatalogue cat = TableCatalogue.read(c, TableObserver.oid(c, spec.table()));
      TableKey key = key(c, spec, cat, given == null ? null : given.keyColumns());
      GuardSettings guarding = given == null || given.guard() == null
          ? GuardSettings.disabled() : given.guard();
      return new Verify(chunk, samples, chunks, (state, changes) -> StepGuard.open(guarding,
          probe(target, guarding, spec, key), state, changes)).run(c, spec, key, from, p -> {
        last.set(p);
        ctx.heartbeat(p);
      });
    });
  }

  @Override
  public ChangeResult setFlag(PostgresTarget target, TableChange change, String owner, String key,
      String value) {
    ChangeSpec spec = ChangeSpec.of(change);
    if (!Flags.valid(spec, key, value)) {
      throw FailureKind.INVALID_REQUEST.refuse("flag " + key + " = " + value + " is not one of "
          + spec.names().readsFlag() + " (old|new) or " + spec.names().writesFlag()
          + " (both|new|old)");
    }
    return sql(target, "set " + key, c -> {
      var row = RunMarker.read(c, spec.table());
      if (row.isPresent() && !row.get().heldBy(owner)) {
        throw SchemaRefusals.anotherRun(spec.table(), row.get().holder());
      }
      if (row.isEmpty()) {
        // not expanded (a rollback of an expand that never happened), or contracted already:
        // nothing follows these flags, and nothing is created for them
        return ChangeResult.unchanged(key, "no run holds " + spec.table() + ": " + key
            + " left as it is");
      }
      long oid = TableObserver.oid(c, spec.table());
      return Flags.switchTo(c, spec, oid, key, value,
          lock.reporting(PostgresSchemaChangeActivities::heartbeat).retriedByTheActivity())
          ? new ChangeResult(key, Outcome.UPDATED, key + " = " + value
              + (key.equals(spec.names().writesFlag()) ? " (the sync trigger takes writes = "
                  + value + " in the same transaction)" : ""))
          : ChangeResult.unchanged(key, key + " is already " + value);
    });
  }

  @Override
  public ChangeResult constraints(PostgresTarget target, TableChange change, String owner) {
    ChangeSpec spec = ChangeSpec.of(change);
    ActivityExecutionContext ctx = Activity.getExecutionContext();
    LongStatement heartbeating = LongStatement.heartbeating(
        () -> ctx.heartbeat("carrying the constraints of " + spec.table()), LongStatement.EVERY);
    return sql(target, "carry the constraints to " + spec.table(), c -> {
      var row = RunMarker.read(c, spec.table());
      if (row.isPresent() && !row.get().heldBy(owner)) {
        throw SchemaRefusals.anotherRun(spec.table(), row.get().holder());
      }
      long oid = TableObserver.oid(c, spec.table());
      List<String> done = Carry.afterBackfill(c, spec, oid,
          lock.reporting(PostgresSchemaChangeActivities::heartbeat), heartbeating);
      return done.isEmpty()
          ? ChangeResult.unchanged(spec.table().toString(), "nothing (more) to carry")
          : new ChangeResult(spec.table().toString(), Outcome.UPDATED, String.join("; ", done));
    });
  }

  @Override
  public WriterEvidence writers(PostgresTarget target, TableChange change, long windowMillis) {
    ChangeSpec spec = ChangeSpec.of(change);
    return sql(target, "read the writers of " + spec.table(),
        c -> Writers.read(c, spec, windowMillis));
  }

  @Override
  public ChangeResult contract(PostgresTarget target, TableChange change, String owner) {
    return sql(target, "contract " + change.qualifiedTable(),
        c -> new Contract(lock.reporting(PostgresSchemaChangeActivities::heartbeat))
            .contract(c, ChangeSpec.of(change), owner));
  }

  // ---- plumbing -------------------------------------------------------------------------------

  /**
   * The key the settings name (their columns), else the change's ({@code uniqueKey} or PK); the
   * change's key when it has the columns named, so that its index's collations are walked.
   */
  private static TableKey key(Connection c, ChangeSpec spec, TableCatalogue cat,
      List<String> columns) throws SQLException {
    TableKey.Found found = TableKey.find(c, cat, spec.uniqueKey());
    if (columns != null && !columns.isEmpty()) {
      return found.key() != null && found.key().columns().equals(columns) ? found.key()
          : TableKey.of(spec.table(), cat, columns);
    }
    if (found.key() == null) {
      throw SchemaRefusals.noUsableKey(spec.table(), found.problem());
    }
    return found.key();
  }

  private static void heartbeat(String what) {
    Activity.getExecutionContext().heartbeat(what);
  }

  /** Long statements of a step whose heartbeat says {@code what} it does. */
  private static LongStatement saying(String what) {
    ActivityExecutionContext ctx;
    try {
      ctx = Activity.getExecutionContext();
    } catch (IllegalStateException e) {
      return LongStatement.unwatched(); // a direct call, outside an activity
    }
    return LongStatement.heartbeating(() -> ctx.heartbeat(what), every(ctx));
  }

  /** How often a long statement heartbeats: every 2 s, or a third of a shorter timeout. */
  private static Duration every(ActivityExecutionContext ctx) {
    Duration timeout = ctx.getInfo().getHeartbeatTimeout();
    if (timeout == null || timeout.isZero()) {
      return LongStatement.EVERY;
    }
    Duration third = timeout.dividedBy(3);
    return third.compareTo(LongStatement.EVERY) < 0 ? third : LongStatement.EVERY;
  }

  @FunctionalInterface
  private interface Work<T> {
    T run(Connection c) throws SQLException;
  }

  private Connection open(PostgresTarget target) throws SQLException {
    return connections.open(target, credentials.credentialsFor(target));
  }

  private <T> T sql(PostgresTarget target, String what, Work<T> work) {
    if (target == null || target.database() == null || target.database().isBlank()) {
      throw FailureKind.INVALID_REQUEST.refuse(what + ": target.database is required");
    }
    SqlCredentials creds = credentials.credentialsFor(target);
    try (Connection c = connections.open(target, creds)) {
      c.setAutoCommit(true);
      SessionLimits.current().apply(c);
      return work.run(c);
    } catch (SQLException e) {
      throw SqlErrors.translate(target, creds, what, e);
    }
  }
}
