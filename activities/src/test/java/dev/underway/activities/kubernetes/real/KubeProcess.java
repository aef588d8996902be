package dev.underway.activities.kubernetes.real;

import dev.underway.local.LogTail;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One process of the test control plane, its output in a log file. Starting it waits until a
 * readiness probe answers; a process that exits first fails the start with the end of its log,
 * as {@link PortTakenException} when it could not bind a port (free when looked up, taken since:
 * the caller starts it again on other ports).
 */
final class KubeProcess implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(KubeProcess.class);

  /** How many times a component is started on new ports when the ones it got were taken. */
  static final int PORT_ATTEMPTS = 3;

  /** The process could not bind a port that was free when it was chosen. */
  static final class PortTakenException extends IOException {
    PortTakenException(String message) {
      super(message);
    }
  }

  /** A readiness check; false (or an exception) means not yet. */
  @FunctionalInterface
  interface Probe {
    boolean ready() throws Exception;
  }

  /** Starts a component with the ports it is given; retried on {@link PortTakenException}. */
  @FunctionalInterface
  interface Launch {
    KubeProcess start(int attempt) throws IOException;
  }

  private final String name;
  private final Process process;
  private final Path logFile;

  private KubeProcess(String name, Process process, Path logFile) {
    this.name = name;
    this.process = process;
    this.logFile = logFile;
  }

  /** Runs {@code launch} until a start does not fail on a taken port, {@value #PORT_ATTEMPTS} at most. */
  static KubeProcess withPortRetries(String name, Launch launch) throws IOException {
    for (int attempt = 1; ; attempt++) {
      try {
        return launch.start(attempt);
      } catch (PortTakenException e) {
        if (attempt >= PORT_ATTEMPTS) {
          throw e;
        }
        log.warn("{}: a port was taken before it bound it; starting it again on other ports", name);
      }
    }
  }

  /** Starts {@code command}, its output in {@code logFile}, and waits for {@code probe}. */
  static KubeProcess start(String name, List<String> command, Path logFile, Duration timeout,
      Probe probe) throws IOException {
    Files.deleteIfExists(logFile);
    Process process = new ProcessBuilder(command).redirectErrorStream(true)
        .redirectOutput(logFile.toFile()).start();
    KubeProcess started = new KubeProcess(name, process, logFile);
    log.info("Started {} (pid {})", name, process.pid());
    try {
      started.awaitReady(timeout, probe);
    } catch (IOException | RuntimeException e) {
      started.close();
      throw e;
    }
    return started;
  }

  private void awaitReady(Duration timeout, Probe probe) throws IOException {
    Instant deadline = Instant.now().plus(timeout);
    Exception last = null;
    try {
      while (true) {
        if (!process.isAlive()) {
          String tail = tail();
          String message = name + " exited with code " + process.exitValue()
              + " before it was ready; the end of " + logFile + ":\n" + tail;
          throw tail.contains("address already in use")
              ? new PortTakenException(message) : new IOException(message);
        }
        try {
          if (probe.ready()) {
            return;
          }
        } catch (Exception notYet) {
          last = notYet;
        }
        if (Instant.now().isAfter(deadline)) {
          throw new IOException(name + " was not ready within " + timeout
              + (last == null ? "" : " (last probe: " + last + ")") + "; the end of " + logFile
              + ":\n" + tail());
        }
        // The pause between two probes is a wait for the process to exit: a crash ends it.
        process.waitFor(200, TimeUnit.MILLISECONDS);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IOException("interrupted while starting " + name, e);
    }
  }

  boolean isAlive() {
    return process.isAlive();
  }

  long pid() {
    return process.pid();
  }

  String name() {
    return name;
  }

  String tail() {
    return LogTail.of(logFile, 0, 30);
  }

  /** SIGTERM, then SIGKILL after 15 s. */
  @Override
  public void close() {
    if (!process.isAlive()) {
      return;
    }
    process.destroy();
    try {
      if (!process.waitFor(15, TimeUnit.SECONDS)) {
        log.warn("{} (pid {}) did not stop within 15 s of SIGTERM; killing it", name, pid());
        process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      process.destroyForcibly();
    }
    log.info("Stopped {} (pid {})", name, pid());
  }

  /** A TCP port on 127.0.0.1 that is free now (another process may take it before it is bound). */
  static int freePort() throws IOException {
    try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      return s.getLocalPort();
    }
  }
}
