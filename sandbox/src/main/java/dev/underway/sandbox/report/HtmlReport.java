package dev.underway.sandbox.report;

import dev.underway.sandbox.report.LoadReport.BaselineRatio;
import dev.underway.sandbox.report.LoadReport.ErrorSample;
import dev.underway.sandbox.report.LoadReport.OperationStats;
import dev.underway.sandbox.report.LoadReport.PhaseReport;
import java.util.ArrayList;
import java.util.List;

/** Renders the self-contained HTML page: inline CSS, inline SVG, no script, nothing remote. */
final class HtmlReport {

  private static final String CSS = """
      body{font:14px/1.4 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;margin:24px;color:#1f2328;background:#fff}
      h1{font-size:20px;margin:0 0 4px}h2{font-size:16px;margin:24px 0 8px}
      .meta{color:#57606a;margin-bottom:16px}
      table{border-collapse:collapse;font-variant-numeric:tabular-nums}
      th,td{border:1px solid #d0d7de;padding:4px 6px;text-align:right;white-space:nowrap}
      th{background:#f6f8fa;white-space:normal;vertical-align:bottom}td.l,th.l{text-align:left}
      td.steps{white-space:normal;min-width:160px;max-width:300px}
      tr.wait td{background:#fff8c5}
      tr.total td{font-weight:600;background:#f6f8fa}
      .bad{color:#cf222e;font-weight:600}
      svg{max-width:100%;height:auto;border:1px solid #d0d7de;background:#fff}
      svg text{font:11px system-ui,sans-serif;fill:#57606a}
      svg .grid{stroke:#eaeef2;stroke-width:1}
      svg .axis{stroke:#8c959f;stroke-width:1}
      svg .p99{fill:none;stroke:#cf222e;stroke-width:1.8}
      svg .p50{fill:none;stroke:#0969da;stroke-width:1.8}
      svg .ok{fill:#2da44e}svg .failed{fill:#cf222e}
      svg .phase{stroke:#24292f;stroke-width:1.4}
      svg .step{stroke:#8c959f;stroke-width:1;stroke-dasharray:4 3}
      svg .gate{fill:#fff8c5;stroke:none}
      svg .lead{stroke:#d0d7de;stroke-width:1}
      svg text.mark{fill:#24292f;font-size:10px}
      .note{color:#57606a;font-size:12px;max-width:960px}
      .short{color:#57606a;font-style:italic}
      tr.op td{background:#fff1e5}
      """ + ChartParts.CSS;

  private HtmlReport() {}

  static String render(LoadReport r) {
    StringBuilder h = new StringBuilder(32_768);
    h.append("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n")
        .append("<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n")
        .append("<title>Underway sandbox load report</title>\n<style>\n").append(CSS)
        .append("</style>\n</head>\n<body>\n");
    h.append("<h1>Underway sandbox: load during the evolution</h1>\n<div class=\"meta\">started ")
        .append(esc(r.startedAt())).append(" &#183; ").append(Figures.duration(r.durationMs()))
        .append(" &#183; target ").append(Figures.rate(r.targetOpsPerSecond())).append(" ops/s, ")
        .append(r.threads()).append(" threads, ").append(r.writePercent()).append("% writes")
        .append(" &#183; ").append(r.total().all().ok()).append(" ok, ")
        .append(failedCell(r.total().all().failed())).append(" failed</div>\n");

    h.append("<h2>Latency and throughput</h2>\n");
    LoadChart.render(h, r);
    h.append("<p class=\"note\">Latency is measured from each operation's scheduled start, so "
        + "waiting for a connection while the database stalls counts. Percentiles cover "
        + "successful operations. Solid vertical lines: phase boundaries; dashed: steps, at the "
        + "times the run's own timeline recorded them; dotted: an operator's action (a decision,"
        + " throttle, unthrottle, set-batch, revert) at the time the run received it; numbered as"
        + " in the table of marks. The band along the top: the backfill throttled. Shaded: waiting"
        + " at a gate for a decision; a wait longer than ")
        .append(Figures.duration(TimeAxis.BREAK_AFTER_MS))
        .append(" is drawn compressed between break marks, its length written in it, so that the"
            + " change's own time gets the width.</p>\n");
    if (!r.gauges().isEmpty()) {
      h.append("<h2>Foreground p99 beside the run's own gauges</h2>\n");
      GaugeChart.render(h, r);
      h.append("<p class=\"note\">Sampled once a second, on the same time axis as above, with"
          + " the same marks and gate waits.</p>\n");
    }

    h.append("<h2>Per phase, while changing</h2>\n");
    phaseTable(h, r);
    waitTable(h, r);
    h.append("<h2>Reads and writes per phase</h2>\n");
    readsTable(h, r);
    if (!r.errors().isEmpty()) {
      h.append("<h2>Errors (first distinct messages)</h2>\n<table>\n<tr><th>first at</th>"
          + "<th class=\"l\">phase</th><th class=\"l\">operation</th><th class=\"l\">SQLSTATE</th>"
          + "<th>count</th><th class=\"l\">message</th></tr>\n");
      for (ErrorSample e : r.errors()) {
        h.append("<tr><td>").append(e.firstOffsetMs() < 0 ? "" : Figures.duration(e.firstOffsetMs()))
            .append("</td><td class=\"l\">").append(esc(e.phase()))
            .append("</td><td class=\"l\">").append(esc(e.operation()))
            .append("</td><td class=\"l\">").append(esc(e.sqlState()))
            .append("</td><td>").append(e.count())
            .append("</td><td class=\"l\">").append(esc(e.message())).append("</td></tr>\n");
      }
      h.append("</table>\n");
    }
    MarksTable.render(h, r);
    h.append("</body>\n</html>\n");
    return h.toString();
  }

