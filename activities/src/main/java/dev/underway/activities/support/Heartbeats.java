package dev.underway.activities.support;

import io.temporal.activity.Activity;
import io.temporal.activity.ActivityExecutionContext;
import io.temporal.client.ActivityCompletionException;
import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Heartbeats for a change step that can take a while (a base backup, a server start): while the
 * work runs, the latest progress it reported ("node1: 48.0 MB copied") is sent as the heartbeat
 * at a third of the heartbeat timeout. A worker that dies stops heartbeating, so Temporal moves
 * the step to another worker within the heartbeat timeout instead of its start-to-close timeout;
 * the progress shows in {@code underway status} and the UI's pending activities. A cancellation
 * the server answers a heartbeat with interrupts the work.
 *
 * <p>Outside an activity (a test calling the implementation directly) the work just runs.
 */
public final class Heartbeats implements AutoCloseable {

  /** Work that may fail with any exception. */
  @FunctionalInterface
  public interface Work<T> {
    T run(Heartbeats progress) throws Exception;
  }

  private final AtomicReference<String> latest;
  private final ScheduledExecutorService ticker;
  private volatile ActivityCompletionException cancelled;

  private Heartbeats(String first, ActivityExecutionContext context, Duration every,
      Thread worker) {
    this.latest = new AtomicReference<>(first);
    if (context == null) {
      this.ticker = null;
      return;
    }
    this.ticker = Executors.newSingleThreadScheduledExecutor(r -> {
      Thread t = new Thread(r, "underway-heartbeat");
      t.setDaemon(true);
      return t;
    });
    ticker.scheduleAtFixedRate(() -> {
      try {
        context.heartbeat(latest.get());
      } catch (ActivityCompletionException e) {
        cancelled = e;
        worker.interrupt();
        ticker.shutdown();
      } catch (RuntimeException e) {
        // a heartbeat that could not be sent is retried at the next tick
      }
    }, 0, every.toMillis(), TimeUnit.MILLISECONDS);
  }

  /** Runs {@code work} in the current activity, heartbeating its progress until it ends. */
  public static <T> T during(String first, Work<T> work) throws Exception {
    ActivityExecutionContext context = current();
    Duration every = Duration.ofSeconds(5);
    if (context != null) {
      Duration timeout = context.getInfo().getHeartbeatTimeout();
      if (timeout != null && !timeout.isZero()) {
        Duration third = timeout.dividedBy(3);
        every = third.compareTo(Duration.ofMillis(200)) < 0 ? Duration.ofMillis(200) : third;
      }
    }
    Heartbeats h = new Heartbeats(first, context, every, Thread.currentThread());
    try {
      return work.run(h);
    } catch (Exception e) {
      // an interrupted copy fails with ClosedByInterruptException, a sleep with
      // InterruptedException: either way, say it was the cancellation
      throw h.cancelled != null ? h.cancelled : e;
    } finally {
      h.close();
      if (h.cancelled != null) {
        Thread.interrupted(); // the interrupt was ours: do not leak it to the next activity
      }
    }
  }

  /** The progress the next heartbeat sends. */
  public void report(String progress) {
    latest.set(progress);
  }

  @Override
  public void close() {
    if (ticker != null) {
      ticker.shutdownNow();
      try {
        ticker.awaitTermination(5, TimeUnit.SECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
  }

  private static ActivityExecutionContext current() {
    try {
      return Activity.getExecutionContext();
    } catch (IllegalStateException | NullPointerException e) {
      return null; // not in an activity
    }
  }
}
