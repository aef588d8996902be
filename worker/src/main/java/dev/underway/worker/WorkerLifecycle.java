package dev.underway.worker;

import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * Start and stop of a running {@code underway worker}: the shutdown hook (or a test) asks it to
 * stop, and waits until it has.
 */
public final class WorkerLifecycle {
  private final CountDownLatch stopRequested = new CountDownLatch(1);
  private final CountDownLatch stopped = new CountDownLatch(1);
  private volatile boolean running;
  private volatile boolean stoppedByJvmShutdown;

  /** Asks the worker to stop gracefully. */
  public void requestStop() {
    stopRequested.countDown();
  }

  /** Whether the worker is polling. */
  public boolean isRunning() {
    return running;
  }

  /** Whether the worker has stopped and released everything. */
  public boolean isStopped() {
    return stopped.getCount() == 0;
  }

  /** Waits for the worker to stop; false when the bound passed first. */
  public boolean awaitStopped(Duration bound) throws InterruptedException {
    return stopped.await(bound.toMillis(), TimeUnit.MILLISECONDS);
  }

  /** True when the stop came from the JVM shutting down (SIGTERM, Ctrl-C). */
  boolean stoppedByJvmShutdown() {
    return stoppedByJvmShutdown;
  }

  void markRunning() {
    running = true;
  }

  void awaitStopRequest() throws InterruptedException {
    stopRequested.await();
  }

  void markStopped() {
    running = false;
    stopped.countDown();
  }

  /** A shutdown hook: request the stop and wait (bounded) until cleanup is done. */
  Thread shutdownHook(Duration bound) {
    return new Thread(() -> {
      stoppedByJvmShutdown = true;
      requestStop();
      try {
        awaitStopped(bound);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }, "underway-shutdown");
  }
}
