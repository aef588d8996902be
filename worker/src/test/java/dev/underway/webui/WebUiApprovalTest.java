package dev.underway.webui;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.underway.kernel.DecisionKind;
import dev.underway.kernel.RunState;
import dev.underway.kernel.RunStatus;
import dev.underway.workflows.evolution.model.EvolutionResult;
import dev.underway.runbooks.Runbooks;
import dev.underway.worker.Outcomes;
import dev.underway.temporal.DevServerFixture;
import dev.underway.temporal.TemporalDevServer;
import dev.underway.workflows.evolution.ClusterEvolutionWorkflow;
import dev.underway.workflows.evolution.InMemoryCluster;
import io.temporal.client.WorkflowClient;
import io.temporal.worker.Worker;
import io.temporal.worker.WorkflowImplementationOptions;
import java.io.IOException;
import java.io.InputStream;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * An operator's path through the REAL Temporal Web UI (served by the {@code temporal} dev server)
 * in a headless Chromium: start a {@code ClusterEvolution} run from the Start Workflow page with
 * the runbook's example input, find it in the list filtered by {@code UnderwayState}, read the
 * gate card on the run's page (no query), see a decision for the wrong gate and one for a stale
 * plan refused in the Send an Update dialog in one sentence, approve with the plan digest the card
 * shows, see a wrong signal recorded as refused, then reject the next gate and see the run shown
 * as Failed, not Completed, and found by {@code UnderwayState = "REJECTED"}.
 *
 * <p>The worker runs in this JVM on the dev server, with the real workflow and {@link
 * InMemoryCluster} as activities: an in-memory STAND-IN for Kubernetes and CockroachDB (the UI and
 * the gates are under test here, not the cluster). Screenshots go to {@code
 * target/webui-screenshots/}; the gate card's is the README's picture ({@code
 * docs/webui-gate.png}).
 */
class WebUiApprovalTest {
  static final String TASK_QUEUE = "underway";
  static final String WORKFLOW_ID = "cluster-evolution-underway-demo-cockroachdb";
  static final Path SCREENSHOTS = Path.of("target", "webui-screenshots");
  static final Duration UI_WAIT = Duration.ofSeconds(60);
  static final Pattern DIGEST = Pattern.compile("Plan digest:\\s*([0-9a-f]{8})");

  @TempDir
  Path dir;

  private CdpPage page;
  private String ui;
  private int shots;

