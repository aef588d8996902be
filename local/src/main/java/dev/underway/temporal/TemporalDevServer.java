package dev.underway.temporal;

import dev.underway.local.LocalProcess;
import dev.underway.local.LogTail;
import dev.underway.local.PortTakenException;
import dev.underway.local.Ports;
import dev.underway.kernel.SearchAttributes;
import io.temporal.api.workflowservice.v1.GetSystemInfoRequest;
import io.temporal.serviceclient.WorkflowServiceStubs;
import io.temporal.serviceclient.WorkflowServiceStubsOptions;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The real Temporal dev server ({@code temporal server start-dev}, from the {@code temporal}
 * CLI), run as a child process on loopback with its Web UI, a SQLite database file and
 * Underway's search attributes registered. Used by the sandbox and by the end-to-end tests.
 *
 * <p>It can be killed ({@link #kill()}) and started again on the same database file ({@link
 * #restart()}): runs survive, as with any Temporal server.
 */
public final class TemporalDevServer implements AutoCloseable {

  private static final Logger log = LoggerFactory.getLogger(TemporalDevServer.class);

  /** Environment variable naming the {@code temporal} binary, when it is not on PATH. */
  public static final String BINARY_ENV = "UNDERWAY_TEMPORAL_BINARY";

  /**
   * What a launch runs: the binary, the directory of the database file and the log, the ports.
   *
   * @param uiPort the Web UI's port, or null for none
   */
  private record Setup(Path binary, Path dir, int port, Integer uiPort) {
    Path databaseFile() {
      return dir.resolve("temporal.db");
    }

    Path logFile() {
      return dir.resolve("temporal-server.log");
    }
  }

  private final Setup setup;
  private LocalProcess process;
  private long logOffset;

  private TemporalDevServer(Setup setup) {
    this.setup = setup;
  }

  /**
   * The {@code temporal} binary: {@code explicit} if given, else {@code UNDERWAY_TEMPORAL_BINARY},
   * else the first on {@code PATH}, else {@code $GOPATH/bin} or {@code ~/go/bin} (where {@code go
   * install} puts it).
   */
  public static Optional<Path> findBinary(Path explicit, Map<String, String> env) {
    if (explicit != null) {
      return Optional.of(explicit).filter(Files::isExecutable);
    }
    String named = env.get(BINARY_ENV);
    if (named != null && !named.isBlank()) {
      return Optional.of(Path.of(named)).filter(Files::isExecutable);
    }
    List<Path> candidates = new ArrayList<>();
    for (String dir : env.getOrDefault("PATH", "").split(java.io.File.pathSeparator)) {
      if (!dir.isBlank()) {
        candidates.add(Path.of(dir, "temporal"));
      }
    }
    if (env.get("GOPATH") != null) {
      candidates.add(Path.of(env.get("GOPATH"), "bin", "temporal"));
    }
    if (env.get("HOME") != null) {
      candidates.add(Path.of(env.get("HOME"), "go", "bin", "temporal"));
    }
    return candidates.stream().filter(Files::isExecutable).findFirst();
  }

  /**
   * Starts a dev server on free loopback ports with its database in {@code dir}. A port is free
   * when looked up but another process can bind it before the server does; when the server says
   * so ("address already in use"), it is started again on other ports ({@link
   * Ports#retryingTakenPorts}).
   *
   * @param ui whether to serve the Web UI
   */
  public static TemporalDevServer start(Path binary, Path dir, boolean ui, Duration timeout)
      throws IOException {
    return start(binary, dir, ui, timeout, Ports::freeLoopbackPort);
  }

  /** {@link #start(Path, Path, boolean, Duration)} with the ports from {@code ports}. */
  static TemporalDevServer start(Path binary, Path dir, boolean ui, Duration timeout,
      PortSource ports) throws IOException {
    Files.createDirectories(dir);
    return Ports.retryingTakenPorts("the Temporal dev server", attempt -> {
      int port = ports.next();
      TemporalDevServer server = new TemporalDevServer(
          new Setup(binary, dir, port, ui ? ports.next() : null));
      server.launch(timeout);
      return server;
    });
  }

  /** Where {@link #start} takes its ports from. */
  @FunctionalInterface
  interface PortSource {
    int next() throws IOException;
  }

  private void launch(Duration timeout) throws IOException {
    List<String> cmd = new ArrayList<>(List.of(setup.binary().toString(), "server", "start-dev",
        "--ip", "127.0.0.1", "--port", Integer.toString(setup.port()),
        "--db-filename", setup.databaseFile().toString(), "--log-level", "warn"));
    if (setup.uiPort() != null) {
      cmd.addAll(List.of("--ui-port", Integer.toString(setup.uiPort())));
    } else {
      cmd.add("--headless");
    }
    for (var key : SearchAttributes.ALL) {
      cmd.addAll(List.of("--search-attribute", key.getName() + "=Keyword"));
    }
    Path logFile = setup.logFile();
    logOffset = Files.exists(logFile) ? Files.size(logFile) : 0;
    // SIGTERM, then SIGKILL if it has not exited within 15 s
    process = LocalProcess.start("Temporal dev server on " + address(), new ProcessBuilder(cmd)
            .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.appendTo(
                logFile.toFile())), LocalProcess.SIGTERM, Duration.ofSeconds(15), false);
    log.info("Started Temporal dev server (pid {}) on {}{}", process.pid(), address(),
        setup.uiPort() != null ? ", Web UI " + uiUrl() : "");
    awaitReachable(timeout);
  }

  private void awaitReachable(Duration timeout) throws IOException {
    WorkflowServiceStubs stubs = WorkflowServiceStubs.newServiceStubs(
        WorkflowServiceStubsOptions.newBuilder().setTarget(address()).build());
    try {
      process.awaitReady(timeout, Duration.ofMillis(200), () -> {
        try {
          stubs.blockingStub().withDeadlineAfter(1, TimeUnit.SECONDS)
              .getSystemInfo(GetSystemInfoRequest.getDefaultInstance());
          return null;
        } catch (RuntimeException notYet) {
          return notYet.getMessage();
        }
      }, last -> {
        String tail = tail();
        String message = "the Temporal dev server exited" + process.exitCode()
            + " before it was reachable; its log: " + setup.logFile() + "\n" + tail;
        return tail.contains("address already in use")
            ? new PortTakenException(message) : new IOException(message);
      }, last -> {
        kill();
        return new IOException("the Temporal dev server was not reachable on " + address()
            + " within " + timeout + "; its log: " + setup.logFile() + "\n" + tail());
      });
    } catch (IOException e) {
      if (!(e instanceof PortTakenException) && process.isAlive()) {
        kill(); // interrupted
      }
      throw e;
    } finally {
      stubs.shutdownNow();
    }
  }

  /** The last lines this launch wrote (the log file also holds earlier launches). */
  private String tail() {
    return LogTail.of(setup.logFile(), logOffset, 15);
  }

  /** {@code 127.0.0.1:PORT}. */
  public String address() {
    return "127.0.0.1:" + setup.port();
  }

  /** The Web UI, or null when started without it. */
  public String uiUrl() {
    return setup.uiPort() != null ? "http://127.0.0.1:" + setup.uiPort() : null;
  }

  public Path databaseFile() {
    return setup.databaseFile();
  }

  public boolean isAlive() {
    return process != null && process.isAlive();
  }

  public long pid() {
    return process.pid();
  }

  /** SIGKILL, as a crash would: nothing is flushed or closed gracefully. */
  public void kill() {
    if (process != null && process.isAlive()) {
      process.kill();
    }
  }

  /** Starts the server again on the same ports and database file. */
  public void restart(Duration timeout) throws IOException {
    if (isAlive()) {
      throw new IllegalStateException("the dev server is still running (pid " + pid() + ")");
    }
    launch(timeout);
  }

  /** SIGTERM, then SIGKILL if it has not exited within 15 s. */
  @Override
  public void close() {
    if (process != null) {
      process.stop();
    }
  }
}
