package dev.underway.activities.kubernetes.real;

import dev.underway.local.LocalProcess;
import dev.underway.local.LogTail;
import dev.underway.local.PortTakenException;
import dev.underway.local.Ports;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

/**
 * One process of the test control plane, its output in a log file: a {@link LocalProcess}, as
 * every local server is. Starting it waits until a readiness probe answers; a process that exits
 * first fails the start with the end of its log, as a {@link PortTakenException} when it could
 * not bind a port (free when looked up, taken since: {@link #withPortRetries} starts it again on
 * other ports). Closing it is SIGTERM, then SIGKILL after 15 s.
 */
record KubeProcess(String name, LocalProcess process, Path logFile) implements AutoCloseable {

  /** A readiness check; false (or an exception) means not yet. */
  @FunctionalInterface
  interface Probe {
    boolean ready() throws Exception;
  }

  /** Runs {@code launch} until a start does not fail on a taken port ({@link Ports#ATTEMPTS}). */
  static KubeProcess withPortRetries(String name, Ports.Start<KubeProcess> launch)
      throws IOException {
    return Ports.retryingTakenPorts(name, launch);
  }

  /** Starts {@code command}, its output in {@code logFile}, and waits for {@code probe}. */
  static KubeProcess start(String name, List<String> command, Path logFile, Duration timeout,
      Probe probe) throws IOException {
    Files.deleteIfExists(logFile);
    LocalProcess process = LocalProcess.start(name, new ProcessBuilder(command)
            .redirectErrorStream(true).redirectOutput(logFile.toFile()),
        LocalProcess.SIGTERM, Duration.ofSeconds(15), false);
    KubeProcess started = new KubeProcess(name, process, logFile);
    try {
      process.awaitReady(timeout, Duration.ofMillis(200), () -> {
        try {
          return probe.ready() ? null : "not ready";
        } catch (Exception notYet) {
          return notYet.toString();
        }
      }, last -> {
        String tail = started.tail();
        String message = name + " exited" + process.exitCode() + " before it was ready; the end"
            + " of " + logFile + ":\n" + tail;
        return tail.contains("address already in use")
            ? new PortTakenException(message) : new IOException(message);
      }, last -> new IOException(name + " was not ready within " + timeout + " (last probe: "
          + last + "); the end of " + logFile + ":\n" + started.tail()));
    } catch (IOException | RuntimeException e) {
      started.close();
      throw e;
    }
    return started;
  }

  boolean isAlive() {
    return process.isAlive();
  }

  long pid() {
    return process.pid();
  }

  String tail() {
    return LogTail.of(logFile, 0, 30);
  }

  @Override
  public void close() {
    process.stop();
  }

  /** A TCP port on 127.0.0.1 that is free now (another process may take it before it is bound). */
  static int freePort() throws IOException {
    return Ports.freeLoopbackPort();
  }
}
