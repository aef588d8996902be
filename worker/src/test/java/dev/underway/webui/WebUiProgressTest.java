package dev.underway.webui;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.underway.activities.sql.ConnectionFactory;
import dev.underway.activities.sql.SqlCredentials;
import dev.underway.activities.sql.schema.PostgresSchemaChangeActivities;
import dev.underway.kernel.RunStatus;
import dev.underway.local.postgres.LocalPostgres;
import dev.underway.runbooks.RunStart;
import dev.underway.runbooks.Runbooks;
import dev.underway.targets.PostgresServer;
import dev.underway.temporal.DevServerFixture;
import dev.underway.workflows.schema.SchemaChangeRequest;
import dev.underway.workflows.schema.SchemaChangeWorkflow;
import dev.underway.workflows.schema.contract.ChangeKind;
import dev.underway.workflows.schema.contract.NewColumn;
import dev.underway.workflows.schema.contract.OldColumn;
import dev.underway.workflows.schema.contract.TableChange;
import io.temporal.client.WorkflowClient;
import io.temporal.worker.Worker;
import io.temporal.worker.WorkflowImplementationOptions;
import java.io.IOException;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The run's page in the REAL Temporal Web UI (headless Chromium, 1280 px wide) for a schema
 * change on a real PostgreSQL: the Summary panel says what the run is; the expand gate's card
 * shows only what changes, the SQL it applies and a decide input whose whole text is visible;
 * approved from the UI's dialog, the card shows the approval at its next fetch, without a
 * reload of the page; and while the backfill runs, its progress reads without JSON (rows with
 * thousands separators, a rate, an ETA, the latency guard's state).
 *
 * <p>The backfill is slowed on purpose, whatever the machine: a foreground probe (15 ms) always
 * over its absolute budget (5 ms) keeps the latency guard at its floor (5% duty, batches of 10
 * rows each followed by a rest): measured, 30,000 rows took about 40 s after the 10 s baseline,
 * so 200,000 rows take far longer than the first progress read (a minute in).
 */
@Timeout(value = 6, unit = TimeUnit.MINUTES)
class WebUiProgressTest {
  static final String TASK_QUEUE = "underway-progress";
  static final int ROWS = 200_000;
  static final Duration UI_WAIT = Duration.ofSeconds(60);
  static final String FRAME_TEXT = "[...document.querySelectorAll('iframe[title=output]')]"
      + ".map(f => f.contentDocument && f.contentDocument.body"
      + " ? f.contentDocument.body.innerText : '').join('\\n')";

  @TempDir
  Path dir;

  private CdpPage page;
  private String runPage;
  private int shots;

  @Test
  void theRunsPageSaysWhatTheRunIsShowsTheDecisionAndTheBackfillsProgress() throws Exception {
    Path chromium = HeadlessChromium.requireOrSkip();
    try (LocalPostgres pg = LocalPostgres.start(LocalPostgres.Options.under(dir.resolve("pg")));
        DevServerFixture temporal = DevServerFixture.start(dir.resolve("temporal"), true);
        HeadlessChromium browser = HeadlessChromium.start(chromium, dir.resolve("chromium"),
            1280, 1000, Duration.ofSeconds(30))) {
      orders(pg);
      WorkflowClient client = temporal.client();
      Worker worker = temporal.newWorker(TASK_QUEUE);
      PostgresSchemaChangeActivities sql = new PostgresSchemaChangeActivities(
          ConnectionFactory.jdbc(), target -> new SqlCredentials(pg.superuser(),
              pg.superuserPassword(), null));
      Runbooks.register(worker, WorkflowImplementationOptions.getDefaultInstance(),
          temporal.server().address(), List.of(sql));
      worker.registerActivitiesImplementations(sql);
      temporal.startWorkers();

      SchemaChangeRequest request = new SchemaChangeRequest(
          PostgresServer.of(pg.host(), pg.port(), "shop").withSslMode("disable"),
          new TableChange(null, "orders", null, ChangeKind.CHANGE_TYPE,
              List.of(new NewColumn("amount_v2", "bigint", "amount::bigint")),
              List.of(new OldColumn("amount", "amount_v2::integer"))),
          10, null, null, "PT0.005S", "SELECT pg_sleep(0.015)", null, null, false, "alice",
          null);
      String id = SchemaChangeWorkflow.workflowId(request);
      // started as `underway start` starts a run: the same options, summary and details
      client.newUntypedWorkflowStub(Runbooks.SCHEMA_CHANGE.workflowType(),
          RunStart.options(Runbooks.SCHEMA_CHANGE, request, id, TASK_QUEUE, "underway start"))
          .start(request);
      SchemaChangeWorkflow run = client.newWorkflowStub(SchemaChangeWorkflow.class, id);
      page = browser.page();
      runPage = temporal.server().uiUrl() + "/namespaces/default/workflows/" + id;

      try {
        // the Summary and Details panels say what the run is
        String target = Runbooks.SCHEMA_CHANGE.targetKey(request);
        openUserMetadata();
        String summary = await().atMost(UI_WAIT).until(() -> page.text() + "\n"
            + page.eval(FRAME_TEXT).asText(),
            t -> t.contains("schema-change · " + target));
        assertThat(summary).doesNotContain("No summary available")
            .doesNotContain("No details available")
            .contains("schema-change · " + target + " · requested by alice")
            .contains("public.orders CHANGE_TYPE: add amount_v2 bigint = amount::bigint");

        // the expand gate's card: what changes, the SQL, the decide input whole at 1280 px
        String card = cardReloading(t -> t.contains("Waiting for approval at gate expand"));
        shot("expand-card-1280");
        assertThat(card).contains("SQL it applies")
            .contains("ALTER TABLE public.orders ADD COLUMN amount_v2 bigint;")
            .contains("amount_v2 = amount::bigint").contains("amount = amount_v2::integer");
        assertThat(page.eval("[...document.querySelectorAll('iframe[title=output]')].flatMap(f =>"
            + " f.contentDocument ? [...f.contentDocument.querySelectorAll('tr td:first-child')]"
            + ".map(td => td.innerText.trim()) : [])").toString())
            .as("the before/after table: only what changes")
            .doesNotContain("\"key\"").doesNotContain("\"rows\"").doesNotContain("\"table\"")
            .doesNotContain("\"standbys\"");
        String decide = "[...document.querySelectorAll('iframe[title=output]')].flatMap(f =>"
            + " f.contentDocument ? [...f.contentDocument.querySelectorAll('pre')] : [])"
            + ".find(p => p.innerText.includes('\"decision\":\"approve\"'))";
        assertThat(page.eval("(" + decide + ").innerText").asText())
            .contains("\"gate\":\"expand\",\"decision\":\"approve\"")
            .contains("\"by\":\"YOUR-NAME\",\"comment\":\"why\"}");
        assertThat(page.eval("(() => { const p = " + decide + "; return p.scrollWidth + ' <= '"
            + " + p.clientWidth; })()").asText()).as("the decide input is not cut at 1280 px")
            .matches(w -> {
              String[] n = w.split(" <= ");
              return Integer.parseInt(n[0]) <= Integer.parseInt(n[1]);
            }, "scrollWidth <= clientWidth");
        Matcher digest = WebUiApprovalTest.DIGEST.matcher(card);
        assertThat(digest.find()).as(card).isTrue();

        // approved from the dialog: the card changes without a reload of the page
        page.eval("(() => { window.underwayNotReloaded = true; return true; })()");
        update("{\"gate\":\"expand\",\"decision\":\"approve\",\"plan\":\"" + digest.group(1)
            + "\",\"by\":\"bob\",\"comment\":\"from the card\"}");
        refreshCurrentDetails();
        // one fetch (the UI does not poll); its frame renders a moment later
        String after = await().atMost(Duration.ofSeconds(10)).until(() -> page.eval(FRAME_TEXT)
            .asText(), t -> t.contains("Running") || t.contains("Waiting for approval"));
        assertThat(after).as("the first fetch after the decision").doesNotContain(
            "Waiting for approval").containsPattern("Running — at (expand|backfill)/")
            .containsPattern("Gate expand: approved by bob|backfill/backfill");
        assertThat(page.eval("window.underwayNotReloaded === true").asBoolean())
            .as("the page was not reloaded").isTrue();
        shot("after-approval");

        // the backfill's progress, without JSON, at the workflow's first read (a minute in)
        await().atMost(Duration.ofMinutes(2)).until(() -> {
          RunStatus s = run.status();
          return s.timeline().stream().anyMatch(e -> e.step().equals("backfill")
              && e.detail() != null);
        });
        String progress = cardReloading(t -> t.contains("Progress"));
        shot("backfill-progress");
        assertThat(progress).contains("Running — at backfill/backfill")
            .containsPattern("Done: \\d{1,3},\\d{3} rows of ~?200,000")
            .containsPattern("Rate: \\d[\\d,]* rows/s")
            .containsPattern("ETA: (\\d+ (s|min)|none while paused)")
            .contains("Latency guard: ").contains("Budget: 5.0 ms (an absolute budget)")
            .contains("Foreground p99: ").contains("Duty cycle: ")
            .contains("Batch size: ")
            .doesNotContain("rowsPerSecond").doesNotContain("{\"");
      } catch (RuntimeException | AssertionError e) {
        try {
          shot("failure");
          System.out.println(page.text());
        } catch (IOException | RuntimeException unavailable) {
          e.addSuppressed(unavailable);
        }
        throw e;
      }
    }
  }

  private static void orders(LocalPostgres pg) throws Exception {
    try (Connection c = pg.connect("postgres"); Statement s = c.createStatement()) {
      s.execute("CREATE DATABASE shop");
    }
    try (Connection c = pg.connect("shop"); Statement s = c.createStatement()) {
      s.execute("CREATE TABLE orders (id bigint PRIMARY KEY, amount integer NOT NULL)");
      s.execute("INSERT INTO orders SELECT g, g % 1000 FROM generate_series(1, " + ROWS + ") g");
      s.execute("ANALYZE orders");
    }
  }

  private void openUserMetadata() {
    page.navigate(runPage);
    awaitElement("byText('a, button', 'User Metadata')");
    page.click("byText('a, button', 'User Metadata')");
  }

  /** The Current Details' text once {@code shows} holds, reloading the page until it does. */
  private String cardReloading(java.util.function.Predicate<String> shows) {
    openUserMetadata();
    return await().atMost(Duration.ofMinutes(2)).pollInterval(Duration.ofSeconds(2)).until(() -> {
      String text = page.eval(FRAME_TEXT).asText();
      if (!shows.test(text)) {
        openUserMetadata();
        return null;
      }
      return text;
    }, t -> t != null);
  }

  /**
   * Asks the Current Details panel for fresh details as the panel says to ("Press the R for
   * freshness"): the UI fetches them when the tab opens and when asked; it does not poll them.
   */
  private void refreshCurrentDetails() {
    String before = page.eval("(byText('span, p, div', 'for freshness') || {}).innerText || ''")
        .asText();
    page.eval("(() => { document.dispatchEvent(new KeyboardEvent('keydown', {key: 'r',"
        + " bubbles: true})); return true; })()");
    await().atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(100)).until(() ->
        page.eval("(byText('span, p, div', 'for freshness') || {}).innerText || ''").asText(),
        now -> !now.equals(before));
  }

  private void update(String input) throws IOException {
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
    page.eval("(() => { byCss('dialog[open] button[type=submit]').click(); return true; })()");
    await().atMost(UI_WAIT).until(() -> !page.exists("byCss('dialog[open]')"));
  }

  private void awaitElement(String element) {
    await().atMost(UI_WAIT).pollInterval(Duration.ofMillis(250)).ignoreExceptions()
        .until(() -> page.exists(element));
  }

  private void shot(String name) throws IOException {
    Path file = page.screenshot(WebUiApprovalTest.SCREENSHOTS.resolve(String.format(
        "progress-%02d-%s.png", ++shots, name)));
    System.out.println("screenshot: " + file.toAbsolutePath());
  }
}
