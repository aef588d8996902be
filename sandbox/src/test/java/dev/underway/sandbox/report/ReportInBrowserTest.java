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
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The report as a person sees it, in a real browser (headless chromium): an evolution's marks,
 * many of them a few milliseconds apart as they are when gates are approved at once, never
 * print over one another; the tables fit a laptop's window; every mark is in the table.
 */
class ReportInBrowserTest {

  private static final int WIDTH = 1280;
  private static final String[] STEPS = {"observe", "plan", "gate", "recheck",
      "lock-constraints", "scale", "await-pods-ready", "await-nodes-live", "set-replication",
      "await-replication", "reader-user", "reader-service", "verify", "relax-constraints"};

  @TempDir Path dir;

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

  @Test
  void labelsNeverOverlapAndTheTablesFitTheWindow() throws Exception {
    Path chromium = HeadlessChromium.requireOrSkip();
    LoadReport report = evolution();
    ReportWriter.Written written = ReportWriter.write(report, dir.resolve("report"));
    try (HeadlessChromium browser = HeadlessChromium.start(chromium, dir.resolve("chromium"),
        WIDTH, 900, Duration.ofSeconds(30))) {
      CdpPage page = browser.page();
      page.navigate(written.html().toUri().toString());
      await().atMost(Duration.ofSeconds(30)).ignoreExceptions().until(() -> page.eval(
          "document.readyState === 'complete' && !!document.querySelector('svg')").asBoolean());
      page.screenshot(Path.of("target", "report-screenshots", "evolution-report.png"));

      assertThat(page.eval("document.documentElement.scrollWidth").asInt())
          .as("nothing wider than the window").isLessThanOrEqualTo(WIDTH);

      JsonNode boxes = page.eval("[...document.querySelectorAll('svg text.mark')].map(t => {"
          + " const b = t.getBoundingClientRect();"
          + " return {text: t.textContent, l: b.left, t: b.top, r: b.right, b: b.bottom}; })");
      JsonNode svg = page.eval("(() => { const b = document.querySelector('svg')"
          + ".getBoundingClientRect(); return {l: b.left, r: b.right}; })()");
      assertThat(boxes.size()).as("most marks are labelled").isGreaterThan(10);
      for (int i = 0; i < boxes.size(); i++) {
        JsonNode a = boxes.get(i);
        assertThat(a.get("l").asDouble()).isGreaterThanOrEqualTo(svg.get("l").asDouble());
        assertThat(a.get("r").asDouble()).as(a.toString())
            .isLessThanOrEqualTo(svg.get("r").asDouble());
        for (int j = i + 1; j < boxes.size(); j++) {
          JsonNode b = boxes.get(j);
          boolean apart = a.get("r").asDouble() <= b.get("l").asDouble()
              || b.get("r").asDouble() <= a.get("l").asDouble()
              || a.get("b").asDouble() <= b.get("t").asDouble()
              || b.get("b").asDouble() <= a.get("t").asDouble();
          assertThat(apart).as("%s and %s overlap", a, b).isTrue();
        }
      }
      // the phases' names are always readable on the chart
      List<String> labels = new ArrayList<>();
      boxes.forEach(b -> labels.add(b.get("text").asText()));
      assertThat(labels).anySatisfy(l -> assertThat(l).contains("phase-1 \u00b7 observe"));
      assertThat(labels).anySatisfy(l -> assertThat(l).contains("phase-2 \u00b7 observe"));
      assertThat(labels).as("a phase that is its only step is named once").contains("1 warmup")
          .noneSatisfy(l -> assertThat(l).contains("warmup \u00b7 warmup"));

      // every mark is a row of the table of marks, in order, numbered as on the chart
      JsonNode rows = page.eval("[...document.querySelectorAll('h2')].find(h => h.textContent"
          + " === 'Marks').nextElementSibling.querySelectorAll('tr').length");
      assertThat(rows.asInt()).isEqualTo(report.marks().size() + 1);
      assertThat(page.eval("document.querySelectorAll('svg rect.gate').length").asInt())
          .as("both gate waits shaded").isEqualTo(2);
    }
  }
}
