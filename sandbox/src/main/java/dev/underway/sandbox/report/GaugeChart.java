package dev.underway.sandbox.report;

import dev.underway.sandbox.report.LoadReport.Gauge;
import dev.underway.sandbox.report.LoadReport.GaugePoint;
import dev.underway.sandbox.report.LoadReport.Mark;
import dev.underway.sandbox.report.LoadReport.MarkKind;
import dev.underway.sandbox.report.LoadReport.TimelinePoint;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The report's second chart, drawn when a scenario sampled gauges: the foreground p99 and each
 * gauge (e.g. a backfill's rate, replica lag) in panels one above the other on the same time axis
 * as the load's chart, with the same marks (solid: phase changes, numbered as in the table of
 * marks; dashed: steps) and the gate waits shaded.
 */
final class GaugeChart {
  private GaugeChart() {}

  private static final int WIDTH = 960;
  private static final int LEFT = 64;
  private static final int RIGHT = 24;
  private static final int PLOT_W = WIDTH - LEFT - RIGHT;
  private static final int TOP = 46;
  private static final int PANEL = 100;
  private static final int GAP = 34;
  private static final int BOTTOM = 36;

  private record Panel(String title, List<GaugePoint> points) {}

  static void render(StringBuilder h, LoadReport r) {
    List<Panel> panels = new ArrayList<>();
    List<GaugePoint> p99 = new ArrayList<>();
    for (TimelinePoint t : r.timeline()) {
      if (t.p99Ms() != null) {
        p99.add(new GaugePoint(t.second() * 1000 + 500, t.p99Ms()));
      }
    }
    panels.add(new Panel("foreground p99 ms", p99));
    for (Gauge g : r.gauges()) {
      panels.add(new Panel(g.name() + " " + g.unit(), g.points()));
    }
    double span = Math.max(1, r.durationMs() / 1000.0);
    for (TimelinePoint t : r.timeline()) {
      span = Math.max(span, t.second() + 1);
    }
    int bottomOfPanels = TOP + panels.size() * (PANEL + GAP) - GAP;
    int height = bottomOfPanels + BOTTOM;
    h.append("<svg class=\"gauges\" viewBox=\"0 0 ").append(WIDTH).append(' ').append(height)
        .append("\" width=\"").append(WIDTH).append("\" height=\"").append(height)
        .append("\" role=\"img\" aria-label=\"foreground p99 and gauges per second\">\n");
    List<Mark> marks = r.marks();
    for (int i = 0; i < marks.size(); i++) {
      Mark m = marks.get(i);
      if (m.kind() == MarkKind.GATE) {
        long end = i + 1 < marks.size() ? marks.get(i + 1).offsetMs() : r.durationMs();
        double x0 = x(m.offsetMs(), span);
        h.append("<rect class=\"gate\" x=\"").append(f(x0)).append("\" y=\"").append(TOP)
            .append("\" width=\"").append(f(Math.max(1, x(end, span) - x0)))
            .append("\" height=\"").append(bottomOfPanels - TOP).append("\"/>\n");
      }
    }
    for (int i = 0; i < panels.size(); i++) {
      panel(h, panels.get(i), TOP + i * (PANEL + GAP), span);
    }
    String previousPhase = null;
    for (int i = 0; i < marks.size(); i++) {
      Mark m = marks.get(i);
      boolean phaseChange = !m.phase().equals(previousPhase);
      previousPhase = m.phase();
      double mx = x(m.offsetMs(), span);
      h.append("<line class=\"").append(phaseChange ? "phase" : "step").append("\" x1=\"")
          .append(f(mx)).append("\" y1=\"").append(TOP).append("\" x2=\"").append(f(mx))
          .append("\" y2=\"").append(bottomOfPanels).append("\"><title>")
          .append(HtmlReport.esc((i + 1) + ". " + m.phase() + " / " + m.step()))
          .append("</title></line>\n");
      if (phaseChange) {
        h.append("<text class=\"mark\" x=\"").append(f(mx + 2)).append("\" y=\"")
            .append(14).append("\">").append(i + 1).append("</text>\n");
      }
    }
    h.append("<text x=\"").append(LEFT + PLOT_W / 2).append("\" y=\"").append(height - 8)
        .append("\" text-anchor=\"middle\">seconds since start (").append(num(span))
        .append(" s)</text>\n</svg>\n");
  }

  private static void panel(StringBuilder h, Panel p, int top, double span) {
    double max = 0;
    for (GaugePoint g : p.points()) {
      max = Math.max(max, g.value());
    }
    double ceiling = HtmlReport.niceCeil(max <= 0 ? 1 : max);
    h.append("<line class=\"axis\" x1=\"").append(LEFT).append("\" y1=\"").append(top + PANEL)
        .append("\" x2=\"").append(LEFT + PLOT_W).append("\" y2=\"").append(top + PANEL)
        .append("\"/><line class=\"axis\" x1=\"").append(LEFT).append("\" y1=\"").append(top)
        .append("\" x2=\"").append(LEFT).append("\" y2=\"").append(top + PANEL).append("\"/>\n");
    h.append("<text x=\"").append(LEFT).append("\" y=\"").append(top - 6).append("\">")
        .append(HtmlReport.esc(p.title())).append("</text><text x=\"").append(LEFT - 6)
        .append("\" y=\"").append(top + 4).append("\" text-anchor=\"end\">").append(num(ceiling))
        .append("</text><text x=\"").append(LEFT - 6).append("\" y=\"").append(top + PANEL + 4)
        .append("\" text-anchor=\"end\">0</text>\n");
    if (p.points().isEmpty()) {
      return;
    }
    StringBuilder d = new StringBuilder();
    for (GaugePoint g : p.points()) {
      double py = top + PANEL - PANEL * Math.min(g.value(), ceiling) / ceiling;
      d.append(d.length() == 0 ? "M" : " L").append(f(x(g.offsetMs(), span))).append(' ')
          .append(f(py));
    }
    h.append("<path class=\"p99\" d=\"").append(d).append("\"><title>")
        .append(HtmlReport.esc(p.title())).append("</title></path>\n");
  }

  private static double x(long offsetMs, double span) {
    return LEFT + PLOT_W * (offsetMs / 1000.0 / span);
  }

  private static String f(double v) {
    return String.format(Locale.ROOT, "%.1f", v);
  }

  private static String num(double v) {
    return v == Math.rint(v) ? Long.toString((long) v) : String.format(Locale.ROOT, "%.1f", v);
  }
}
