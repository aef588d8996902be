package dev.underway.sandbox.report;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import dev.underway.sandbox.report.LoadReport.Mark;
import dev.underway.sandbox.report.LoadReport.MarkKind;
import dev.underway.sandbox.report.LoadReport.OperationStats;
import dev.underway.sandbox.report.LoadReport.PhaseReport;
import dev.underway.sandbox.report.LoadReport.TimelinePoint;
import dev.underway.webui.CdpPage;
import dev.underway.webui.HeadlessChromium;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The report as a person sees it, in a real browser (headless chromium, one session for the
 * class): no text of any chart prints over another (marks, axis labels, legends, the gate waits'
 * lengths), whether the marks come a few milliseconds apart as they do when gates are approved
 * at once or minutes apart around a person's approval; the tables fit a laptop's window; every
 * mark is in the table.
 */
class ReportInBrowserTest {

  private static final int WIDTH = 1280;
  private static final String[] STEPS = {"observe", "plan", "gate", "recheck",
      "lock-constraints", "scale", "await-pods-ready", "await-nodes-live", "set-replication",
      "await-replication", "reader-user", "reader-service", "verify", "relax-constraints"};

  private static Path dir;
  private static HeadlessChromium browser;
  private static CdpPage page;

  @BeforeAll
  static void startBrowser() throws Exception {
    Path chromium = HeadlessChromium.requireOrSkip();
    dir = Files.createTempDirectory("report-in-browser-");
    browser = HeadlessChromium.start(chromium, dir.resolve("chromium"), WIDTH, 900,
        Duration.ofSeconds(30));
    page = browser.page();
  }

  @AfterAll
  static void stopBrowser() {
    if (browser != null) {
      browser.close();
    }
  }

  /** An evolution's report: two phases of fourteen steps, most of them milliseconds long. */
  static LoadReport evolution() {
    List<Mark> marks = new ArrayList<>();
    marks.add(new Mark(0, "warmup", "warmup", MarkKind.LOAD));
    marks.add(new Mark(3000, "phase-0", "baseline", MarkKind.LOAD));
    marks.add(new Mark(13_000, "phase-0", "validate", MarkKind.STEP));
    long at = 13_010;
    for (String phase : List.of("phase-1", "phase-2")) {
      for (String step : STEPS) {
        marks.add(new Mark(at, phase, step,
            step.equals("gate") ? MarkKind.GATE : MarkKind.STEP));
        at += switch (step) {
          case "gate" -> 40_000; // a person reads the plan
          case "scale", "await-replication" -> 9_000;
          default -> 15; // observed and done within one workflow task or two
        };
      }
    }
    marks.add(new Mark(at, "after", "after", MarkKind.LOAD));
    long end = at + 10_000;
    List<TimelinePoint> timeline = new ArrayList<>();
    for (long s = 0; s < end / 1000; s++) {
      timeline.add(new TimelinePoint(s, 200, 0, 1.0 + (s % 7) / 10.0, 4.0 + (s % 11)));
    }
    OperationStats all = new OperationStats(12_000, 0, 1.2, 9.5, 31.0);
    List<PhaseReport> phases = new ArrayList<>();
    List<PhaseReport> waits = new ArrayList<>();
    for (String phase : List.of("warmup", "phase-0", "phase-1", "phase-2", "after")) {
      List<String> steps = phase.startsWith("phase-") && !phase.equals("phase-0")
          ? List.of(STEPS) : List.of(phase.equals("phase-0") ? "baseline" : phase);
      phases.add(new PhaseReport(phase, steps, 0, 20_000, all, all, all, 199.5, 0, 3, 900,
          880, 20, 0, 0));
      if (steps.contains("gate")) {
        waits.add(new PhaseReport(phase, List.of("gate"), 0, 40_000, all, all, all, 200, 0, 0,
            0, 0, 0, 0, 0));
      }
    }
    PhaseReport total = new PhaseReport("total", List.of(), 0, end, all, all, all, 199.5, 0, 12,
        3600, 3520, 80, 0, 0);
    return new LoadReport("2026-01-01T00:00:00Z", end, 200, 8, 50, total, phases,
        waits, timeline, marks, "phase-0", List.of(), List.of());
  }

