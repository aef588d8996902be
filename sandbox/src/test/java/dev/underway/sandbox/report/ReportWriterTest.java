package dev.underway.sandbox.report;

import static org.assertj.core.api.Assertions.assertThat;

import dev.underway.sandbox.report.LoadReport.BaselineRatio;
import dev.underway.sandbox.report.LoadReport.ErrorSample;
import dev.underway.sandbox.report.LoadReport.Mark;
import dev.underway.sandbox.report.LoadReport.MarkKind;
import dev.underway.sandbox.report.LoadReport.OperationStats;
import dev.underway.sandbox.report.LoadReport.PhaseReport;
import dev.underway.sandbox.report.LoadReport.TimelinePoint;
import java.io.StringReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.xml.parsers.DocumentBuilderFactory;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.w3c.dom.Document;
import org.xml.sax.InputSource;

/** The report files, from a hand-made report with hostile names (no database needed). */
class ReportWriterTest {

  static final String EVIL_PHASE = "<script>alert(\"x\")</script> & 'phase'";

  static LoadReport sample() {
    OperationStats reads = new OperationStats(300, 0, 0.4, 2.1, 5.0);
    OperationStats writes = new OperationStats(290, 2, 0.9, 3.5, 9.8);
    OperationStats all = new OperationStats(590, 2, 0.6, 3.1, 9.8);
    PhaseReport p0 = new PhaseReport("phase-0", List.of("observe", "plan"), 0, 3000,
        all, reads, writes, 196.667, 0, 0, 0, 0, 300, 0, 3);
    PhaseReport p1 = new PhaseReport(EVIL_PHASE, List.of("scale <fast>"), 3000, 3000,
        new OperationStats(500, 40, 1.2, 40.0, 120.5),
        new OperationStats(250, 10, 1.0, 30.0, 80.0),
        new OperationStats(250, 30, 1.5, 45.0, 120.5), 166.667, 12, 4, 250, 240, 10, 0, 7);
    PhaseReport empty = new PhaseReport("phase-2", List.of(""), 6000, 0,
        new OperationStats(0, 0, null, null, null), new OperationStats(0, 0, null, null, null),
        new OperationStats(0, 0, null, null, null), 0, 0, 0, 0, 0, 0, 0, 0);
    PhaseReport total = new PhaseReport("total", List.of(), 0, 6000,
        new OperationStats(1090, 42, 0.8, 30.0, 120.5), reads, writes, 181.667, 12, 4, 250, 240,
        310, 0, 10);
    List<TimelinePoint> timeline = List.of(
        new TimelinePoint(0, 190, 0, 0.5, 2.9), new TimelinePoint(1, 200, 0, 0.6, 3.0),
        new TimelinePoint(2, 200, 2, 0.6, 3.4), new TimelinePoint(3, 100, 40, 5.0, 120.0),
        new TimelinePoint(4, 0, 0, null, null), new TimelinePoint(5, 200, 0, 1.0, 9.0));
    List<Mark> marks = List.of(new Mark(0, "phase-0", "observe", MarkKind.STEP),
        new Mark(1500, "phase-0", "plan", MarkKind.STEP),
        new Mark(2000, EVIL_PHASE, "gate", MarkKind.GATE),
        new Mark(3000, EVIL_PHASE, "scale <fast>", MarkKind.STEP),
        new Mark(6000, "phase-2", "", MarkKind.LOAD));
    PhaseReport waited = new PhaseReport(EVIL_PHASE, List.of("gate"), 2000, 1000,
        new OperationStats(190, 0, 0.7, 3.0, 4.0), reads, writes, 190, 0, 0, 0, 0, 0, 0, 0);
    List<BaselineRatio> baseline = List.of(new BaselineRatio("phase-0", 1.0, 1.0),
        new BaselineRatio(EVIL_PHASE, 0.847, 12.903), new BaselineRatio("phase-2", null, null));
    List<ErrorSample> errors = List.of(new ErrorSample(3100, EVIL_PHASE, "insert", "57P01",
        "FATAL: terminating connection due to administrator command <b>", 42));
    return new LoadReport("2025-01-01T00:00:00Z", 6000, 200, 4, 50, total,
        List.of(p0, p1, empty), List.of(waited), timeline, marks, "phase-0", baseline, errors);
  }

  @Test
  void jsonRoundTripsIntoTheSameReport(@TempDir Path dir) throws Exception {
    LoadReport report = sample();
    ReportWriter.Written w = ReportWriter.write(report, dir);
    assertThat(w.json()).isEqualTo(dir.resolve("report.json"));
    String json = Files.readString(w.json(), StandardCharsets.UTF_8);
    assertThat(json).contains("\n  \"startedAt\"").contains("\"baselinePhase\" : \"phase-0\"");
    assertThat(ReportWriter.read(w.json())).isEqualTo(report);
    try (var files = Files.list(dir)) {
      assertThat(files.map(p -> p.getFileName().toString()))
          .as("no temporary files left").containsExactlyInAnyOrder("report.json", "report.html");
    }
  }

