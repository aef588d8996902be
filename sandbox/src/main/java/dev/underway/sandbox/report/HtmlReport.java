package dev.underway.sandbox.report;

import dev.underway.sandbox.report.LoadReport.BaselineRatio;
import dev.underway.sandbox.report.LoadReport.ErrorSample;
import dev.underway.sandbox.report.LoadReport.Mark;
import dev.underway.sandbox.report.LoadReport.MarkKind;
import dev.underway.sandbox.report.LoadReport.OperationStats;
import dev.underway.sandbox.report.LoadReport.PhaseReport;
import dev.underway.sandbox.report.LoadReport.TimelinePoint;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.function.Function;

/** Renders the self-contained HTML page: inline CSS, inline SVG, no script, nothing remote. */
final class HtmlReport {

  // chart geometry (SVG user units)
  private static final int WIDTH = 960;
  private static final int LEFT = 64;
  private static final int RIGHT = 24;
  /** Mark labels sit in lanes above the charts; a label goes in the first lane it fits. */
  private static final int LANES = 4;
  private static final int LANE_HEIGHT = 13;
  private static final int LABELS_TOP = 6;
  /** Width of a 10px label character, rounded up (checked in a browser by a test). */
  private static final double LABEL_CHAR_WIDTH = 6.6;
  private static final int TOP = LABELS_TOP + LANES * LANE_HEIGHT + 26;
  private static final int LAT_HEIGHT = 240;
  private static final int GAP = 42;
  private static final int OPS_HEIGHT = 150;
  private static final int BOTTOM = 40;
  private static final int PLOT_W = WIDTH - LEFT - RIGHT;
  private static final int HEIGHT = TOP + LAT_HEIGHT + GAP + OPS_HEIGHT + BOTTOM;
  private static final int OPS_TOP = TOP + LAT_HEIGHT + GAP;

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
      """;

  private HtmlReport() {}

  static String render(LoadReport r) {
    StringBuilder h = new StringBuilder(32_768);
    h.append("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n")
        .append("<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n")
        .append("<title>Underway sandbox load report</title>\n<style>\n").append(CSS)
        .append("</style>\n</head>\n<body>\n");
    h.append("<h1>Underway sandbox: load during the evolution</h1>\n<div class=\"meta\">started ")
        .append(esc(r.startedAt())).append(" &#183; ").append(fmtDuration(r.durationMs()))
        .append(" &#183; target ").append(num(r.targetOpsPerSecond())).append(" ops/s, ")
        .append(r.threads()).append(" threads, ").append(r.writePercent()).append("% writes")
        .append(" &#183; ").append(r.total().all().ok()).append(" ok, ")
        .append(failedCell(r.total().all().failed())).append(" failed</div>\n");

    h.append("<h2>Latency and throughput</h2>\n");
    chart(h, r);
    h.append("<p class=\"note\">Latency is measured from each operation's scheduled start, so "
        + "waiting for a connection while the database stalls counts. Percentiles cover "
        + "successful operations. Solid vertical lines: phase boundaries; dashed: steps, at the "
        + "times the run's own timeline recorded them; numbered as in the table of marks. "
        + "Shaded: waiting at a gate for a decision.</p>\n");
    if (!r.gauges().isEmpty()) {
      h.append("<h2>Foreground p99 beside the run's own gauges</h2>\n");
      GaugeChart.render(h, r);
      h.append("<p class=\"note\">Sampled once a second; the same marks and gate waits as"
          + " above (phase changes numbered as in the table of marks).</p>\n");
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
        h.append("<tr><td>").append(e.firstOffsetMs() < 0 ? "" : fmtDuration(e.firstOffsetMs()))
            .append("</td><td class=\"l\">").append(esc(e.phase()))
            .append("</td><td class=\"l\">").append(esc(e.operation()))
            .append("</td><td class=\"l\">").append(esc(e.sqlState()))
            .append("</td><td>").append(e.count())
            .append("</td><td class=\"l\">").append(esc(e.message())).append("</td></tr>\n");
      }
      h.append("</table>\n");
    }
    h.append("<h2>Marks</h2>\n<table>\n<tr><th>#</th><th>at</th><th class=\"l\">phase</th>"
        + "<th class=\"l\">step</th><th class=\"l\">kind</th><th>until the next</th></tr>\n");
    List<Mark> marks = r.marks();
    for (int i = 0; i < marks.size(); i++) {
      Mark m = marks.get(i);
      long until = (i + 1 < marks.size() ? marks.get(i + 1).offsetMs() : r.durationMs())
          - m.offsetMs();
      h.append(m.kind() == MarkKind.GATE ? "<tr class=\"wait\">" : "<tr>")
          .append("<td>").append(i + 1).append("</td><td>").append(fmtDuration(m.offsetMs()))
          .append("</td><td class=\"l\">").append(esc(m.phase())).append("</td><td class=\"l\">")
          .append(esc(m.step())).append("</td><td class=\"l\">").append(kindWord(m.kind()))
          .append("</td><td>").append(fmtDuration(Math.max(0, until))).append("</td></tr>\n");
    }
    h.append("</table>\n</body>\n</html>\n");
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
      figures(h, p, String.join(", ", p.steps()), wait == null ? "" : fmtDuration(wait.durationMs()));
      h.append("<td>").append(ratio == null ? "" : ratioCell(ratio.opsPerSecondRatio()))
          .append("</td><td>").append(ratio == null ? "" : ratioCell(ratio.p99Ratio()))
          .append("</td></tr>\n");
    }
    h.append("<tr class=\"total\">");
    figures(h, r.total(), "", "");
    h.append("<td></td><td></td></tr>\n</table>\n");
    h.append("<p class=\"note\">A phase's figures cover its steps, not the time it waited at its "
        + "gates (below).");
    if (r.baselinePhase() != null) {
      h.append(" Baseline: phase ").append(esc(r.baselinePhase()))
          .append(" (the first phase with successful operations).");
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
          .append(fmtDuration(w.durationMs())).append("</td><td>").append(a.ok())
          .append("</td><td>").append(failedCell(a.failed())).append("</td><td>")
          .append(opt(a.p50Ms())).append("</td><td>").append(opt(a.p99Ms())).append("</td><td>")
          .append(opt(a.maxMs())).append("</td><td>").append(num(w.opsPerSecond()))
          .append("</td></tr>\n");
    }
    h.append("</table>\n");
  }

  /** The cells every phase row has: name, steps, durations, counts, latency, ops/s. */
  private static void figures(StringBuilder h, PhaseReport p, String steps, String waited) {
    OperationStats a = p.all();
    h.append("<td class=\"l\">").append(esc(p.phase())).append("</td>")
        .append("<td class=\"l steps\">").append(esc(steps)).append("</td>")
        .append("<td>").append(fmtDuration(p.durationMs())).append("</td>")
        .append("<td>").append(waited).append("</td>")
        .append("<td>").append(a.ok()).append("</td>")
        .append("<td>").append(failedCell(a.failed())).append("</td>")
        .append("<td>").append(opt(a.p50Ms())).append("</td>")
        .append("<td>").append(opt(a.p99Ms())).append("</td>")
        .append("<td>").append(opt(a.maxMs())).append("</td>")
        .append("<td>").append(num(p.opsPerSecond())).append("</td>");
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

  // ---- the chart -----------------------------------------------------------------------------

  private static void chart(StringBuilder h, LoadReport r) {
    List<TimelinePoint> points = r.timeline();
    double seconds = Math.max(1, r.durationMs() / 1000.0);
    for (TimelinePoint p : points) {
      seconds = Math.max(seconds, p.second() + 1);
    }
    final double span = seconds;
    Function<Double, Double> x = s -> LEFT + PLOT_W * (s / span);

    double maxLatency = 0;
    long maxOps = 0;
    for (TimelinePoint p : points) {
      if (p.p99Ms() != null) {
        maxLatency = Math.max(maxLatency, p.p99Ms());
      }
      maxOps = Math.max(maxOps, p.ok() + p.failed());
    }
    double latTop = niceCeil(maxLatency <= 0 ? 1 : maxLatency);
    double opsTop = niceCeil(maxOps <= 0 ? 1 : maxOps);

    h.append("<svg viewBox=\"0 0 ").append(WIDTH)
        .append(' ').append(HEIGHT).append("\" width=\"").append(WIDTH).append("\" height=\"")
        .append(HEIGHT).append("\" role=\"img\" aria-label=\"latency and throughput per second\">\n");
    gateShading(h, r, x);

    // latency panel
    yAxis(h, TOP, LAT_HEIGHT, latTop, "latency ms");
    for (String cls : new String[] {"p99", "p50"}) {
      for (String d : paths(points, x, cls.equals("p99"), latTop)) {
        h.append("<path class=\"").append(cls).append("\" d=\"").append(d).append("\"/>\n");
      }
    }
    h.append("<text x=\"").append(WIDTH - RIGHT - 150).append("\" y=\"").append(TOP - 10)
        .append("\"><tspan fill=\"#cf222e\">&#9644; p99</tspan>  <tspan fill=\"#0969da\">"
            + "&#9644; p50</tspan></text>\n");

    // throughput panel
    yAxis(h, OPS_TOP, OPS_HEIGHT, opsTop, "ops/s");
    double barW = Math.max(1, PLOT_W / span - 1);
    for (TimelinePoint p : points) {
      double bx = x.apply((double) p.second());
      double okH = OPS_HEIGHT * p.ok() / opsTop;
      double failH = OPS_HEIGHT * p.failed() / opsTop;
      double base = OPS_TOP + OPS_HEIGHT;
      h.append("<rect class=\"ok\" x=\"").append(f(bx)).append("\" y=\"").append(f(base - okH))
          .append("\" width=\"").append(f(barW)).append("\" height=\"").append(f(okH))
          .append("\"><title>").append(p.second()).append(" s: ").append(p.ok())
          .append(" ok, ").append(p.failed()).append(" failed, p50 ").append(opt(p.p50Ms()))
          .append(" ms, p99 ").append(opt(p.p99Ms())).append(" ms</title></rect>\n");
      if (p.failed() > 0) {
        h.append("<rect class=\"failed\" x=\"").append(f(bx)).append("\" y=\"")
            .append(f(base - okH - failH)).append("\" width=\"").append(f(barW))
            .append("\" height=\"").append(f(failH)).append("\"/>\n");
      }
    }
    h.append("<text x=\"").append(WIDTH - RIGHT - 150).append("\" y=\"").append(OPS_TOP - 10)
        .append("\"><tspan fill=\"#2da44e\">&#9632; ok</tspan>  <tspan fill=\"#cf222e\">"
            + "&#9632; failed</tspan></text>\n");

    // x axis (seconds)
    double step = niceStep(span / 10);
    int axisY = OPS_TOP + OPS_HEIGHT;
    for (double s = 0; s <= span + 1e-9; s += step) {
      double tx = x.apply(s);
      h.append("<line class=\"axis\" x1=\"").append(f(tx)).append("\" y1=\"").append(axisY)
          .append("\" x2=\"").append(f(tx)).append("\" y2=\"").append(axisY + 4).append("\"/>")
          .append("<text x=\"").append(f(tx)).append("\" y=\"").append(axisY + 16)
          .append("\" text-anchor=\"middle\">").append(num(s)).append("</text>\n");
    }
    h.append("<text x=\"").append(LEFT + PLOT_W / 2).append("\" y=\"").append(HEIGHT - 6)
        .append("\" text-anchor=\"middle\">seconds since start</text>\n");

    markers(h, r, x);
    h.append("</svg>\n");
  }

  /** Every wait at a gate, shaded across both panels (drawn first: the data goes over it). */
  private static void gateShading(StringBuilder h, LoadReport r, Function<Double, Double> x) {
    List<Mark> marks = r.marks();
    for (int i = 0; i < marks.size(); i++) {
      Mark m = marks.get(i);
      if (m.kind() != MarkKind.GATE) {
        continue;
      }
      long end = i + 1 < marks.size() ? marks.get(i + 1).offsetMs() : r.durationMs();
      double x0 = x.apply(m.offsetMs() / 1000.0);
      double x1 = x.apply(end / 1000.0);
      h.append("<rect class=\"gate\" x=\"").append(f(x0)).append("\" y=\"").append(TOP)
          .append("\" width=\"").append(f(Math.max(1, x1 - x0))).append("\" height=\"")
          .append(OPS_TOP + OPS_HEIGHT - TOP).append("\"><title>")
          .append(esc(m.phase() + ": waiting at the gate for " + fmtDuration(end - m.offsetMs())))
          .append("</title></rect>\n");
    }
  }

  /**
   * A line per mark, solid where the phase changes, and its number and name in a lane above
   * the charts: phase changes are placed first, then the steps, each in the first lane with
   * room; where no lane has room for the name, the number alone; where none has room even for
   * that, no label (the line's tooltip and the table of marks still name it). Labels never
   * overlap.
   */
  private static void markers(StringBuilder h, LoadReport r, Function<Double, Double> x) {
    List<Mark> marks = r.marks();
    int n = marks.size();
    double[] at = new double[n];
    boolean[] phaseChange = new boolean[n];
    String previousPhase = null;
    for (int i = 0; i < n; i++) {
      at[i] = x.apply(marks.get(i).offsetMs() / 1000.0);
      phaseChange[i] = !marks.get(i).phase().equals(previousPhase);
      previousPhase = marks.get(i).phase();
    }
    Lanes lanes = new Lanes();
    String[] label = new String[n];
    double[] labelX = new double[n];
    int[] lane = new int[n];
    for (boolean phasesFirst : new boolean[] {true, false}) {
      for (int i = 0; i < n; i++) {
        if (phaseChange[i] != phasesFirst) {
          continue;
        }
        Mark m = marks.get(i);
        String number = Integer.toString(i + 1);
        String name = phaseChange[i]
            ? m.phase() + (m.step().isEmpty() || m.step().equals(m.phase()) ? ""
                : " \u00b7 " + m.step())
            : m.step();
        for (String text : List.of(truncate(number + " " + name, 30), number)) {
          double w = text.length() * LABEL_CHAR_WIDTH;
          double lx = Math.max(0, Math.min(at[i] + 2, WIDTH - 2 - w));
          int l = lanes.place(lx, lx + w);
          if (l >= 0) {
            label[i] = text;
            labelX[i] = lx;
            lane[i] = l;
            break;
          }
        }
      }
    }
    for (int i = 0; i < n; i++) {
      Mark m = marks.get(i);
      h.append("<line class=\"").append(phaseChange[i] ? "phase" : "step").append("\" x1=\"")
          .append(f(at[i])).append("\" y1=\"").append(TOP).append("\" x2=\"").append(f(at[i]))
          .append("\" y2=\"").append(OPS_TOP + OPS_HEIGHT).append("\"><title>")
          .append(esc((i + 1) + ". " + fmtDuration(m.offsetMs()) + ": " + m.phase() + " / "
              + m.step()))
          .append("</title></line>\n");
      if (label[i] != null) {
        double ly = LABELS_TOP + (lane[i] + 1) * LANE_HEIGHT - 3;
        h.append("<line class=\"lead\" x1=\"").append(f(at[i])).append("\" y1=\"")
            .append(f(ly + 2)).append("\" x2=\"").append(f(at[i])).append("\" y2=\"")
            .append(TOP).append("\"/>")
            .append("<text class=\"mark\" x=\"").append(f(labelX[i])).append("\" y=\"")
            .append(f(ly)).append("\">").append(esc(label[i])).append("</text>\n");
      }
    }
  }

  /** The label lanes above the charts: what each lane holds, left to right. */
  private static final class Lanes {
    private static final double GAP = 3;
    private final List<List<double[]>> taken = new ArrayList<>();

    Lanes() {
      for (int i = 0; i < LANES; i++) {
        taken.add(new ArrayList<>());
      }
    }

    /** Puts [from, to] in the first lane where it overlaps nothing: that lane, or -1. */
    int place(double from, double to) {
      for (int lane = 0; lane < LANES; lane++) {
        boolean free = true;
        for (double[] t : taken.get(lane)) {
          if (from < t[1] + GAP && t[0] < to + GAP) {
            free = false;
            break;
          }
        }
        if (free) {
          taken.get(lane).add(new double[] {from, to});
          return lane;
        }
      }
      return -1;
    }
  }

  private static String kindWord(MarkKind kind) {
    return switch (kind) {
      case GATE -> "gate: waiting for a decision";
      case STEP -> "step of the run";
      case LOAD -> "sandbox";
    };
  }

  private static void yAxis(StringBuilder h, int top, int height, double max, String label) {
    h.append("<line class=\"axis\" x1=\"").append(LEFT).append("\" y1=\"").append(top)
        .append("\" x2=\"").append(LEFT).append("\" y2=\"").append(top + height).append("\"/>\n");
    h.append("<line class=\"axis\" x1=\"").append(LEFT).append("\" y1=\"").append(top + height)
        .append("\" x2=\"").append(LEFT + PLOT_W).append("\" y2=\"").append(top + height)
        .append("\"/>\n");
    for (int i = 1; i <= 4; i++) {
      double v = max * i / 4;
      double y = top + height - height * (double) i / 4;
      h.append("<line class=\"grid\" x1=\"").append(LEFT + 1).append("\" y1=\"").append(f(y))
          .append("\" x2=\"").append(LEFT + PLOT_W).append("\" y2=\"").append(f(y)).append("\"/>")
          .append("<text x=\"").append(LEFT - 6).append("\" y=\"").append(f(y + 4))
          .append("\" text-anchor=\"end\">").append(num(v)).append("</text>\n");
    }
    h.append("<text x=\"").append(LEFT - 6).append("\" y=\"").append(top + height + 4)
        .append("\" text-anchor=\"end\">0</text>\n");
    h.append("<text x=\"").append(LEFT).append("\" y=\"").append(top - 10).append("\">")
        .append(esc(label)).append("</text>\n");
  }

  /**
   * Polyline path data, one per run of consecutive seconds with successful operations (a line is
   * broken where a second has none); a lone second is drawn as a flat segment across its width.
   */
  private static List<String> paths(List<TimelinePoint> points, Function<Double, Double> x,
      boolean p99, double top) {
    List<String> out = new ArrayList<>();
    StringBuilder d = new StringBuilder();
    int pointsInPath = 0;
    long previous = Long.MIN_VALUE;
    double secondWidth = x.apply(1.0) - x.apply(0.0);
    for (TimelinePoint p : points) {
      Double v = p99 ? p.p99Ms() : p.p50Ms();
      if ((v == null || p.second() != previous + 1) && pointsInPath > 0) {
        out.add(finish(d, pointsInPath, secondWidth));
        d.setLength(0);
        pointsInPath = 0;
      }
      if (v != null) {
        double px = x.apply(p.second() + 0.5);
        double py = TOP + LAT_HEIGHT - LAT_HEIGHT * Math.min(v, top) / top;
        d.append(pointsInPath == 0 ? "M" : " L").append(f(px)).append(' ').append(f(py));
        pointsInPath++;
        previous = p.second();
      } else {
        previous = Long.MIN_VALUE;
      }
    }
    if (pointsInPath > 0) {
      out.add(finish(d, pointsInPath, secondWidth));
    }
    return out;
  }

  private static String finish(StringBuilder d, int points, double secondWidth) {
    if (points > 1) {
      return d.toString();
    }
    // "M x y": move half a second left, then draw across the second
    String[] xy = d.substring(1).split(" ");
    double cx = Double.parseDouble(xy[0]);
    return "M" + f(cx - secondWidth / 2) + " " + xy[1] + " h" + f(secondWidth);
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

  /** A tick step of 1, 2 or 5 times a power of ten (at least one second). */
  private static double niceStep(double rough) {
    double v = Math.max(rough, 1);
    double exp = Math.pow(10, Math.floor(Math.log10(v)));
    for (double m : new double[] {1, 2, 5}) {
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

  private static String truncate(String s, int max) {
    return s.length() <= max ? s : s.substring(0, max - 1) + "\u2026";
  }

  private static String f(double v) {
    return String.format(Locale.ROOT, "%.1f", v);
  }

  private static String num(double v) {
    if (v == Math.rint(v) && Math.abs(v) < 1e15) {
      return Long.toString((long) v);
    }
    return String.format(Locale.ROOT, Math.abs(v) >= 100 ? "%.0f" : Math.abs(v) >= 10 ? "%.1f"
        : "%.2f", v);
  }

  private static String opt(Double v) {
    return v == null ? "&#8211;" : num(v);
  }

  private static String ratioCell(Double v) {
    return v == null ? "&#8211;" : String.format(Locale.ROOT, "%.2f&#215;", v);
  }

  private static String failedCell(long failed) {
    return failed > 0 ? "<span class=\"bad\">" + failed + "</span>" : "0";
  }

  static String fmtDuration(long ms) {
    if (ms < 1000) {
      return ms + " ms";
    }
    long s = ms / 1000;
    if (s < 60) {
      return String.format(Locale.ROOT, "%.1f s", ms / 1000.0);
    }
    return String.format(Locale.ROOT, "%d min %02d s", s / 60, s % 60);
  }
}
