package dev.underway.sandbox;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.underway.kernel.RunState;
import dev.underway.temporal.DevServerBinary;
import dev.underway.workflows.evolution.ClusterEvolutionWorkflow;
import io.temporal.client.WorkflowClient;
import io.temporal.serviceclient.WorkflowServiceStubs;
import io.temporal.serviceclient.WorkflowServiceStubsOptions;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code underway sandbox --keep-ui} as its own process with the real dev server: after the run
 * it keeps Temporal, its Web UI and the worker up (the finished run's page opens and its status
 * can be queried) until Ctrl-C (SIGTERM), which stops everything.
 */
class SandboxKeepUiTest {

  private static final Pattern SERVER =
      Pattern.compile("Temporal: dev server \\(.*\\) at (\\S+), Web UI (\\S+)");
  private static final Pattern RUN_PAGE =
      Pattern.compile("Temporal and its Web UI stay up: the run is at (\\S+)");

  @Test
  void theFinishedRunStaysVisibleUntilCtrlC(@TempDir Path tmp) throws Exception {
    Path temporal = DevServerBinary.requireOrSkip();
    Path data = tmp.resolve("data");
    Path log = tmp.resolve("sandbox.log");
    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    Process sandbox = new ProcessBuilder(java, "-cp", System.getProperty("java.class.path"),
        SandboxMain.class.getName(), "sandbox", "--auto-approve", "--keep-ui",
        "--temporal-binary", temporal.toString(), "--settle", "PT1S", "--rate", "40",
        "--concurrency", "2", "--data-dir", data.toString(),
        "--report-dir", tmp.resolve("report").toString())
        .redirectErrorStream(true).redirectOutput(log.toFile()).start();
    try {
      await().atMost(Duration.ofMinutes(4)).until(() ->
          Files.exists(log) && Files.readString(log).contains("Ctrl-C stops everything."));
      String printed = Files.readString(log);
      assertThat(printed).contains("Report: ");
      Matcher server = SERVER.matcher(printed);
      assertThat(server.find()).as(printed).isTrue();
      Matcher page = RUN_PAGE.matcher(printed);
      assertThat(page.find()).as(printed).isTrue();
      assertThat(page.group(1)).startsWith(server.group(2) + "/namespaces/default/workflows/");

      HttpResponse<String> ui = HttpClient.newHttpClient().send(
          HttpRequest.newBuilder(URI.create(page.group(1))).timeout(Duration.ofSeconds(30))
              .build(), HttpResponse.BodyHandlers.ofString());
      assertThat(ui.statusCode()).as("the run's page is served").isEqualTo(200);

      WorkflowServiceStubs service = WorkflowServiceStubs.newServiceStubs(
          WorkflowServiceStubsOptions.newBuilder().setTarget(server.group(1)).build());
      try {
        String id = URI.create(page.group(1)).getPath().replaceFirst(".*/workflows/", "");
        ClusterEvolutionWorkflow run = WorkflowClient.newInstance(service)
            .newWorkflowStub(ClusterEvolutionWorkflow.class, id);
        assertThat(run.status().state()).as("the worker still answers the status query")
            .isEqualTo(RunState.COMPLETED);
      } finally {
        service.shutdownNow();
      }
      assertThat(sandbox.isAlive()).as("still up after the run").isTrue();

      List<ProcessHandle> started = sandbox.descendants().toList();
      sandbox.destroy(); // SIGTERM, as Ctrl-C
      assertThat(sandbox.waitFor(60, TimeUnit.SECONDS)).as(Files.readString(log)).isTrue();
      await().atMost(Duration.ofSeconds(60)).untilAsserted(() ->
          assertThat(started).noneMatch(ProcessHandle::isAlive));
      assertThat(data).as("data directory removed").doesNotExist();
    } finally {
      sandbox.destroyForcibly();
      sandbox.descendants().forEach(ProcessHandle::destroyForcibly);
    }
  }
}