  @Test
  void htmlIsSelfContainedEscapedAndHasTheChartAndTable(@TempDir Path dir) throws Exception {
    ReportWriter.Written w = ReportWriter.write(sample(), dir);
    String html = Files.readString(w.html(), StandardCharsets.UTF_8);

    assertThat(html).startsWith("<!DOCTYPE html>").contains("<meta charset=\"utf-8\">");
    // nothing remote, nothing executable
    assertThat(html).doesNotContain("http://").doesNotContain("https://")
        .doesNotContainIgnoringCase("<script").doesNotContain("src=").doesNotContain("href=")
        .doesNotContain("@import").doesNotContain("url(");
    // hostile text is escaped everywhere (table, marks, chart labels, errors)
    assertThat(html).contains("&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; &#39;phase&#39;")
        .contains("scale &lt;fast&gt;").contains("administrator command &lt;b&gt;")
        .doesNotContain("<b>");
    // phases and steps are named
    assertThat(html).contains(">phase-0<").contains(">phase-2<").contains("observe, plan");
    // the wait at the gate has its own table, shaded like the chart
    assertThat(html).contains("<h2>Waiting at gates</h2>")
        .contains("<tr class=\"wait\"><td class=\"l\">&lt;script&gt;");

    // the SVG is well-formed XML with both latency lines, bars, and a marker per mark
    Matcher m = Pattern.compile("<svg.*?</svg>", Pattern.DOTALL).matcher(html);
    assertThat(m.find()).isTrue();
    DocumentBuilderFactory f = DocumentBuilderFactory.newInstance();
    f.setExpandEntityReferences(false);
    Document svg = f.newDocumentBuilder().parse(new InputSource(new StringReader(m.group())));
    var paths = svg.getElementsByTagName("path");
    long p99 = 0;
    long p50 = 0;
    for (int i = 0; i < paths.getLength(); i++) {
      String cls = paths.item(i).getAttributes().getNamedItem("class").getNodeValue();
      p99 += cls.equals("p99") ? 1 : 0;
      p50 += cls.equals("p50") ? 1 : 0;
    }
    // second 4 had no successful operation: each line is broken in two there
    assertThat(p99).isEqualTo(2);
    assertThat(p50).isEqualTo(2);
    var rects = svg.getElementsByTagName("rect");
    List<String> rectClasses = new java.util.ArrayList<>();
    for (int i = 0; i < rects.getLength(); i++) {
      rectClasses.add(rects.item(i).getAttributes().getNamedItem("class").getNodeValue());
    }
    assertThat(rectClasses).as("6 ok bars, 2 failed bars, the gate's wait shaded")
        .containsOnly("ok", "failed", "gate").filteredOn("ok"::equals).hasSize(6);
    assertThat(rectClasses).filteredOn("failed"::equals).hasSize(2);
    assertThat(rectClasses).filteredOn("gate"::equals).hasSize(1);
    assertThat(rectClasses.get(0)).as("the shading is under the data").isEqualTo("gate");
    long phaseLines = 0;
    long stepLines = 0;
    var lines = svg.getElementsByTagName("line");
    for (int i = 0; i < lines.getLength(); i++) {
      var cls = lines.item(i).getAttributes().getNamedItem("class");
      phaseLines += cls != null && cls.getNodeValue().equals("phase") ? 1 : 0;
      stepLines += cls != null && cls.getNodeValue().equals("step") ? 1 : 0;
    }
    assertThat(phaseLines).isEqualTo(3);
    assertThat(stepLines).isEqualTo(2);
    assertThat(svg.getDocumentElement().getTextContent())
        .contains("phase-0 / observe").contains("plan").contains(EVIL_PHASE + " / scale <fast>");
  }

  @Test
  void anEmptyRunStillRenders() throws Exception {
    OperationStats none = new OperationStats(0, 0, null, null, null);
    PhaseReport total = new PhaseReport("total", List.of(), 0, 0, none, none, none, 0, 0, 0, 0,
        0, 0, 0, 0);
    LoadReport report = new LoadReport("2025-01-01T00:00:00Z", 0, 10, 1, 0, total, List.of(),
        List.of(), List.of(), List.of(), null, List.of(), List.of());
    String html = ReportWriter.html(report);
    assertThat(html).contains("<svg").contains("</html>").doesNotContain("NaN")
        .doesNotContain("Infinity");
    assertThat(ReportWriter.fromJson(ReportWriter.toJson(report))).isEqualTo(report);
  }
}