  private static ReportWriter.Written open(LoadReport report, String name) throws Exception {
    ReportWriter.Written written = ReportWriter.write(report, dir.resolve(name));
    page.navigate(written.html().toUri().toString());
    await().atMost(Duration.ofSeconds(30)).ignoreExceptions().until(() -> page.eval(
        "document.readyState === 'complete' && !!document.querySelector('svg')"
            + " && document.title !== ''").asBoolean()
        && page.eval("location.href").asText().contains(name));
    page.screenshot(Path.of("target", "report-screenshots", name + "-report.png"));
    return written;
  }

  @Test
  void labelsNeverOverlapAndTheTablesFitTheWindow() throws Exception {
    LoadReport report = evolution();
    open(report, "evolution");

    assertThat(page.eval("document.documentElement.scrollWidth").asInt())
        .as("nothing wider than the window").isLessThanOrEqualTo(WIDTH);
    noTextOverlapsInAnyChart();

    JsonNode boxes = page.eval("[...document.querySelectorAll('svg text.mark')].map(t => {"
        + " const b = t.getBoundingClientRect();"
        + " return {text: t.textContent, l: b.left, t: b.top, r: b.right, b: b.bottom}; })");
    assertThat(boxes.size()).as("most marks are labelled").isGreaterThan(10);
    // the phases' names are always readable on the chart
    List<String> labels = new ArrayList<>();
    boxes.forEach(b -> labels.add(b.get("text").asText()));
    assertThat(labels).anySatisfy(l -> assertThat(l).contains("phase-1 \u00b7 observe"));
    assertThat(labels).anySatisfy(l -> assertThat(l).contains("phase-2 \u00b7 observe"));
    assertThat(labels).as("a phase that is its only step is named once").contains("1 warmup")
        .noneSatisfy(l -> assertThat(l).contains("warmup \u00b7 warmup"));

    // every mark is a row of the table of marks, in order, numbered as on the chart
    assertThat(marksTableRows()).isEqualTo(report.marks().size() + 1);
    assertThat(page.eval("document.querySelectorAll('svg:not(.gauges) rect.gate').length")
        .asInt()).as("both gate waits shaded").isEqualTo(2);
  }

  @Test
  void aSchemaChangeWithLongGateWaitsCloseMarksAndGaugesPrintsNothingOverAnything()
      throws Exception {
    LoadReport report = SyntheticSchemaRun.report();
    open(report, "schema-change");

    assertThat(page.eval("document.querySelectorAll('svg').length").asInt())
        .as("the load's chart and the gauges' chart").isEqualTo(2);
    assertThat(page.eval("document.documentElement.scrollWidth").asInt())
        .as("nothing wider than the window").isLessThanOrEqualTo(WIDTH);
    noTextOverlapsInAnyChart();
    assertThat(marksTableRows()).isEqualTo(report.marks().size() + 1);

    // the long waits are narrow segments between break marks, their lengths written in them
    assertThat(texts("svg:not(.gauges) text.wait")).containsExactly(
        "gate expand: waited 4 min 12 s", "waited 1 min 30 s", "waited 35.0 s",
        "gate contract: waited 3 min 01 s");
    assertThat(texts("svg.gauges text.wait")).containsExactly("4 min 12 s", "1 min 30 s",
        "waited 35.0 s", "3 min 01 s");
    assertThat(page.eval("document.querySelectorAll('svg:not(.gauges) path.brk').length")
        .asInt()).as("where each crosses the two x axes").isEqualTo(4 * 2);
    double expandGate = markX(5);
    double expandStep = markX(7);
    assertThat(expandStep - expandGate).as("4 min 12 s of waiting, drawn narrow")
        .isBetween(TimeAxis.BREAK_WIDTH - 1, TimeAxis.BREAK_WIDTH + 1);
    assertThat(markX(13) - markX(8)).as("the backfill's 30 s get the width").isGreaterThan(250);

    // the expand's 0.4 s: no rate and no ratio
    assertThat(page.eval("[...document.querySelectorAll('tr')].find(r => r.cells[0]"
        + ".textContent === 'expand').textContent").asText())
        .contains("400 ms \u2014 too short for a rate").doesNotContain("\u00d7");

    // every operator's action a line and a row, in order; the throttled time a band
    assertThat(page.eval("document.querySelectorAll('svg:not(.gauges) line.op').length")
        .asInt()).isEqualTo((int) report.marks().stream().filter(Mark::byOperator).count());
    assertThat(page.eval("[...document.querySelectorAll('tr.op')].map(r => r.cells[3]"
        + ".textContent).join(' ')").asText()).isEqualTo("approve throttle set-batch unthrottle"
        + " set-batch approve approve revert approve approve");
    assertThat(texts("svg:not(.gauges) rect.throttled title"))
        .containsExactly("throttled for 600 ms, until the unthrottle");
  }

