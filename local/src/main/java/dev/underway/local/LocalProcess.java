package dev.underway.local;

import java.io.IOException;
import java.time.Duration;
import java.util.Collection;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Function;
import java.util.function.Predicate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A server process on this machine: one this JVM started (a child), or one it attached to by its
 * pid (left running by an earlier JVM: a crashed worker, say). What every local server shares:
 * waiting for it to be ready while noticing that it died, stopping it (its own way of asking,
 * then SIGKILL when it does not stop in time), letting go of it without stopping it, and
 * optionally stopping it when this JVM exits.
 */
public final class LocalProcess {

  private static final Logger log = LoggerFactory.getLogger(LocalProcess.class);

  /** How a server is asked to stop; it then has {@code stopTimeout} before it is killed. */
  @FunctionalInterface
  public interface StopRequest {
    void send(LocalProcess process) throws IOException;
  }

  /** SIGTERM: the graceful shutdown of most servers. */
  public static final StopRequest SIGTERM = p -> p.handle.destroy();

  private final String name;
  private final ProcessHandle handle;
  /** The child process when this JVM started it; null when attached. */
  private final Process process;
  private final StopRequest stopRequest;
  private final Duration stopTimeout;
  private final Thread shutdownHook;
  private boolean letGo;

  private LocalProcess(String name, ProcessHandle handle, Process process, StopRequest stop,
      Duration stopTimeout, boolean stopOnJvmExit) {
    this.name = name;
    this.handle = handle;
    this.process = process;
    this.stopRequest = stop;
    this.stopTimeout = stopTimeout;
    this.shutdownHook = stopOnJvmExit ? new Thread(this::stopNow, "stop " + name) : null;
    if (shutdownHook != null) {
      Runtime.getRuntime().addShutdownHook(shutdownHook);
    }
  }

  /**
   * Starts {@code command} as a child of this JVM.
   *
   * @param name the server in messages, e.g. {@code PostgreSQL on port 5432}
   * @param stopOnJvmExit whether a JVM shutdown hook stops it (false: it outlives this JVM)
   */
  public static LocalProcess start(String name, ProcessBuilder command, StopRequest stop,
      Duration stopTimeout, boolean stopOnJvmExit) throws IOException {
    Process p = command.start();
    return new LocalProcess(name, p.toHandle(), p, stop, stopTimeout, stopOnJvmExit);
  }

  /**
   * The running process with {@code pid}, if it is alive and {@code ours} says it is this server
   * (a recorded pid may belong to another program by now).
   */
  public static Optional<LocalProcess> attach(String name, long pid,
      Predicate<ProcessHandle> ours, StopRequest stop, Duration stopTimeout,
      boolean stopOnJvmExit) {
    return ProcessHandle.of(pid).filter(ProcessHandle::isAlive).filter(ours)
        .map(h -> new LocalProcess(name, h, null, stop, stopTimeout, stopOnJvmExit));
  }

  public long pid() {
    return handle.pid();
  }

  public boolean isAlive() {
    return process != null ? process.isAlive() : handle.isAlive();
  }

  /** {@code " with code N"} for a child that exited, else empty (an attached one's is unknown). */
  public String exitCode() {
    return process != null && !process.isAlive() ? " with code " + process.exitValue() : "";
  }

  /** Waits at most {@code timeout} for the process to exit; true when it did. */
  public boolean awaitExit(Duration timeout) throws InterruptedException {
    if (process != null) {
      return process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS);
    }
    try {
      handle.onExit().get(timeout.toMillis(), TimeUnit.MILLISECONDS);
      return true;
    } catch (TimeoutException e) {
      return false;
    } catch (ExecutionException e) {
      return !handle.isAlive();
    }
  }

  /** Whether a server is ready, and if not, why: null when it is. */
  @FunctionalInterface
  public interface Probe {
    String notReadyBecause() throws IOException;
  }

  /**
   * Asks {@code probe} every {@code pause} until the server is ready. Fails with what {@code
   * exited} makes of the last reason when the process exits first (noticed at once: the pause
   * ends when it does), and with what {@code timedOut} makes of it after {@code timeout}.
   */
  public void awaitReady(Duration timeout, Duration pause, Probe probe,
      Function<String, IOException> exited, Function<String, IOException> timedOut)
      throws IOException {
    long deadline = System.nanoTime() + timeout.toNanos();
    String reason = "not asked yet";
    while (true) {
      if (!isAlive()) {
        throw exited.apply(reason);
      }
      reason = probe.notReadyBecause();
      if (reason == null) {
        return;
      }
      if (System.nanoTime() - deadline > 0) {
        throw timedOut.apply(reason);
      }
      try {
        awaitExit(pause); // the next round reports an exit
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IOException("interrupted while waiting for " + name, e);
      }
    }
  }

  /**
   * Stops the server: asks it the way it was given, waits up to its stop timeout, then kills it.
   * Does nothing when it is not running or was let go of; removes the shutdown hook.
   */
  public synchronized void stop() {
    if (letGo) {
      return;
    }
    letGo = true;
    removeShutdownHook();
    stopNow();
  }

  /** {@link #stop()} for several at once: all are asked first, then all get the same time. */
  public static void stopAll(Collection<LocalProcess> processes) {
    List<LocalProcess> running = processes.stream().filter(p -> p.take() && p.isAlive())
        .toList();
    running.forEach(LocalProcess::requestStop);
    long deadline = System.nanoTime() + running.stream().map(p -> p.stopTimeout)
        .max(Duration::compareTo).orElse(Duration.ZERO).toNanos();
    for (LocalProcess p : running) {
      p.killUnlessExited(Duration.ofNanos(Math.max(0, deadline - System.nanoTime())));
    }
  }

  /**
   * Lets go of the server without stopping it: it keeps running after this JVM exits, for a
   * later {@link #attach}.
   */
  public synchronized void release() {
    if (!letGo) {
      letGo = true;
      removeShutdownHook();
      log.info("Released {} (pid {}): left running", name, pid());
    }
  }

  /** SIGKILL, as a crash would: nothing is flushed or closed gracefully. */
  public void kill() {
    handle.destroyForcibly();
    try {
      awaitExit(Duration.ofSeconds(30));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private synchronized boolean take() {
    if (letGo) {
      return false;
    }
    letGo = true;
    removeShutdownHook();
    return true;
  }

  private void stopNow() {
    if (!isAlive()) {
      return;
    }
    requestStop();
    killUnlessExited(stopTimeout);
    log.info("{} stopped", name);
  }

  private void requestStop() {
    try {
      stopRequest.send(this);
    } catch (IOException | RuntimeException e) {
      log.warn("Asking {} to stop failed: {}", name, e.getMessage());
    }
  }

  private void killUnlessExited(Duration timeout) {
    try {
      if (!awaitExit(timeout)) {
        log.warn("{} did not stop within {}: killing pid {}", name, timeout, pid());
        handle.destroyForcibly();
        awaitExit(Duration.ofSeconds(10));
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      handle.destroyForcibly();
    }
  }

  private void removeShutdownHook() {
    if (shutdownHook != null) {
      try {
        Runtime.getRuntime().removeShutdownHook(shutdownHook);
      } catch (IllegalStateException shuttingDown) {
        // the hook is running or about to: it stops the server
      }
    }
  }

  @Override
  public String toString() {
    return name + " (pid " + pid() + ")";
  }
}
