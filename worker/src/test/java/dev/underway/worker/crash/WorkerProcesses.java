package dev.underway.worker.crash;

import static org.awaitility.Awaitility.await;

import dev.underway.worker.Underway;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * {@code underway worker} processes, each a JVM of its own on this test's classpath serving the
 * production activities ({@code --activities kubernetes}: the SQL login from the environment),
 * kept two at a time: the one a test kills (SIGKILL) and one ready to take its step, so that a
 * measured resume never waits for a JVM to start.
 */
final class WorkerProcesses implements AutoCloseable {

  private final String address;
  private final String taskQueue;
  private final Duration heartbeatTimeout;
  private final Map<String, String> env;
  private final Path logs;
  private final List<Running> running = new ArrayList<>();
  private final List<Path> logFiles = new ArrayList<>();

  WorkerProcesses(String address, String taskQueue, Duration heartbeatTimeout,
      Map<String, String> env, Path logs) throws IOException {
    this.address = address;
    this.taskQueue = taskQueue;
    this.heartbeatTimeout = heartbeatTimeout;
    this.env = env;
    this.logs = Files.createDirectories(logs);
  }

  /** Starts workers until {@code n} are alive, without waiting for them to poll. */
  synchronized void topUp(int n) throws IOException {
    running.removeIf(w -> !w.process().isAlive());
    while (running.size() < n) {
      start();
    }
  }

  /** Starts workers until {@code n} are alive, then waits until every one polls. */
  synchronized void keep(int n) throws IOException {
    topUp(n);
    for (Running w : running) {
      await().atMost(Duration.ofSeconds(120)).until(() -> !w.process().isAlive()
          || Files.readString(w.log()).contains("Worker started"));
      if (!w.process().isAlive()) {
        throw new IllegalStateException("a worker exited: " + Files.readString(w.log()));
      }
    }
  }

  private record Running(Process process, Path log) {}

  private void start() throws IOException {
    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    Path log = logs.resolve("worker-" + (logFiles.size() + 1) + ".log");
    ProcessBuilder pb = new ProcessBuilder(java, "-Xmx256m", "-XX:TieredStopAtLevel=1",
        "-cp", System.getProperty("java.class.path"), Underway.class.getName(), "worker",
        "--activities", "kubernetes", "--address", address, "--task-queue", taskQueue,
        "--heartbeat-timeout", heartbeatTimeout.toString())
        .redirectErrorStream(true).redirectOutput(log.toFile());
    pb.environment().putAll(env);
    running.add(new Running(pb.start(), log));
    logFiles.add(log);
  }

  /**
   * SIGKILLs the worker whose Temporal identity is {@code identity} ({@code pid@host}) and waits
   * for it to be gone; false when it is not one of these.
   */
  synchronized boolean kill(String identity) throws InterruptedException {
    long pid = Long.parseLong(identity.substring(0, identity.indexOf('@')));
    for (Running w : running) {
      if (w.process().pid() == pid) {
        w.process().destroyForcibly();
        if (!w.process().waitFor(20, TimeUnit.SECONDS)) {
          throw new IllegalStateException("worker " + pid + " survived SIGKILL");
        }
        running.remove(w);
        return true;
      }
    }
    return false;
  }

  /** The last lines of every worker's log, for a failure's message. */
  synchronized String tails() {
    StringBuilder out = new StringBuilder();
    for (Path log : logFiles) {
      try {
        String text = Files.readString(log);
        out.append("\n--- ").append(log.getFileName()).append(" ---\n")
            .append(text.substring(Math.max(0, text.length() - 4_000)));
      } catch (IOException e) {
        out.append("\n--- ").append(log.getFileName()).append(": ").append(e);
      }
    }
    return out.toString();
  }

  @Override
  public synchronized void close() throws InterruptedException {
    for (Running w : running) {
      w.process().destroy();
    }
    for (Running w : running) {
      if (!w.process().waitFor(30, TimeUnit.SECONDS)) {
        w.process().destroyForcibly();
      }
    }
    running.clear();
  }
}
