package dev.underway.webui;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.underway.kernel.DecisionKind;
import dev.underway.kernel.RunStatus;
import dev.underway.temporal.DevServerFixture;
import dev.underway.workflows.evolution.ClusterEvolutionWorkflow;
import dev.underway.workflows.evolution.ClusterEvolutionWorkflowImpl;
import dev.underway.workflows.evolution.InMemoryCluster;
import io.temporal.client.WorkflowClient;
import io.temporal.worker.Worker;
import java.io.IOException;
import java.io.InputStream;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * An operator's path through the REAL Temporal Web UI (served by the {@code temporal} dev server)
 * in a headless Chromium: start a {@code ClusterEvolution} run from the Start Workflow page with
 * the runbook's example input, find it in the list filtered by the open-gate search attribute,
 * open it, send {@code approve} from the UI's signal dialog, and see the run reach its next gate.
 *
 * <p>The worker runs in this JVM on the dev server, with the real workflow and {@link
 * InMemoryCluster} as activities: an in-memory STAND-IN for Kubernetes and CockroachDB (the UI and
 * the gates are under test here, not the cluster). Screenshots go to {@code
 * target/webui-screenshots/}.
 */
class WebUiApprovalTest {
  static final String TASK_QUEUE = "underway";
  static final String WORKFLOW_ID = "cluster-evolution-underway-demo-cockroachdb";
  static final Path SCREENSHOTS = Path.of("target", "webui-screenshots");
  static final Duration UI_WAIT = Duration.ofSeconds(60);
  /** "Run Query", or "Refresh Query" once it has run. */
  static final String RUN_QUERY = "button('Run Query') || button('Refresh Query')";
  static final Pattern OPEN_GATE_IN_JSON =
      Pattern.compile("\"openGate\"\\s*:\\s*\\{\\s*\"gate\"\\s*:\\s*\"([^\"]+)\"");

  @TempDir
  Path dir;

  private CdpPage page;
  private String ui;
  private int shots;

  @Test
  void operatorStartsFindsAndApprovesARunFromTheWebUi() throws Exception {
    cleanScreenshots();
    Path chromium = HeadlessChromium.requireOrSkip();
    String input = exampleInput();
    InMemoryCluster cluster = InMemoryCluster.atPhase0();
    try (DevServerFixture temporal = DevServerFixture.start(dir.resolve("temporal"), true);
        HeadlessChromium browser = HeadlessChromium.start(chromium, dir.resolve("chromium"),
            1440, 1000, Duration.ofSeconds(30))) {
      WorkflowClient client = temporal.client();
      Worker worker = temporal.newWorker(TASK_QUEUE);
      worker.registerWorkflowImplementationTypes(ClusterEvolutionWorkflowImpl.class);
      worker.registerActivitiesImplementations(cluster.activities());
      temporal.startWorkers();
      page = browser.page();
      ui = temporal.server().uiUrl();

      try {
        startFromStartWorkflowPage(input);
        findInListFilteredByOpenGate("phase-1");
        assertThat(openGateShownByStatusQuery("phase-1")).isEqualTo("phase-1");
        shot("gate-phase-1");
        approveFromSignalDialog(
            "{\"gate\":\"phase-1\",\"by\":\"bob\",\"comment\":\"approved from the Web UI\"}");
        assertThat(openGateShownByStatusQuery("phase-2")).isEqualTo("phase-2");
        shot("approved-gate-phase-2");
        findInListFilteredByOpenGate("phase-2");
        // and it has left the list of runs waiting at phase-1
        page.navigate(ui + "/namespaces/default/workflows?query="
            + query("UnderwayOpenGate=\"phase-1\""));
        awaitElementReloading("exactly('body *', 'No Results')");

        // the same, through the SDK
        RunStatus status = client.newWorkflowStub(ClusterEvolutionWorkflow.class,
            WORKFLOW_ID).status();
        assertThat(status.openGate().gate()).isEqualTo("phase-2");
        assertThat(status.decisions()).anySatisfy(d -> {
          assertThat(d.gate()).isEqualTo("phase-1");
          assertThat(d.kind()).isEqualTo(DecisionKind.APPROVE);
          assertThat(d.by()).isEqualTo("bob");
          assertThat(d.accepted()).isTrue();
          assertThat(d.via()).isEqualTo("signal");
        });
        assertThat(cluster.nodes()).isEqualTo(2);
      } catch (RuntimeException | AssertionError e) {
        try { // what the browser showed when it failed, next to the other screenshots
          shot("failure");
          System.out.println(page.url() + "\n" + page.text());
        } catch (IOException | RuntimeException unavailable) {
          e.addSuppressed(unavailable);
        }
        throw e;
      }
    }
  }