  /** Where the line of mark {@code n} (numbered as in the table) is, in the load's chart. */
  private static double markX(int n) {
    return page.eval("Number([...document.querySelectorAll('svg:not(.gauges) line')]"
        + ".find(l => l.querySelector('title') && l.querySelector('title').textContent"
        + ".startsWith('" + n + ". ')).getAttribute('x1'))").asDouble();
  }

  /** The texts of the elements {@code selector} finds, without their tooltips. */
  private static List<String> texts(String selector) {
    List<String> out = new ArrayList<>();
    page.eval("[...document.querySelectorAll(\"" + selector + "\")].map(e => [...e.childNodes]"
        + ".filter(c => c.nodeType === 3).map(c => c.textContent).join(''))")
        .forEach(t -> out.add(t.asText()));
    return out;
  }

  private static int marksTableRows() {
    return page.eval("[...document.querySelectorAll('h2')].find(h => h.textContent"
        + " === 'Marks').nextElementSibling.querySelectorAll('tr').length").asInt();
  }

  /**
   * In every chart, no two texts overlap (their boxes as the browser lays them out may touch)
   * and every text lies inside its chart.
   */
  private static void noTextOverlapsInAnyChart() {
    JsonNode charts = page.eval("[...document.querySelectorAll('svg')].map(svg => {"
        + " const s = svg.getBoundingClientRect();"
        + " return {chart: {l: s.left, t: s.top, r: s.right, b: s.bottom},"
        + "  texts: [...svg.querySelectorAll('text')].map(t => {"
        + "   const b = t.getBoundingClientRect();"
        + "   return {text: t.textContent, l: b.left, t: b.top, r: b.right, b: b.bottom}; })"
        + "  .filter(b => b.r > b.l && b.b > b.t)}; })");
    assertThat(charts.size()).isPositive();
    for (int c = 0; c < charts.size(); c++) {
      JsonNode chart = charts.get(c).get("chart");
      JsonNode boxes = charts.get(c).get("texts");
      assertThat(boxes.size()).as("chart %d has texts", c + 1).isGreaterThan(3);
      for (int i = 0; i < boxes.size(); i++) {
        JsonNode a = boxes.get(i);
        assertThat(a.get("l").asDouble()).as("chart %d: %s inside", c + 1, a)
            .isGreaterThanOrEqualTo(chart.get("l").asDouble() - 0.5);
        assertThat(a.get("r").asDouble()).as("chart %d: %s inside", c + 1, a)
            .isLessThanOrEqualTo(chart.get("r").asDouble() + 0.5);
        assertThat(a.get("t").asDouble()).as("chart %d: %s inside", c + 1, a)
            .isGreaterThanOrEqualTo(chart.get("t").asDouble() - 0.5);
        assertThat(a.get("b").asDouble()).as("chart %d: %s inside", c + 1, a)
            .isLessThanOrEqualTo(chart.get("b").asDouble() + 0.5);
        for (int j = i + 1; j < boxes.size(); j++) {
          JsonNode b = boxes.get(j);
          assertThat(apart(a, b)).as("chart %d: %s and %s overlap", c + 1, a, b).isTrue();
        }
      }
    }
  }

  private static boolean apart(JsonNode a, JsonNode b) {
    double e = 0.01; // boxes that touch are apart
    return a.get("r").asDouble() <= b.get("l").asDouble() + e
        || b.get("r").asDouble() <= a.get("l").asDouble() + e
        || a.get("b").asDouble() <= b.get("t").asDouble() + e
        || b.get("b").asDouble() <= a.get("t").asDouble() + e;
  }
}
