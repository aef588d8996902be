package dev.underway.activities.support.guard;

import java.time.Duration;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.locks.LockSupport;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs the probe at a fixed rate on a daemon thread of its own, continuously, and hands every
 * reading to the guard. A probe that throws gives a reading too: the time it took (a lock
 * timeout's included), so a probe that cannot get its lock counts as the slow reading it is; the
 * failure is logged once per kind (class and SQLState) and never stops the sampling. A reading
 * that comes late (the probe took longer than the interval) is not made up for: the next one
 * starts at once, then the rate resumes.
 */
final class Sampler implements AutoCloseable {

  private static final Logger LOG = LoggerFactory.getLogger(Sampler.class);

  /** Where readings go (on the sampler's thread). */
  interface Sink {
    /** One reading begun at {@code startNanos}; {@code failure} when the probe threw. */
    void reading(long startNanos, long micros, Exception failure);
  }

  private final ForegroundProbe probe;
  private final long everyNanos;
  private final Sink sink;
  private final Thread thread;
  private final Set<String> logged = ConcurrentHashMap.newKeySet();
  private volatile boolean running = true;

  Sampler(ForegroundProbe probe, Duration every, Sink sink) {
    this.probe = probe;
    this.everyNanos = Math.max(1, every.toNanos());
    this.sink = sink;
    this.thread = new Thread(this::loop, "latency-guard-sampler");
    this.thread.setDaemon(true);
  }

  void start() {
    thread.start();
  }

  private void loop() {
    long next = System.nanoTime();
    while (running) {
      long start = System.nanoTime();
      long micros;
      Exception failure = null;
      try {
        micros = Math.max(0, probe.sample().toNanos() / 1000);
      } catch (InterruptedException e) {
        return;
      } catch (Exception e) {
        micros = (System.nanoTime() - start) / 1000;
        failure = e;
        logOnce(e);
      }
      if (!running) {
        return;
      }
      try {
        sink.reading(start, micros, failure);
      } catch (RuntimeException e) {
        if (logged.add("guard/" + kind(e))) { // a fault of the guard's own: sampling goes on
          LOG.error("latency guard: a reading could not be taken into account", e);
        }
      }
      next += everyNanos;
      long now = System.nanoTime();
      if (next - now < 0) {
        next = now;
      } else {
        LockSupport.parkNanos(next - now);
      }
    }
  }

  private void logOnce(Exception e) {
    if (logged.add(kind(e))) {
      LOG.warn("latency guard: the probe failed ({}); counted as a slow reading, the sampling"
          + " goes on (logged once per kind)", describe(e));
    }
  }

  /** A failure's kind: its class, and its SQLState when it has one. */
  static String kind(Exception e) {
    String state = e instanceof java.sql.SQLException s ? s.getSQLState() : null;
    return e.getClass().getName() + (state == null ? "" : "/" + state);
  }

  /** One line: SQLState and the message's first line. */
  static String describe(Exception e) {
    String message = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
    int nl = message.indexOf('\n');
    String first = nl < 0 ? message : message.substring(0, nl);
    String state = e instanceof java.sql.SQLException s ? s.getSQLState() : null;
    return state == null ? first : "SQLState " + state + ": " + first;
  }

  /** Stops sampling; waits a little for a reading under way (the probe is bounded). */
  @Override
  public void close() {
    running = false;
    thread.interrupt();
    try {
      thread.join(2_000);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
