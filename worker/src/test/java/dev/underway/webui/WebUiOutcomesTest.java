package dev.underway.webui;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.underway.kernel.ReadmeViews;
import dev.underway.kernel.RunKernelTest.Ask;
import dev.underway.kernel.RunKernelTest.WindowRunbook;
import dev.underway.kernel.RunKernelTest.WindowRunbookImpl;
import dev.underway.kernel.RunState;
import dev.underway.kernel.TestSenders;
import dev.underway.temporal.DevServerFixture;
import io.temporal.api.enums.v1.WorkflowExecutionStatus;
import io.temporal.client.WorkflowClient;
import io.temporal.client.WorkflowOptions;
import io.temporal.worker.Worker;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What an operator tries in the REAL Temporal Web UI, on the kernel's small test runbook (a
 * destructive gate that must be confirmed with {@code window.glass}): the card's own input
 * pasted unchanged is refused (its placeholders), a confirmation with a trailing space is
 * refused showing the difference, a wrong-typed field is refused in one sentence; a decided
 * gate's timer ends at the decision (the event history shows it cancelled); a run cancelled with
 * Request Cancellation leaves the README's waiting view and shows in its stopped view. Two runs,
 * one dev server, one browser.
 */
class WebUiOutcomesTest {
  static final String TASK_QUEUE = "outcomes-ui";
  static final Duration UI_WAIT = Duration.ofSeconds(60);
  static final String DECIDED = "window-decided";
  static final String CANCELLED = "window-cancelled";

  @TempDir
  Path dir;

  private CdpPage page;
  private String ui;
  private int shots;

  @Test
  void refusalsInTheDialogATimerEndedAtTheDecisionAndACancelledRunInTheRightViews()
      throws Exception {
    Path chromium = HeadlessChromium.requireOrSkip();
    try (DevServerFixture temporal = DevServerFixture.start(dir.resolve("temporal"), true);
        HeadlessChromium browser = HeadlessChromium.start(chromium, dir.resolve("chromium"),
            1440, 1000, Duration.ofSeconds(30))) {
      Worker worker = temporal.newWorker(TASK_QUEUE);
      worker.registerWorkflowImplementationTypes(WindowRunbookImpl.class);
      worker.registerActivitiesImplementations(new dev.underway.outcomes.Windows());
      TestSenders.register(worker);
      temporal.startWorkers();
      WorkflowClient client = temporal.client();
      page = browser.page();
      ui = temporal.server().uiUrl();
      WindowRunbook decided = start(client, DECIDED,
          new Ask(null, false, false, "window.glass"));
      WindowRunbook cancelled = start(client, CANCELLED, new Ask(null, false, false));
      try {
        String card = gateCard(DECIDED);
        String input = card.substring(card.indexOf("{\"gate\""), card.indexOf('}',
            card.indexOf("{\"gate\"")) + 1);
        assertThat(input).contains("YOUR-NAME");

        String placeholder = updateRefused(DECIDED, input);
        assertThat(placeholder).as("the card's input, its placeholders left in")
            .contains("YOUR-NAME");
        String trailing = updateRefused(DECIDED, "{\"gate\":\"go\",\"decision\":\"approve\","
            + "\"plan\":\"0000abcd\",\"by\":\"bob\",\"comment\":\"checked\","
            + "\"confirm\":\"window.glass \"}");
        assertThat(trailing).contains("typed exactly").contains("\"window.glass \"")
            .contains("a space at the end");
        String wrongType = updateRefused(DECIDED, "{\"gate\":\"go\",\"decision\":\"approve\","
            + "\"plan\":\"0000abcd\",\"by\":[\"bob\"],\"comment\":\"checked\","
            + "\"confirm\":\"window.glass\"}");
        assertThat(wrongType).contains("\"by\"").doesNotContainIgnoringCase("jackson")
            .doesNotContain("Exception");
        assertThat(decided.status().decisions()).as("nothing was accepted").isEmpty();

        update(DECIDED, "{\"gate\":\"go\",\"decision\":\"approve\",\"plan\":\"0000abcd\","
            + "\"by\":\"bob\",\"comment\":\"checked\",\"confirm\":\"window.glass\"}");
        await().atMost(UI_WAIT).until(() -> decided.status().state() == RunState.COMPLETED);
        String events = eventsWithMetadata(DECIDED);
        assertThat(events).as("the gate's timer, named by its summary, ended at the decision"
            + " (User Metadata, Events with Metadata; before, it said Started for ever)")
            .containsPattern("gate go: waiting for a decision[^\\n]*\\n+\\s*Canceled")
            .doesNotContain("Started").doesNotContain("Fired");
        shot("timer-cancelled");

        requestCancellation(CANCELLED);
        await().atMost(UI_WAIT).until(() -> client.newUntypedWorkflowStub(CANCELLED).describe()
            .getStatus() == WorkflowExecutionStatus.WORKFLOW_EXECUTION_STATUS_CANCELED);
        assertThat(cancelled.status().state()).isEqualTo(RunState.CANCELED);
        listShows(ReadmeViews.view(ReadmeViews.STOPPED), CANCELLED, "stopped");
        listShowsNone(ReadmeViews.view(ReadmeViews.WAITING), "waiting");
      } catch (RuntimeException | AssertionError e) {
        try {
          shot("failure");
          System.out.println(page.url() + "\n" + page.text());
        } catch (IOException | RuntimeException unavailable) {
          e.addSuppressed(unavailable);
        }
        throw e;
      }
    }
  }

