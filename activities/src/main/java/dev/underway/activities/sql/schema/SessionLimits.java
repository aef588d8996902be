package dev.underway.activities.sql.schema;

import io.temporal.activity.Activity;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;

/**
 * The bounds every connection the schema-change activities open runs under, so that a worker
 * that dies leaves nothing behind that could still act after the step's retry began: a statement
 * blocked on a lock, or a transaction left open, ends on the server by itself.
 *
 * <ul>
 *   <li>{@code statement_timeout}: half the step's heartbeat timeout, at most {@link #MOST}.
 *       Temporal retries a step no sooner than its heartbeat timeout after its last heartbeat, so
 *       a statement its dead worker had started cannot commit after the retry began. Statements
 *       that legitimately take longer run as a {@link LongStatement} (their own bound, and
 *       heartbeats while they run).
 *   <li>{@code lock_timeout}: {@link #LOCK}, or half the statement timeout when that is shorter
 *       (a lock wait then fails as one, 55P03, retried, not as a statement timeout). DDL
 *       keeps its own 500 ms ({@link LockRetry}), the backfill's batches theirs ({@link Pacing}).
 *   <li>{@code idle_in_transaction_session_timeout}: the statement timeout.
 *   <li>{@code client_connection_check_interval} (PostgreSQL 14 and later): {@link
 *       #CLIENT_CHECK}, so that the server notices a vanished client during a long statement
 *       and ends it rather than finishing it.
 * </ul>
 */
public record SessionLimits(Duration statementTimeout, Duration lockTimeout,
    Duration clientCheck) {

  /** The longest statement timeout. */
  public static final Duration MOST = Duration.ofSeconds(15);
  /** The shortest: a step with a very short heartbeat timeout still runs its statements. */
  public static final Duration LEAST = Duration.ofSeconds(1);
  /** The longest wait for a lock by an ordinary statement. */
  public static final Duration LOCK = Duration.ofSeconds(5);
  /** How often the server checks, during a statement, that the client is still there. */
  public static final Duration CLIENT_CHECK = Duration.ofSeconds(1);

  /** The limits of a step with this heartbeat timeout (null or zero: none). */
  public static SessionLimits forHeartbeatTimeout(Duration heartbeatTimeout) {
    Duration statement = MOST;
    if (heartbeatTimeout != null && !heartbeatTimeout.isZero()
        && heartbeatTimeout.dividedBy(2).compareTo(MOST) < 0) {
      Duration half = heartbeatTimeout.dividedBy(2);
      statement = half.compareTo(LEAST) < 0 ? LEAST : half;
    }
    Duration half = statement.dividedBy(2);
    return new SessionLimits(statement, LOCK.compareTo(half) < 0 ? LOCK : half, CLIENT_CHECK);
  }

  /** The limits of the activity running on this thread ({@link #MOST} outside an activity). */
  public static SessionLimits current() {
    try {
      return forHeartbeatTimeout(Activity.getExecutionContext().getInfo().getHeartbeatTimeout());
    } catch (IllegalStateException | NullPointerException e) {
      return forHeartbeatTimeout(null); // a direct call, outside an activity
    }
  }

  /** Sets the limits on {@code c} for its session (one round trip). */
  public void apply(Connection c) throws SQLException {
    StringBuilder sql = new StringBuilder()
        .append("SET statement_timeout = ").append(statementTimeout.toMillis())
        .append("; SET lock_timeout = ").append(lockTimeout.toMillis())
        .append("; SET idle_in_transaction_session_timeout = ")
        .append(statementTimeout.toMillis());
    if (c.getMetaData().getDatabaseMajorVersion() >= 14) {
      sql.append("; SET client_connection_check_interval = ").append(clientCheck.toMillis());
    }
    try (Statement s = c.createStatement()) {
      s.execute(sql.toString());
    }
  }
}