  private static void phaseTable(StringBuilder h, LoadReport r) {
    h.append("<table>\n<tr><th class=\"l\">phase</th><th class=\"l\">steps</th>"
        + "<th>changing for</th><th>waiting at gates</th><th>ok</th><th>failed</th>"
        + "<th>p50 ms</th><th>p99 ms</th><th>max ms</th><th>ops/s</th>"
        + "<th>ops/s vs baseline</th><th>p99 vs baseline</th></tr>\n");
    for (PhaseReport p : r.phases()) {
      BaselineRatio ratio = r.baseline().stream().filter(b -> b.phase().equals(p.phase()))
          .findFirst().orElse(null);
      PhaseReport wait = r.waits().stream().filter(w -> w.phase().equals(p.phase()))
          .findFirst().orElse(null);
      h.append("<tr>");
      figures(h, p, String.join(", ", p.steps()),
          wait == null ? "" : Figures.duration(wait.durationMs()));
      boolean none = ratio == null || p.tooShortForRate();
      h.append("<td>").append(none ? "&#8211;" : ratioCell(ratio.opsPerSecondRatio()))
          .append("</td><td>").append(none ? "&#8211;" : ratioCell(ratio.p99Ratio()))
          .append("</td></tr>\n");
    }
    h.append("<tr class=\"total\">");
    figures(h, r.total(), "", "");
    h.append("<td></td><td></td></tr>\n</table>\n");
    h.append("<p class=\"note\">A phase's figures cover its steps, not the time it waited at its "
        + "gates (below). The load is counted in intervals of ")
        .append(Figures.duration(LoadReport.SAMPLING_MS))
        .append(", each whole in the phase that holds its middle; a rate is over the time the"
            + " counted intervals cover. A phase shorter than an interval gets no rate and no"
            + " ratio: its counts are those of the one interval whose middle fell in it, or none.");
    if (r.baselinePhase() != null) {
      h.append(" Baseline: phase ").append(esc(r.baselinePhase()))
          .append(" (the first phase with successful operations that lasted an interval or"
              + " more).");
    }
    h.append("</p>\n");
  }

  private static void waitTable(StringBuilder h, LoadReport r) {
    if (r.waits().isEmpty()) {
      return;
    }
    h.append("<h2>Waiting at gates</h2>\n<table>\n<tr><th class=\"l\">phase</th>"
        + "<th>waited</th><th>ok</th><th>failed</th><th>p50 ms</th><th>p99 ms</th>"
        + "<th>max ms</th><th>ops/s</th></tr>\n");
    for (PhaseReport w : r.waits()) {
      OperationStats a = w.all();
      h.append("<tr class=\"wait\"><td class=\"l\">").append(esc(w.phase())).append("</td><td>")
          .append(Figures.duration(w.durationMs())).append("</td><td>").append(a.ok())
          .append("</td><td>").append(failedCell(a.failed())).append("</td><td>")
          .append(opt(a.p50Ms())).append("</td><td>").append(opt(a.p99Ms())).append("</td><td>")
          .append(opt(a.maxMs())).append("</td><td>").append(rateCell(w)).append("</td></tr>\n");
    }
    h.append("</table>\n");
  }