  private void startFromStartWorkflowPage(String input) throws IOException {
    page.navigate(ui + "/namespaces/default/workflows/start-workflow");
    awaitElement("byCss('#workflowId')");
    shot("start-form-empty");
    page.fill("byCss('#workflowId')", WORKFLOW_ID);
    page.fill("byCss('#taskQueue')", TASK_QUEUE);
    page.fill("byCss('#workflowType')", ClusterEvolutionWorkflow.TYPE);
    page.fill("byCss('.cm-content')", input);
    shot("start-form-filled");
    page.click("button('Start Workflow')");
    awaitElement("byText('body *', 'Workflow started successfully')");
    shot("after-start");
  }

  /** The list, filtered as an operator looks for runs waiting at a gate, shows the run; open it. */
  private void findInListFilteredByOpenGate(String gate) throws IOException {
    page.navigate(ui + "/namespaces/default/workflows?query="
        + query("UnderwayOpenGate=\"" + gate + "\""));
    awaitElementReloading("byText('a', '" + WORKFLOW_ID + "')");
    shot("list-" + gate);
    page.click("byText('a', '" + WORKFLOW_ID + "')");
    awaitElement("byText('h1', '" + WORKFLOW_ID + "')");
    shot("workflow-at-" + gate);
  }

  /** The Queries tab runs {@code status}; returns the open gate the result shows. */
  private String openGateShownByStatusQuery(String expected) {
    page.click("byText('a, button', 'Queries')");
    awaitElement(RUN_QUERY);
    return await().atMost(UI_WAIT).pollInterval(Duration.ofSeconds(1)).until(() -> {
      Matcher m = OPEN_GATE_IN_JSON.matcher(page.text());
      if (m.find() && m.group(1).equals(expected)) {
        return expected;
      }
      if (page.exists(RUN_QUERY)) { // disabled while a query runs
        page.click(RUN_QUERY);
      }
      m = OPEN_GATE_IN_JSON.matcher(page.text());
      return m.find() ? m.group(1) : null;
    }, expected::equals);
  }

  private void approveFromSignalDialog(String signal) throws IOException {
    page.click("button('More Actions')");
    awaitElement("button('Send a Signal')");
    page.click("button('Send a Signal')");
    awaitElement("byCss('dialog [data-testid=signal-select-button]')");
    page.click("byCss('dialog [data-testid=signal-select-button]')");
    awaitElement("exactly('dialog [role=option]', 'approve')");
    page.click("exactly('dialog [role=option]', 'approve')");
    // never submit another signal than the one meant: reject would end the run
    await().atMost(UI_WAIT).until(() -> page.eval(
        "(byCss('dialog [data-testid=signal-select]') || {}).value || ''").asText(),
        "approve"::equals);
    page.fill("byCss('dialog .cm-content')", signal);
    shot("signal-dialog");
    page.click("button('Submit')");
    awaitElement("byText('body *', 'Workflow signaled')");
  }

  private void awaitElement(String element) {
    await().atMost(UI_WAIT).pollInterval(Duration.ofMillis(250))
        .until(() -> page.exists(element));
  }

  /** For pages that do not refresh themselves (the workflow list): reloads until it shows. */
  private void awaitElementReloading(String element) {
    await().atMost(UI_WAIT).pollDelay(Duration.ZERO).pollInterval(Duration.ofSeconds(2))
        .until(() -> {
          if (page.exists(element)) {
            return true;
          }
          page.reload();
          return false;
        });
  }

  private void shot(String name) throws IOException {
    Path file = page.screenshot(SCREENSHOTS.resolve(String.format("%02d-%s.png", ++shots, name)));
    System.out.println("screenshot: " + file.toAbsolutePath());
  }

  private static void cleanScreenshots() throws IOException {
    if (Files.isDirectory(SCREENSHOTS)) {
      try (var files = Files.list(SCREENSHOTS)) {
        for (Path f : files.filter(f -> f.toString().endsWith(".png")).toList()) {
          Files.delete(f);
        }
      }
    }
  }

  private static String exampleInput() throws IOException {
    try (InputStream in = WebUiApprovalTest.class.getResourceAsStream(
        "/runbooks/cluster-evolution/evolve.json")) {
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    }
  }

  static String query(String visibilityQuery) {
    return URLEncoder.encode(visibilityQuery, StandardCharsets.UTF_8).replace("+", "%20");
  }
}