  private static WindowRunbook start(WorkflowClient client, String id, Ask ask) {
    WindowRunbook wf = client.newWorkflowStub(WindowRunbook.class,
        WorkflowOptions.newBuilder().setTaskQueue(TASK_QUEUE).setWorkflowId(id).build());
    WorkflowClient.start(wf::run, ask);
    WindowRunbook running = client.newWorkflowStub(WindowRunbook.class, id);
    await().atMost(UI_WAIT).ignoreExceptions().until(() -> running.status().openGate() != null);
    return running;
  }

  /** The run's page, User Metadata: the Current Details once they show the gate open. */
  private String gateCard(String id) {
    page.navigate(ui + "/namespaces/default/workflows/" + id);
    awaitElement("byText('a, button', 'User Metadata')");
    page.click("byText('a, button', 'User Metadata')");
    return await().atMost(UI_WAIT).pollInterval(Duration.ofSeconds(1)).until(() -> {
      String text = page.eval("[...document.querySelectorAll('iframe[title=output]')]"
          + ".map(f => f.contentDocument && f.contentDocument.body"
          + " ? f.contentDocument.body.innerText : '').join('\\n')").asText();
      if (!text.contains("Waiting for approval at gate")) {
        page.reload();
        awaitElement("byText('a, button', 'User Metadata')");
        page.click("byText('a, button', 'User Metadata')");
        return null;
      }
      return text;
    }, t -> t != null);
  }

  private String updateRefused(String id, String input) throws IOException {
    openUpdateDialog(id, input);
    String refusal = await().atMost(UI_WAIT).until(() -> page.eval(
        "[...document.querySelectorAll('dialog[open] [role=alert]')].map(e => e.innerText.trim())"
            + ".join('')").asText(), t -> !t.isEmpty());
    assertThat(refusal).as("one sentence, no stack trace").doesNotContain("\tat ")
        .doesNotContain("Exception").doesNotContain("\n");
    shot("update-refused");
    page.click("byCss('dialog[open] button[aria-label=Cancel]')");
    return refusal;
  }

  private void update(String id, String input) throws IOException {
    openUpdateDialog(id, input);
    await().atMost(UI_WAIT).until(() -> !page.exists("byCss('dialog[open]')"));
  }

  private void openUpdateDialog(String id, String input) throws IOException {
    if (!page.url().endsWith("/workflows/" + id) && !page.url().contains("/workflows/" + id
        + "/")) {
      page.navigate(ui + "/namespaces/default/workflows/" + id);
    }
    awaitElement("button('More Actions')");
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
    page.eval("(() => { byCss('dialog[open] button[type=submit]').click(); return true; })()");
  }

  /**
   * The run's User Metadata tab, its "Events with Metadata" section (each timer and activity by
   * its summary, with its state), once it lists the gate's timer.
   */
  private String eventsWithMetadata(String id) {
    page.navigate(ui + "/namespaces/default/workflows/" + id);
    awaitElement("byText('a, button', 'User Metadata')");
    page.click("byText('a, button', 'User Metadata')");
    return await().atMost(UI_WAIT).pollInterval(Duration.ofSeconds(1)).ignoreExceptions()
        .until(() -> {
          String text = page.text();
          int from = text.indexOf("Events with Metadata");
          int to = text.indexOf("Current Details", Math.max(from, 0));
          return from < 0 || to < 0 ? "" : text.substring(from, to);
        }, t -> t.contains("gate go: waiting for a decision"));
  }

  private void requestCancellation(String id) throws IOException {
    page.navigate(ui + "/namespaces/default/workflows/" + id);
    awaitElement("byText('h1', '" + id + "')");
    if (!page.exists("button('Request Cancellation')")) {
      page.click("button('More Actions')");
    }
    awaitElement("button('Request Cancellation')");
    page.click("button('Request Cancellation')");
    awaitElement("byCss('dialog[open]')");
    shot("request-cancellation");
    page.eval("(() => { const d = byCss('dialog[open]'); const b = [...d.querySelectorAll("
        + "'button')].find(b => /^(Confirm|Yes|Request Cancellation|Cancel Workflow)$/"
        + ".test(b.innerText.trim())) || d.querySelector('button[type=submit]');"
        + " b.click(); return true; })()");
  }

  private void listShows(String filter, String id, String name) throws IOException {
    page.navigate(ui + "/namespaces/default/workflows?query="
        + WebUiApprovalTest.query(filter));
    awaitElementReloading("byText('a', '" + id + "')");
    shot("list-" + name);
  }

  private void listShowsNone(String filter, String name) throws IOException {
    page.navigate(ui + "/namespaces/default/workflows?query="
        + WebUiApprovalTest.query(filter));
    awaitElementReloading("exactly('body *', 'No Results')");
    assertThat(page.exists("byText('a', '" + CANCELLED + "')")).isFalse();
    shot("list-" + name);
  }

  private void awaitElement(String element) {
    await().atMost(UI_WAIT).pollInterval(Duration.ofMillis(250)).ignoreExceptions()
        .until(() -> page.exists(element));
  }

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
    Path file = page.screenshot(WebUiApprovalTest.SCREENSHOTS.resolve(
        String.format("outcomes-%02d-%s.png", ++shots, name)));
    System.out.println("screenshot: " + file.toAbsolutePath());
  }
}
