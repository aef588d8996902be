package dev.underway.sandbox.report;

import static dev.underway.sandbox.report.ChartParts.LEFT;
import static dev.underway.sandbox.report.ChartParts.PLOT_W;
import static dev.underway.sandbox.report.ChartParts.RIGHT;
import static dev.underway.sandbox.report.ChartParts.WIDTH;
import static dev.underway.sandbox.report.ChartParts.f;

import dev.underway.sandbox.report.LoadReport.TimelinePoint;
import java.util.ArrayList;
import java.util.List;

/**
 * The report's first chart: latency (p50, p99) and throughput (ok and failed bars) per second,
 * on the {@link TimeAxis} both charts share, with the marks and gate waits of {@link
 * ChartParts}.
 */
final class LoadChart {
  private LoadChart() {}

  private static final int TOP = ChartParts.PLOT_TOP;
  private static final int LAT_HEIGHT = 240;
  private static final int GAP = 42;
  private static final int OPS_HEIGHT = 150;
  private static final int OPS_TOP = TOP + LAT_HEIGHT + GAP;
  private static final int AXIS_Y = OPS_TOP + OPS_HEIGHT;
  private static final int HEIGHT = AXIS_Y + ChartParts.AXIS_BELOW;

  static void render(StringBuilder h, LoadReport r) {
    List<TimelinePoint> points = r.timeline();
    TimeAxis axis = TimeAxis.of(r, LEFT, PLOT_W);

    double maxLatency = 0;
    long maxOps = 0;
    for (TimelinePoint p : points) {
      if (p.p99Ms() != null) {
        maxLatency = Math.max(maxLatency, p.p99Ms());
      }
      maxOps = Math.max(maxOps, p.ok() + p.failed());
    }
    double latTop = HtmlReport.niceCeil(maxLatency <= 0 ? 1 : maxLatency);
    double opsTop = HtmlReport.niceCeil(maxOps <= 0 ? 1 : maxOps);

    h.append("<svg viewBox=\"0 0 ").append(WIDTH)
        .append(' ').append(HEIGHT).append("\" width=\"").append(WIDTH).append("\" height=\"")
        .append(HEIGHT).append("\" role=\"img\" aria-label=\"latency and throughput per second\">\n");
    ChartParts.gateShading(h, axis, TimeAxis.waits(r), TOP, AXIS_Y);

    // latency panel
    yAxis(h, TOP, LAT_HEIGHT, latTop, "latency ms");
    for (String cls : new String[] {"p99", "p50"}) {
      for (String d : paths(points, axis, cls.equals("p99"), latTop)) {
        h.append("<path class=\"").append(cls).append("\" d=\"").append(d).append("\"/>\n");
      }
    }
    h.append("<text x=\"").append(WIDTH - RIGHT - 150).append("\" y=\"").append(TOP - 10)
        .append("\"><tspan fill=\"#cf222e\">&#9644; p99</tspan>  <tspan fill=\"#0969da\">"
            + "&#9644; p50</tspan></text>\n");

    // throughput panel
    yAxis(h, OPS_TOP, OPS_HEIGHT, opsTop, "ops/s");
    for (TimelinePoint p : points) {
      if (axis.inBreak(p.second() * 1000 + 500)) {
        continue; // a compressed wait: its load is in the table of waits
      }
      double bx = axis.x(p.second() * 1000.0);
      double w = axis.x((p.second() + 1) * 1000.0) - bx;
      double barW = Math.max(0.3, w > 3 ? w - 1 : w);
      double okH = OPS_HEIGHT * p.ok() / opsTop;
      double failH = OPS_HEIGHT * p.failed() / opsTop;
      h.append("<rect class=\"ok\" x=\"").append(f(bx)).append("\" y=\"").append(f(AXIS_Y - okH))
          .append("\" width=\"").append(f(barW)).append("\" height=\"").append(f(okH))
          .append("\"><title>").append(p.second()).append(" s: ").append(p.ok())
          .append(" ok, ").append(p.failed()).append(" failed, p50 ").append(opt(p.p50Ms()))
          .append(" ms, p99 ").append(opt(p.p99Ms())).append(" ms</title></rect>\n");
      if (p.failed() > 0) {
        h.append("<rect class=\"failed\" x=\"").append(f(bx)).append("\" y=\"")
            .append(f(AXIS_Y - okH - failH)).append("\" width=\"").append(f(barW))
            .append("\" height=\"").append(f(failH)).append("\"/>\n");
      }
    }
    h.append("<text x=\"").append(WIDTH - RIGHT - 150).append("\" y=\"").append(OPS_TOP - 10)
        .append("\"><tspan fill=\"#2da44e\">&#9632; ok</tspan>  <tspan fill=\"#cf222e\">"
            + "&#9632; failed</tspan></text>\n");

    ChartParts.breaks(h, axis, new int[] {TOP + LAT_HEIGHT, AXIS_Y}, TOP + LAT_HEIGHT - 6,
        LAT_HEIGHT - 12);
    ChartParts.xAxis(h, axis, AXIS_Y, HEIGHT - 6);
    ChartParts.marks(h, r, axis, TOP, AXIS_Y);
    h.append("</svg>\n");
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
          .append("\" text-anchor=\"end\">").append(Figures.number(v)).append("</text>\n");
    }
    h.append("<text x=\"").append(LEFT - 6).append("\" y=\"").append(top + height + 4)
        .append("\" text-anchor=\"end\">0</text>\n");
    h.append("<text x=\"").append(LEFT).append("\" y=\"").append(top - 10).append("\">")
        .append(HtmlReport.esc(label)).append("</text>\n");
  }

  /**
   * Polyline path data, one per run of consecutive seconds with successful operations (a line is
   * broken where a second has none, and across a compressed wait); a lone second is drawn as a
   * flat segment across its width.
   */
  private static List<String> paths(List<TimelinePoint> points, TimeAxis axis, boolean p99,
      double top) {
    List<String> out = new ArrayList<>();
    StringBuilder d = new StringBuilder();
    int pointsInPath = 0;
    long previous = Long.MIN_VALUE;
    double[] lone = new double[2]; // the first second of the path: its left and right
    for (TimelinePoint p : points) {
      Double v = axis.inBreak(p.second() * 1000 + 500) ? null : p99 ? p.p99Ms() : p.p50Ms();
      if ((v == null || p.second() != previous + 1) && pointsInPath > 0) {
        out.add(finish(d, pointsInPath, lone));
        d.setLength(0);
        pointsInPath = 0;
      }
      if (v != null) {
        double px = axis.x((p.second() + 0.5) * 1000);
        double py = TOP + LAT_HEIGHT - LAT_HEIGHT * Math.min(v, top) / top;
        if (pointsInPath == 0) {
          lone[0] = axis.x(p.second() * 1000.0);
          lone[1] = axis.x((p.second() + 1) * 1000.0);
        }
        d.append(pointsInPath == 0 ? "M" : " L").append(f(px)).append(' ').append(f(py));
        pointsInPath++;
        previous = p.second();
      } else {
        previous = Long.MIN_VALUE;
      }
    }
    if (pointsInPath > 0) {
      out.add(finish(d, pointsInPath, lone));
    }
    return out;
  }

  private static String finish(StringBuilder d, int points, double[] lone) {
    if (points > 1) {
      return d.toString();
    }
    // "M x y": draw across the second
    String y = d.substring(1).split(" ")[1];
    return "M" + f(lone[0]) + " " + y + " h" + f(Math.max(0.5, lone[1] - lone[0]));
  }

  private static String opt(Double v) {
    return v == null ? "&#8211;" : Figures.number(v);
  }
}
