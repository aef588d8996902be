package dev.underway.sandbox.report;

import static dev.underway.sandbox.report.ChartParts.LEFT;
import static dev.underway.sandbox.report.ChartParts.PLOT_W;
import static dev.underway.sandbox.report.ChartParts.WIDTH;
import static dev.underway.sandbox.report.ChartParts.f;

import dev.underway.sandbox.report.LoadReport.Gauge;
import dev.underway.sandbox.report.LoadReport.GaugePoint;
import dev.underway.sandbox.report.LoadReport.TimelinePoint;
import java.util.ArrayList;
import java.util.List;

/**
 * The report's second chart, drawn when a scenario sampled gauges: the foreground p99 and each
 * gauge (e.g. a backfill's rate, replica lag) in panels one above the other on the same {@link
 * TimeAxis} as the load's chart, with the same marks, labels and gate waits ({@link
 * ChartParts}).
 */
final class GaugeChart {
  private GaugeChart() {}

  private static final int TOP = ChartParts.PLOT_TOP;
  private static final int PANEL = 100;
  private static final int GAP = 34;

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
    TimeAxis axis = TimeAxis.of(r, LEFT, PLOT_W);
    int bottomOfPanels = TOP + panels.size() * (PANEL + GAP) - GAP;
    int height = bottomOfPanels + ChartParts.AXIS_BELOW;
    h.append("<svg class=\"gauges\" viewBox=\"0 0 ").append(WIDTH).append(' ').append(height)
        .append("\" width=\"").append(WIDTH).append("\" height=\"").append(height)
        .append("\" role=\"img\" aria-label=\"foreground p99 and gauges per second\">\n");
    ChartParts.gateShading(h, axis, TimeAxis.waits(r), TOP, bottomOfPanels);
    int[] axes = new int[panels.size()];
    for (int i = 0; i < panels.size(); i++) {
      int top = TOP + i * (PANEL + GAP);
      panel(h, panels.get(i), top, axis);
      axes[i] = top + PANEL;
    }
    // the waits' lengths in the first panel (the others' titles sit in the gaps between them)
    ChartParts.breaks(h, axis, axes, TOP + PANEL - 4, PANEL - 8);
    ChartParts.xAxis(h, axis, bottomOfPanels, height - 6);
    ChartParts.marks(h, r, axis, TOP, bottomOfPanels);
    h.append("</svg>\n");
  }

  private static void panel(StringBuilder h, Panel p, int top, TimeAxis axis) {
    double max = 0;
    for (GaugePoint g : p.points()) {
      max = Math.max(max, g.value());
    }
    double ceiling = HtmlReport.niceCeil(max <= 0 ? 1 : max);
    h.append("<line class=\"axis\" x1=\"").append(LEFT).append("\" y1=\"").append(top + PANEL)
        .append("\" x2=\"").append(LEFT + PLOT_W).append("\" y2=\"").append(top + PANEL)
        .append("\"/><line class=\"axis\" x1=\"").append(LEFT).append("\" y1=\"").append(top)
        .append("\" x2=\"").append(LEFT).append("\" y2=\"").append(top + PANEL).append("\"/>\n");
    h.append("<text x=\"").append(LEFT).append("\" y=\"").append(top - 8).append("\">")
        .append(HtmlReport.esc(p.title())).append("</text><text x=\"").append(LEFT - 6)
        .append("\" y=\"").append(top + 8).append("\" text-anchor=\"end\">")
        .append(Figures.number(ceiling))
        .append("</text><text x=\"").append(LEFT - 6).append("\" y=\"").append(top + PANEL + 4)
        .append("\" text-anchor=\"end\">0</text>\n");
    if (p.points().isEmpty()) {
      return;
    }
    StringBuilder d = new StringBuilder();
    boolean gap = true;
    for (GaugePoint g : p.points()) {
      if (axis.inBreak(g.offsetMs())) {
        gap = true; // a compressed wait: the line resumes after it
        continue;
      }
      double py = top + PANEL - PANEL * Math.min(g.value(), ceiling) / ceiling;
      d.append(gap ? (d.length() == 0 ? "M" : " M") : " L").append(f(axis.x(g.offsetMs())))
          .append(' ').append(f(py));
      gap = false;
    }
    if (d.length() == 0) {
      return;
    }
    h.append("<path class=\"p99\" d=\"").append(d).append("\"><title>")
        .append(HtmlReport.esc(p.title())).append("</title></path>\n");
  }
}