  @Test
  void operatorDecidesFromTheRunsPageAndSeesRefusalsAndOutcomes() throws Exception {
    cleanScreenshots();
    Path chromium = HeadlessChromium.requireOrSkip();
    String input = exampleInput();
    InMemoryCluster cluster = InMemoryCluster.atPhase0();
    try (DevServerFixture temporal = DevServerFixture.start(dir.resolve("temporal"), true);
        HeadlessChromium browser = HeadlessChromium.start(chromium, dir.resolve("chromium"),
            1440, 1000, Duration.ofSeconds(30))) {
      TemporalDevServer server = temporal.server();
      WorkflowClient client = temporal.client();
      Worker worker = temporal.newWorker(TASK_QUEUE);
      Runbooks.register(worker, WorkflowImplementationOptions.getDefaultInstance(),
          server.address(), List.of(cluster.activities()));
      worker.registerActivitiesImplementations(cluster.activities());
      temporal.startWorkers();
      page = browser.page();
      ui = server.uiUrl();

      try {
        startFromStartWorkflowPage(input);
        findInList("UnderwayState=\"WAITING_FOR_APPROVAL\"", "waiting");
        String card = gateCard("phase-1");
        assertThat(card).contains("Waiting for approval at gate phase-1")
            .contains("Who may approve: alice, bob (not the requester, alice)")
            .contains("\"gate\":\"phase-1\",\"decision\":\"approve\"")
            .contains("--address " + server.address())
            .doesNotContain("\\\"");
        Matcher digest = DIGEST.matcher(card);
        assertThat(digest.find()).as(card).isTrue();
        String plan = digest.group(1);
        shot("gate-card-phase-1"); // the README's picture (docs/webui-gate.png)

        String wrongGate = updateRefused("{\"gate\":\"phase-2\",\"decision\":\"approve\","
            + "\"by\":\"bob\"}");
        assertThat(wrongGate).isEqualTo("gate 'phase-2' is not open (open now: phase-1)");
        String stale = updateRefused("{\"gate\":\"phase-1\",\"decision\":\"approve\","
            + "\"plan\":\"00000000\",\"by\":\"bob\"}");
        assertThat(stale).startsWith("this decision is for plan 00000000 but gate phase-1 now"
            + " shows plan " + plan);

        update("{\"gate\":\"phase-1\",\"decision\":\"approve\",\"plan\":\"" + plan
            + "\",\"by\":\"bob\",\"comment\":\"approved from the Web UI\"}");
        assertThat(gateCard("phase-2")).contains("Waiting for approval at gate phase-2");
        shot("gate-card-phase-2");

        // a signal for a gate that is not open: recorded as refused, visible in the status
        signal("approve", "{\"gate\":\"phase-1\",\"by\":\"bob\",\"comment\":\"late\"}");
        ClusterEvolutionWorkflow run = client.newWorkflowStub(ClusterEvolutionWorkflow.class,
            WORKFLOW_ID);
        await().atMost(UI_WAIT).untilAsserted(() -> assertThat(run.status().decisions())
            .anySatisfy(d -> {
              assertThat(d.via()).isEqualTo("signal");
              assertThat(d.accepted()).isFalse();
              assertThat(d.note()).contains("gate 'phase-1' is not open (open now: phase-2)");
            }));
        RunStatus status = run.status();
        assertThat(status.decisions()).anySatisfy(d -> {
          assertThat(d.gate()).isEqualTo("phase-1");
          assertThat(d.kind()).isEqualTo(DecisionKind.APPROVE);
          assertThat(d.by()).isEqualTo("bob");
          assertThat(d.accepted()).isTrue();
          assertThat(d.via()).isEqualTo("update");
          assertThat(d.plan()).isEqualTo(plan);
          assertThat(d.sender()).as("the UI's Update dialog declares no identity")
              .isEqualTo(new dev.underway.kernel.Sender("", null, null));
        });
        assertThat(cluster.nodes()).isEqualTo(2);

        // a rejected run is not shown as Completed, and the list finds it by its outcome
        update("{\"gate\":\"phase-2\",\"decision\":\"reject\",\"by\":\"bob\","
            + "\"comment\":\"not this week\"}");
        // the title's row: the smallest block around the title that holds the status badge
        String header = "(() => { let e = byText('h1', '" + WORKFLOW_ID + "');"
            + " while (e && e.parentElement && e.parentElement.innerText.length < 200"
            + " && !/Running|Failed|Completed|Canceled/.test(e.innerText)) {"
            + " e = e.parentElement; } return e; })()";
        await().atMost(UI_WAIT).pollInterval(Duration.ofSeconds(2)).ignoreExceptions()
            .until(() -> {
              page.navigate(ui + "/namespaces/default/workflows/" + WORKFLOW_ID);
              awaitElement("byText('h1', '" + WORKFLOW_ID + "')");
              return page.eval("(" + header + " || {}).innerText || ''").asText();
            }, badge -> badge.contains("Failed"));
        assertThat(page.eval(header + ".innerText").asText()).as("the run's status badge")
            .doesNotContain("Completed");
        shot("rejected-shown-failed");
        findInList("UnderwayState=\"REJECTED\" AND ExecutionStatus=\"Failed\"", "rejected");
        page.navigate(ui + "/namespaces/default/workflows?query="
            + query("ExecutionStatus=\"Completed\""));
        awaitElementReloading("exactly('body *', 'No Results')");
        assertThat(Outcomes.of(client.newUntypedWorkflowStub(WORKFLOW_ID),
            EvolutionResult.class).state()).isEqualTo(RunState.REJECTED);
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

  /** The list, filtered as an operator filters it, shows the run; open it. */
  private void findInList(String filter, String name) throws IOException {
    page.navigate(ui + "/namespaces/default/workflows?query=" + query(filter));
    awaitElementReloading("byText('a', '" + WORKFLOW_ID + "')");
    shot("list-" + name);
    page.click("byText('a', '" + WORKFLOW_ID + "')");
    awaitElement("byText('h1', '" + WORKFLOW_ID + "')");
  }

  /**
   * The run's page, User Metadata: the Current Details (Markdown the UI renders in a same-origin
   * frame) once they show {@code gate} open.
   */
  private String gateCard(String gate) {
    page.navigate(ui + "/namespaces/default/workflows/" + WORKFLOW_ID);
    awaitElement("byText('a, button', 'User Metadata')");
    page.click("byText('a, button', 'User Metadata')");
    return await().atMost(UI_WAIT).pollInterval(Duration.ofSeconds(1)).until(() -> {
      String text = page.eval("[...document.querySelectorAll('iframe[title=output]')]"
          + ".map(f => f.contentDocument && f.contentDocument.body"
          + " ? f.contentDocument.body.innerText : '').join('\\n')").asText();
      if (!text.contains("Waiting for approval at gate " + gate)) {
        page.reload();
        awaitElement("byText('a, button', 'User Metadata')");
        page.click("byText('a, button', 'User Metadata')");
        return null;
      }
      return text;
    }, t -> t != null);
  }

  /** Sends the {@code decide} update from the run's page; returns the dialog's refusal. */
  private String updateRefused(String input) throws IOException {
    openUpdateDialog(input);
    String refusal = await().atMost(UI_WAIT).until(() -> page.eval(
        "[...document.querySelectorAll('dialog[open] [role=alert]')].map(e => e.innerText.trim())"
            + ".join('')").asText(), t -> !t.isEmpty());
    assertThat(refusal).as("one sentence, no stack trace").doesNotContain("\tat ")
        .doesNotContain("Exception").doesNotContain("\n");
    shot("update-refused");
    page.click("byCss('dialog[open] button[aria-label=Cancel]')");
    return refusal;
  }

  /** Sends the {@code decide} update from the run's page; it must be accepted. */
  private void update(String input) throws IOException {
    openUpdateDialog(input);
    await().atMost(UI_WAIT).until(() -> !page.exists("byCss('dialog[open]')"));
  }

  private void openUpdateDialog(String input) throws IOException {
    page.click("button('More Actions')");
    awaitElement("button('Send an Update')");
    page.click("button('Send an Update')");
    awaitElement("byCss('dialog[open] [data-testid=update-select-button]')");
    page.click("byCss('dialog[open] [data-testid=update-select-button]')");
    awaitElement("exactly('dialog[open] [role=option]', 'decide')");
    page.click("exactly('dialog[open] [role=option]', 'decide')");
    await().atMost(UI_WAIT).until(() -> page.eval(
        "(byCss('dialog[open] [data-testid=update-select]') || {}).value || ''").asText(),
        "decide"::equals);
    page.fill("byCss('dialog[open] .cm-content')", input);
    shot("update-dialog");
    submitDialog();
  }

  /**
   * Submits the open dialog with its own button's click: after typing into the dialog's JSON
   * editor, a mouse click on Submit is taken by the editor losing focus, not by the button.
   */
  private void submitDialog() {
    page.eval("(() => { byCss('dialog[open] button[type=submit]').click(); return true; })()");
  }

  private void signal(String name, String input) throws IOException {
    page.click("button('More Actions')");
    awaitElement("button('Send a Signal')");
    page.click("button('Send a Signal')");
    awaitElement("byCss('dialog [data-testid=signal-select-button]')");
    page.click("byCss('dialog [data-testid=signal-select-button]')");
    awaitElement("exactly('dialog [role=option]', '" + name + "')");
    page.click("exactly('dialog [role=option]', '" + name + "')");
    await().atMost(UI_WAIT).until(() -> page.eval(
        "(byCss('dialog [data-testid=signal-select]') || {}).value || ''").asText(),
        name::equals);
    page.fill("byCss('dialog .cm-content')", input);
    submitDialog();
    awaitElement("byText('body *', 'Workflow signaled')");
  }

  /** Waits for an element; a page still navigating (the evaluation fails) is waited out. */
  private void awaitElement(String element) {
    await().atMost(UI_WAIT).pollInterval(Duration.ofMillis(250)).ignoreExceptions()
        .until(() -> page.exists(element));
  }

  /** For pages that do not refresh themselves (the workflow list): reloads until it shows. */
  private void awaitElementReloading(String element) {
    await().atMost(UI_WAIT).pollDelay(Duration.ZERO).pollInterval(Duration.ofSeconds(2))
        .ignoreExceptions().until(() -> {
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
