package dev.underway.activities.sql.schema;

import io.temporal.client.ActivityCompletionException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.postgresql.PGConnection;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs a statement that may legitimately take longer than the session's statement timeout ({@link
 * SessionLimits}: shorter than half the heartbeat timeout) — an exact {@code count(*)}, a verify
 * chunk, a {@code CREATE INDEX CONCURRENTLY} — under an explicit bound of its own, while the
 * activity heartbeats every few seconds from another thread, so that the step neither times out
 * on its heartbeat nor runs unbounded.
 *
 * <p>The SDK's {@code ActivityExecutionContext.heartbeat} may be called from any thread (its
 * heartbeat context takes a lock around every call), so the beat runs on a small shared
 * scheduler. When a heartbeat is answered with a cancellation (an abort) or the attempt's
 * heartbeat deadline passed, the running statement is cancelled ({@link
 * PGConnection#cancelQuery()}) and the call throws that {@link ActivityCompletionException}
 * instead of the statement's {@code query_canceled}.
 */
public final class LongStatement {

  private static final Logger log = LoggerFactory.getLogger(LongStatement.class);

  /** The bound of a long statement unless the caller names one. */
  public static final Duration BOUND = Duration.ofMinutes(3);

  /** How often a long statement heartbeats. */
  public static final Duration EVERY = Duration.ofSeconds(2);

  private static final ScheduledExecutorService TICKER = Executors.newScheduledThreadPool(2, r -> {
    Thread t = new Thread(r, "underway-long-statement-heartbeat");
    t.setDaemon(true);
    return t;
  });

  /** The statement's work on the connection. */
  @FunctionalInterface
  public interface Work<T> {
    T run(Connection c) throws SQLException;
  }

  /**
   * One heartbeat with the step's current details (a resumable step must send the details it
   * resumes from, not a text); throws {@link ActivityCompletionException} to stop the attempt.
   */
  @FunctionalInterface
  public interface Beat {
    void beat();
  }

  private final Beat beat;
  private final Duration every;

  private LongStatement(Beat beat, Duration every) {
    this.beat = beat;
    this.every = every;
  }

  /** Heartbeating with {@code beat} every {@code every} while a statement runs. */
  public static LongStatement heartbeating(Beat beat, Duration every) {
    return new LongStatement(beat, every);
  }

  /** Bounded only: outside an activity (a direct call, a test), nothing to heartbeat. */
  public static LongStatement unwatched() {
    return new LongStatement(null, EVERY);
  }

  /** Runs {@code work} under {@link #BOUND}. */
  public <T> T run(Connection c, Work<T> work) throws SQLException {
    return run(c, BOUND, work);
  }

  /**
   * Runs {@code work} on {@code c} with {@code statement_timeout = bound} (for the transaction
   * when one is open, else for the call: the session's value is restored after), heartbeating
   * all the while.
   */
  public <T> T run(Connection c, Duration bound, Work<T> work) throws SQLException {
    boolean inTransaction = !c.getAutoCommit();
    String before = inTransaction ? null : setting(c);
    set(c, String.valueOf(bound.toMillis()), inTransaction);
    AtomicReference<ActivityCompletionException> stopped = new AtomicReference<>();
    ScheduledFuture<?> ticks = beat == null ? null : TICKER.scheduleWithFixedDelay(() -> {
      if (stopped.get() != null) {
        return;
      }
      try {
        beat.beat();
      } catch (ActivityCompletionException e) {
        stopped.set(e);
        cancel(c);
      } catch (RuntimeException e) {
        log.debug("A heartbeat during a long statement failed (the next one retries): {}",
            e.toString());
      }
    }, every.toMillis(), every.toMillis(), TimeUnit.MILLISECONDS);
    boolean ok = false;
    try {
      T result = work.run(c);
      ok = true;
      if (stopped.get() != null) {
        throw stopped.get(); // cancelled as it finished: the attempt stops all the same
      }
      return result;
    } catch (SQLException e) {
      if (stopped.get() != null) {
        throw stopped.get();
      }
      throw e;
    } finally {
      if (ticks != null) {
        ticks.cancel(false);
      }
      if (before != null && stopped.get() == null && !c.isClosed()) {
        try {
          set(c, before, false);
        } catch (SQLException e) {
          if (ok) {
            throw e;
          }
          // the statement's own failure is what the caller sees
        }
      }
    }
  }

  private static String setting(Connection c) throws SQLException {
    try (PreparedStatement ps = c.prepareStatement("SELECT current_setting('statement_timeout')");
         ResultSet rs = ps.executeQuery()) {
      rs.next();
      return rs.getString(1);
    }
  }

  private static void set(Connection c, String value, boolean local) throws SQLException {
    try (PreparedStatement ps = c.prepareStatement(
        "SELECT set_config('statement_timeout', ?, ?)")) {
      ps.setString(1, value);
      ps.setBoolean(2, local);
      ps.execute();
    }
  }

  private static void cancel(Connection c) {
    try {
      c.unwrap(PGConnection.class).cancelQuery();
    } catch (SQLException e) {
      log.warn("Could not cancel a long statement after its activity was cancelled: {}",
          e.getMessage());
    }
  }
}
