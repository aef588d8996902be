package dev.underway.webui;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.underway.temporal.EndToEnd;
import org.junit.jupiter.api.Assumptions;

/**
 * A headless Chromium on this machine, driven over the Chrome DevTools Protocol (no chromedriver,
 * nothing downloaded). Each instance has a fresh profile and a DevTools port chosen by Chromium
 * itself (read back from its {@code DevToolsActivePort} file, so no port race).
 *
 * <p>On a developer machine without Chromium the Web UI tests are skipped with one line saying
 * how to enable them; in CI ({@link EndToEnd#required()}) they are required, so a missing
 * browser fails them.
 */
public final class HeadlessChromium implements AutoCloseable {
  static final String BINARY_ENV = "UNDERWAY_CHROMIUM";
  static final String HOW_TO_ENABLE = "chromium not found: install it with"
      + " `apt-get install chromium` (or set " + BINARY_ENV + ") to run the Web UI tests";

  private final Process process;
  private final Path logFile;
  private final CdpPage page;

  private HeadlessChromium(Process process, Path logFile, CdpPage page) {
    this.process = process;
    this.logFile = logFile;
    this.page = page;
  }

  /** The browser binary: $UNDERWAY_CHROMIUM, else the usual Debian/Ubuntu paths. */
  static Optional<Path> findBinary(Map<String, String> env) {
    List<Path> candidates = new ArrayList<>();
    String explicit = env.get(BINARY_ENV);
    if (explicit != null && !explicit.isBlank()) {
      candidates.add(Path.of(explicit));
    }
    for (String name : List.of("/usr/bin/chromium", "/usr/bin/chromium-browser",
        "/usr/bin/google-chrome")) {
      candidates.add(Path.of(name));
    }
    return candidates.stream().filter(Files::isExecutable).findFirst();
  }

  public static Path requireOrSkip() {
    Optional<Path> binary = findBinary(System.getenv());
    if (binary.isEmpty() && EndToEnd.required()) {
      throw new IllegalStateException("end-to-end tests are required here ("
          + EndToEnd.REQUIRE_ENV + " or CI is true) but " + HOW_TO_ENABLE + " (.ci/run installs it)");
    }
    Assumptions.assumeTrue(binary.isPresent(), HOW_TO_ENABLE);
    return binary.get();
  }

  /**
   * Starts the browser with one blank page of the given size and connects to that page.
   *
   * @param profile a fresh, empty directory for the browser profile and its log
   */
  public static HeadlessChromium start(Path binary, Path profile, int width, int height,
      Duration timeout) throws IOException {
    Files.createDirectories(profile);
    Path logFile = profile.resolveSibling(profile.getFileName() + ".log");
    List<String> cmd = List.of(binary.toString(), "--headless", "--no-sandbox", "--disable-gpu",
        "--disable-background-networking", "--disable-component-update", "--no-first-run",
        "--disable-sync", "--disable-dev-shm-usage", "--no-default-browser-check",
        "--user-data-dir=" + profile, "--remote-debugging-address=127.0.0.1",
        "--remote-debugging-port=0", "--window-size=" + width + "," + height, "about:blank");
    Process process = new ProcessBuilder(cmd).redirectErrorStream(true)
        .redirectOutput(ProcessBuilder.Redirect.appendTo(logFile.toFile())).start();
    try {
      int port = awaitDevToolsPort(process, profile.resolve("DevToolsActivePort"), logFile,
          timeout);
      CdpPage page = CdpPage.connect(pageWebSocket(port, timeout), timeout);
      page.viewport(width, height);
      return new HeadlessChromium(process, logFile, page);
    } catch (IOException | RuntimeException e) {
      stop(process);
      throw e;
    }
  }

  public CdpPage page() {
    return page;
  }

  Path logFile() {
    return logFile;
  }

  private static int awaitDevToolsPort(Process process, Path portFile, Path logFile,
      Duration timeout) throws IOException {
    Instant deadline = Instant.now().plus(timeout);
    while (true) {
      if (Files.exists(portFile)) {
        List<String> lines = Files.readAllLines(portFile);
        if (!lines.isEmpty() && !lines.get(0).isBlank()) {
          return Integer.parseInt(lines.get(0).trim());
        }
      }
      if (!process.isAlive()) {
        throw new IOException("chromium exited with code " + process.exitValue()
            + " before opening its DevTools port; its log: " + logFile);
      }
      if (Instant.now().isAfter(deadline)) {
        throw new IOException("chromium did not open its DevTools port within " + timeout
            + "; its log: " + logFile);
      }
      waitFor(process, Duration.ofMillis(100));
    }
  }

  private static URI pageWebSocket(int port, Duration timeout) throws IOException {
    HttpClient http = HttpClient.newHttpClient();
    Instant deadline = Instant.now().plus(timeout);
    while (true) {
      try {
        String body = http.send(HttpRequest.newBuilder(
                URI.create("http://127.0.0.1:" + port + "/json/list"))
            .timeout(Duration.ofSeconds(5)).build(), HttpResponse.BodyHandlers.ofString()).body();
        for (JsonNode target : new ObjectMapper().readTree(body)) {
          if ("page".equals(target.path("type").asText())) {
            return URI.create(target.path("webSocketDebuggerUrl").asText());
          }
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IOException("interrupted while connecting to chromium", e);
      } catch (IOException notYet) {
        // the port file can appear a moment before the HTTP endpoint answers
      }
      if (Instant.now().isAfter(deadline)) {
        throw new IOException("chromium listed no page on port " + port + " within " + timeout);
      }
      try {
        TimeUnit.MILLISECONDS.sleep(100);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IOException("interrupted while connecting to chromium", e);
      }
    }
  }

  private static void waitFor(Process process, Duration d) {
    try {
      process.waitFor(d.toMillis(), TimeUnit.MILLISECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new UncheckedIOException(new IOException("interrupted", e));
    }
  }

  /** Closes the DevTools connection, then ends the browser and every process it started. */
  @Override
  public void close() {
    try {
      page.close();
    } finally {
      stop(process);
    }
  }

  private static void stop(Process process) {
    List<ProcessHandle> children = process.descendants().toList();
    process.destroy();
    waitFor(process, Duration.ofSeconds(10));
    if (process.isAlive()) {
      process.destroyForcibly();
      waitFor(process, Duration.ofSeconds(10));
    }
    children.stream().filter(ProcessHandle::isAlive).forEach(ProcessHandle::destroyForcibly);
  }
}
