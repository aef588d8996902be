package dev.underway.activities.sql.schema;

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
 * it, so waiting briefly and often is kinder to the application than waiting once for long. When
 * every attempt fails, a retryable failure (type {@link #TYPE}) lets the activity's retry policy
 * try again later.
 */
public final class LockRetry {

  /** The failure type when no attempt got its lock. */
  public static final String TYPE = "LockNotGranted";

  /** A transaction's work. */
  @FunctionalInterface
  public interface Work<T> {
    T run(Connection c) throws SQLException;
  }

  private final Duration lockTimeout;
  private final int attempts;
  private final Duration firstBackoff;

  /** 500 ms lock timeout, 8 attempts, backoff from 200 ms doubling. */
  public static LockRetry standard() {
    return new LockRetry(Duration.ofMillis(500), 8, Duration.ofMillis(200));
  }

  public LockRetry(Duration lockTimeout, int attempts, Duration firstBackoff) {
    this.lockTimeout = lockTimeout;
    this.attempts = attempts;
    this.firstBackoff = firstBackoff;
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
          if (attempt >= attempts) {
            throw ApplicationFailure.newFailure(what + ": the lock was not granted within "
                + lockTimeout.toMillis() + " ms in " + attempts + " attempts (a long transaction"
                + " holds the table?)", TYPE);
          }
          log.info("{}: lock not granted within {} ms (attempt {} of {}), retrying in {} ms",
              what, lockTimeout.toMillis(), attempt, attempts, backoff);
          sleep(backoff);
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

  private static void sleep(long millis) {
    try {
      Thread.sleep(millis);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw ApplicationFailure.newFailure("interrupted while waiting to retry a lock", TYPE);
    }
  }
}
