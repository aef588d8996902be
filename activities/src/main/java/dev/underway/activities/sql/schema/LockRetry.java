package dev.underway.activities.sql.schema;

import dev.underway.activities.support.Polling;
import dev.underway.workflows.schema.contract.SchemaFailures;
import io.temporal.failure.ApplicationFailure;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * DDL that never queues for long behind other transactions: each attempt is one transaction with
 * {@code SET LOCAL lock_timeout} (500 ms by default, as pgroll uses), retried with exponential
 * backoff while the lock is not granted. A waiting {@code ALTER TABLE} blocks every query behind
 * it, so waiting briefly and often is kinder to the application than waiting once for long. Each
 * wait is reported (an activity heartbeats it). When every attempt fails, a non-retryable
 * failure (type {@link #TYPE}) says so; every attempt was rolled back, so nothing changed.
 */
public final class LockRetry {

  /** The failure type when no attempt got its lock. */
  public static final String TYPE = SchemaFailures.LOCK_NOT_GRANTED.type();

  /** A transaction's work. */
  @FunctionalInterface
  public interface Work<T> {
    T run(Connection c) throws SQLException;
  }

  private final Duration lockTimeout;
  private final int attempts;
  private final Duration firstBackoff;
  private final java.util.function.Consumer<String> onWait;
  /** When every attempt failed: the last 55P03 as it is (retryable), not LockNotGranted. */
  private final boolean lastAsIs;

  /** 500 ms lock timeout, 8 attempts, backoff from 200 ms doubling. */
  public static LockRetry standard() {
    return new LockRetry(Duration.ofMillis(500), 8, Duration.ofMillis(200));
  }

  public LockRetry(Duration lockTimeout, int attempts, Duration firstBackoff) {
    this(lockTimeout, attempts, firstBackoff, what -> { }, false);
  }

  private LockRetry(Duration lockTimeout, int attempts, Duration firstBackoff,
      java.util.function.Consumer<String> onWait, boolean lastAsIs) {
    this.lockTimeout = lockTimeout;
    this.attempts = attempts;
    this.firstBackoff = firstBackoff;
    this.onWait = onWait;
    this.lastAsIs = lastAsIs;
  }

  /** The same, telling {@code onWait} about every wait for a lock (e.g. to heartbeat). */
  public LockRetry reporting(java.util.function.Consumer<String> onWait) {
    return new LockRetry(lockTimeout, attempts, firstBackoff, onWait, lastAsIs);
  }

  /**
   * The same, but when no attempt got its lock the last {@code lock_not_available} is thrown as
   * it is, for the activity to be retried (a step that must happen, such as a flag, waits rather
   * than fails the run).
   */
  public LockRetry retriedByTheActivity() {
    return new LockRetry(lockTimeout, attempts, firstBackoff, onWait, true);
  }

  private static final Logger log = LoggerFactory.getLogger(LockRetry.class);

  /** Runs {@code work} in a transaction on {@code c}, with the lock timeout, retrying. */
  public <T> T inTransaction(Connection c, String what, Work<T> work) throws SQLException {
    boolean autoCommit = c.getAutoCommit();
    c.setAutoCommit(false);
    try {
      long backoff = firstBackoff.toMillis();
      for (int attempt = 1; ; attempt++) {
        try (Statement s = c.createStatement()) {
          s.execute(PostgresSchemaDialect.lockTimeout(lockTimeout.toMillis()));
          T result = work.run(c);
          c.commit();
          return result;
        } catch (SQLException e) {
          c.rollback();
          if (!PostgresSchemaDialect.LOCK_NOT_AVAILABLE.equals(e.getSQLState())) {
            throw e;
          }
          if (attempt >= attempts && lastAsIs) {
            throw e;
          }
          if (attempt >= attempts) {
            throw ApplicationFailure.newNonRetryableFailure(what + ": the lock was not granted"
                + " within " + lockTimeout.toMillis() + " ms in " + attempts + " attempts (a long"
                + " transaction holds the table?); nothing was changed", TYPE);
          }
          log.info("{}: lock not granted within {} ms (attempt {} of {}), retrying in {} ms",
              what, lockTimeout.toMillis(), attempt, attempts, backoff);
          onWait.accept(what + ": waiting for the lock (attempt " + attempt + " of " + attempts
              + ")");
          Polling.pause(Duration.ofMillis(backoff));
          backoff = Math.min(backoff * 2, 10_000);
        } catch (RuntimeException e) {
          c.rollback();
          throw e;
        }
      }
    } finally {
      c.setAutoCommit(autoCommit);
    }
  }
}