  /** The cells every phase row has: name, steps, durations, counts, latency, ops/s. */
  private static void figures(StringBuilder h, PhaseReport p, String steps, String waited) {
    OperationStats a = p.all();
    h.append("<td class=\"l\">").append(esc(p.phase())).append("</td>")
        .append("<td class=\"l steps\">").append(esc(steps)).append("</td>")
        .append("<td>").append(Figures.duration(p.durationMs())).append("</td>")
        .append("<td>").append(waited).append("</td>")
        .append("<td>").append(a.ok()).append("</td>")
        .append("<td>").append(failedCell(a.failed())).append("</td>")
        .append("<td>").append(opt(a.p50Ms())).append("</td>")
        .append("<td>").append(opt(a.p99Ms())).append("</td>")
        .append("<td>").append(opt(a.maxMs())).append("</td>")
        .append("<td>").append(rateCell(p)).append("</td>");
  }

  /** The rate, or why a phase shorter than the counting interval has none. */
  private static String rateCell(PhaseReport p) {
    return p.tooShortForRate()
        ? "<span class=\"short\">" + esc(Figures.tooShortForRate(p.durationMs())) + "</span>"
        : Figures.rate(p.opsPerSecond());
  }

  private static void readsTable(StringBuilder h, LoadReport r) {
    h.append("<table>\n<tr><th class=\"l\">phase</th><th>reads ok / failed</th>"
        + "<th>writes ok / failed</th><th>reads by standby / primary / unknown</th>"
        + "<th>reads on the reader path</th><th>reads that found no row</th>"
        + "<th>missed (pacer full)</th><th>retried at the database's request</th></tr>\n");
    List<PhaseReport> rows = new ArrayList<>(r.phases());
    rows.add(r.total());
    for (PhaseReport p : rows) {
      h.append(p == r.total() ? "<tr class=\"total\">" : "<tr>")
          .append("<td class=\"l\">").append(esc(p.phase())).append("</td>")
          .append("<td>").append(p.reads().ok()).append(" / ")
          .append(failedCell(p.reads().failed())).append("</td>")
          .append("<td>").append(p.writes().ok()).append(" / ")
          .append(failedCell(p.writes().failed())).append("</td>")
          .append("<td>").append(p.readsServedByStandby()).append(" / ")
          .append(p.readsServedByPrimary()).append(" / ").append(p.readsServedByUnknown())
          .append("</td>")
          .append("<td>").append(p.readsOnReaderPath()).append("</td>")
          .append("<td>").append(p.readsNotFound()).append("</td>")
          .append("<td>").append(p.missed()).append("</td>")
          .append("<td>").append(p.retries()).append("</td></tr>\n");
    }
    h.append("</table>\n<p class=\"note\">A phase's counts leave out its gate waits, as above;"
        + " the total counts everything.</p>\n");
  }

  /** The next value up on a scale whose quarters are round numbers. */
  static double niceCeil(double v) {
    double exp = Math.pow(10, Math.floor(Math.log10(v)));
    for (double m : new double[] {1, 1.2, 1.6, 2, 2.4, 3, 4, 6, 8, 10}) {
      if (m * exp >= v) {
        return m * exp;
      }
    }
    return 10 * exp;
  }

  // ---- formatting and escaping ---------------------------------------------------------------

  /** Escapes text for HTML and SVG content and attribute values. */
  static String esc(String s) {
    if (s == null) {
      return "";
    }
    StringBuilder b = new StringBuilder(s.length() + 16);
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      switch (c) {
        case '&' -> b.append("&amp;");
        case '<' -> b.append("&lt;");
        case '>' -> b.append("&gt;");
        case '"' -> b.append("&quot;");
        case '\'' -> b.append("&#39;");
        default -> {
          if (c < 0x20 && c != '\n' && c != '\t') {
            b.append(' '); // control characters are not allowed in XML
          } else {
            b.append(c);
          }
        }
      }
    }
    return b.toString();
  }

  private static String opt(Double v) {
    return v == null ? "&#8211;" : Figures.number(v);
  }

  private static String ratioCell(Double v) {
    return v == null ? "&#8211;" : Figures.ratio(v);
  }

  private static String failedCell(long failed) {
    return failed > 0 ? "<span class=\"bad\">" + failed + "</span>" : "0";
  }
}
