package dev.underway.sandbox;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code underway sandbox} as its own process, stopped with SIGTERM (what Ctrl-C does through the
 * JVM's shutdown hooks) while it waits at a gate: it must stop everything it started, leave no
 * process behind and remove its data directory.
 */
class SandboxSignalTest {

  @Test
  void sigtermAtAGateStopsEverythingItStarted(@TempDir Path tmp) throws Exception {
    Path data = tmp.resolve("data");
    Path log = tmp.resolve("sandbox.log");
    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    Process sandbox = new ProcessBuilder(java, "-cp", System.getProperty("java.class.path"),
        SandboxMain.class.getName(), "sandbox", "--embedded-temporal", "--settle", "PT1S",
        "--rate", "40", "--concurrency", "2", "--data-dir", data.toString(),
        "--report-dir", tmp.resolve("report").toString())
        .redirectErrorStream(true).redirectOutput(log.toFile())
        .redirectInput(ProcessBuilder.Redirect.PIPE) // a terminal nobody answers
        .start();
    try {
      await().atMost(Duration.ofSeconds(90)).until(() ->
          Files.exists(log) && Files.readString(log).contains("Gate phase-1"));
      List<ProcessHandle> started = sandbox.descendants().toList();
      assertThat(started).as("the sandbox runs PostgreSQL processes").isNotEmpty();
      assertThat(data).exists();

      sandbox.destroy(); // SIGTERM
      assertThat(sandbox.waitFor(60, TimeUnit.SECONDS)).as(Files.readString(log)).isTrue();
      await().atMost(Duration.ofSeconds(60)).untilAsserted(() ->
          assertThat(started).noneMatch(ProcessHandle::isAlive));
      assertThat(data).as("data directory removed").doesNotExist();
      String printed = Files.readString(log);
      assertThat(printed).contains("Stopped everything; removed " + data);
      // the load stops before the database: no operation fails because of the shutdown
      assertThat(printed.lines().filter(l -> l.contains("Load stopped:")))
          .singleElement().asString().contains(" 0 errors");
    } finally {
      sandbox.destroyForcibly();
      sandbox.descendants().forEach(ProcessHandle::destroyForcibly);
    }
  }
}
