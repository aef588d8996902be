package dev.underway.sandbox.report;

import dev.underway.sandbox.report.LoadReport.Mark;
import dev.underway.sandbox.report.LoadReport.MarkKind;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * What both charts draw alike, through one {@link TimeAxis}: the gate waits shaded (the long
 * ones compressed behind break marks, their length written in them), the marks (a line each,
 * their labels in lanes above the plot that never overlap), the backfill's throttled spans, and
 * the time axis.
 */
final class ChartParts {
  private ChartParts() {}

  static final int WIDTH = 960;
  static final int LEFT = 64;
  static final int RIGHT = 24;
  static final int PLOT_W = WIDTH - LEFT - RIGHT;
  /** Mark labels sit in lanes above the plot; a label goes in the first lane it fits. */
  static final int LANES = 4;
  static final int LANE_HEIGHT = 13;
  static final int LABELS_TOP = 6;
  /** Width of a 10px label character, rounded up (the browser test checks the result). */
  static final double LABEL_CHAR_WIDTH = 6.6;
  /** Width of an 11px character of the axis and the breaks' texts, rounded up. */
  static final double TEXT_CHAR_WIDTH = 6.7;
  /** Where a chart's plot starts: under the lanes and a panel's title. */
  static final int PLOT_TOP = LABELS_TOP + LANES * LANE_HEIGHT + 26;
  /** Below an x axis: its tick labels, then its title. */
  static final int AXIS_BELOW = 46;

  static final String CSS = """
      svg line.op{stroke:#bc4c00;stroke-width:1.2;stroke-dasharray:1 2}
      svg .throttled{fill:#bc4c00;opacity:.55}
      svg .brk{stroke:#57606a;stroke-width:1.2;fill:none}
      svg .gap{fill:#fff;stroke:none}
      svg text.op{fill:#953800}
      svg text.wait{fill:#6e5a00}
      """;

  /** Every wait at a gate, shaded from {@code top} to {@code bottom} (under the data). */
  static void gateShading(StringBuilder h, TimeAxis axis, List<TimeAxis.Wait> waits, int top,
      int bottom) {
    for (TimeAxis.Wait w : waits) {
      double x0 = axis.x(w.fromMs());
      double x1 = axis.x(w.toMs());
      h.append("<rect class=\"gate\" x=\"").append(f(x0)).append("\" y=\"").append(top)
          .append("\" width=\"").append(f(Math.max(1, x1 - x0))).append("\" height=\"")
          .append(bottom - top).append("\"><title>")
          .append(HtmlReport.esc(w.phase() + ": waiting at the gate for "
              + Figures.duration(w.toMs() - w.fromMs())))
          .append("</title></rect>\n");
    }
  }

  /**
   * The compressed waits: break marks where each crosses an x axis ({@code axisYs}) and its
   * length written upright inside it, from {@code textBottom} up within {@code textRoom} px
   * (the whole sentence where it fits, else the length alone).
   */
  static void breaks(StringBuilder h, TimeAxis axis, int[] axisYs, int textBottom,
      int textRoom) {
    for (TimeAxis.Break b : axis.breaks()) {
      for (int y : axisYs) {
        h.append("<rect class=\"gap\" x=\"").append(f(b.x0() + 1)).append("\" y=\"")
            .append(y - 2).append("\" width=\"").append(f(Math.max(0, b.x1() - b.x0() - 2)))
            .append("\" height=\"4\"/>");
        h.append("<path class=\"brk\" d=\"");
        for (double x : new double[] {b.x0(), b.x1()}) {
          h.append("M").append(f(x - 3)).append(' ').append(y + 5).append(" L").append(f(x + 3))
              .append(' ').append(y - 5).append(' ');
        }
        h.append("\"/>\n");
      }
      String length = Figures.duration(b.lengthMs());
      String text = "gate " + b.phase() + ": waited " + length;
      if (text.length() * TEXT_CHAR_WIDTH > textRoom) {
        text = "waited " + length;
      }
      if (text.length() * TEXT_CHAR_WIDTH > textRoom) {
        text = length;
      }
      double tx = (b.x0() + b.x1()) / 2 + 4;
      h.append("<text class=\"wait\" x=\"").append(f(tx)).append("\" y=\"").append(textBottom)
          .append("\" transform=\"rotate(-90 ").append(f(tx)).append(' ').append(textBottom)
          .append(")\">").append(HtmlReport.esc(text)).append("<title>")
          .append(HtmlReport.esc("gate " + b.phase() + ": waited " + length + ", drawn "
              + "compressed (from " + Figures.duration(b.fromMs()) + " to "
              + Figures.duration(b.toMs()) + " since the start)"))
          .append("</title></text>\n");
    }
  }

  /** The x axis's ticks and labels under {@code axisY}, and its title at {@code titleY}. */
  static void xAxis(StringBuilder h, TimeAxis axis, int axisY, int titleY) {
    for (long t : axis.ticks((axis.inMinutes() ? 5 : 4) * TEXT_CHAR_WIDTH + 10)) {
      double tx = axis.x(t);
      h.append("<line class=\"axis\" x1=\"").append(f(tx)).append("\" y1=\"").append(axisY)
          .append("\" x2=\"").append(f(tx)).append("\" y2=\"").append(axisY + 4).append("\"/>")
          .append("<text x=\"").append(f(tx)).append("\" y=\"").append(axisY + 20)
          .append("\" text-anchor=\"middle\">").append(axis.tickLabel(t)).append("</text>\n");
    }
    h.append("<text x=\"").append(LEFT + PLOT_W / 2).append("\" y=\"").append(titleY)
        .append("\" text-anchor=\"middle\">").append(axis.title());
    if (!axis.breaks().isEmpty()) {
      h.append(" \u00b7 waits at gates longer than ")
          .append(Figures.duration(TimeAxis.BREAK_AFTER_MS)).append(" compressed");
    }
    h.append("</text>\n");
  }

  /**
   * A line per mark from {@code top} to {@code bottom} (solid where the phase changes, dashed
   * for a step, dotted for an operator's action) and its number and name in a lane above the
   * plot: phase changes placed first, then operators' actions, then steps, each in the first
   * lane with room; where no lane has room for the name, the number alone; where none has room
   * even for that, no label (the line's tooltip and the table of marks still name it).
   */
  static void marks(StringBuilder h, LoadReport r, TimeAxis axis, int top, int bottom) {
    List<Mark> marks = r.marks();
    int n = marks.size();
    double[] at = new double[n];
    int[] rank = new int[n]; // 0: phase change, 1: operator, 2: step
    String previousPhase = null;
    for (int i = 0; i < n; i++) {
      Mark m = marks.get(i);
      at[i] = axis.x(m.offsetMs());
      rank[i] = !m.phase().equals(previousPhase) ? 0 : m.byOperator() ? 1 : 2;
      previousPhase = m.phase();
    }
    throttled(h, r, axis, top);
    Lanes lanes = new Lanes();
    String[] label = new String[n];
    double[] labelX = new double[n];
    int[] lane = new int[n];
    for (int pass = 0; pass < 3; pass++) {
      for (int i = 0; i < n; i++) {
        if (rank[i] != pass) {
          continue;
        }
        Mark m = marks.get(i);
        String number = Integer.toString(i + 1);
        String name = rank[i] == 0
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
      String cls = rank[i] == 0 ? "phase" : m.byOperator() ? "op" : "step";
      h.append("<line class=\"").append(cls).append("\" x1=\"").append(f(at[i]))
          .append("\" y1=\"").append(top).append("\" x2=\"").append(f(at[i])).append("\" y2=\"")
          .append(bottom).append("\"><title>")
          .append(HtmlReport.esc((i + 1) + ". " + Figures.duration(m.offsetMs()) + ": "
              + m.phase() + " / " + m.step() + (m.detail().isEmpty() ? "" : " \u2014 "
              + m.detail())))
          .append("</title></line>\n");
      if (label[i] != null) {
        double ly = LABELS_TOP + (lane[i] + 1) * LANE_HEIGHT - 3;
        h.append("<line class=\"lead\" x1=\"").append(f(at[i])).append("\" y1=\"")
            .append(f(ly + 2)).append("\" x2=\"").append(f(at[i])).append("\" y2=\"")
            .append(top).append("\"/>")
            .append("<text class=\"mark").append(m.byOperator() ? " op" : "")
            .append("\" x=\"").append(f(labelX[i])).append("\" y=\"").append(f(ly))
            .append("\">").append(HtmlReport.esc(label[i])).append("</text>\n");
      }
    }
  }

  /**
   * The backfill's throttled time, a band along the top of the plot: from each throttle to the
   * unthrottle after it (or to the end of the phase, or of the run).
   */
  private static void throttled(StringBuilder h, LoadReport r, TimeAxis axis, int top) {
    List<Mark> marks = r.marks();
    for (int i = 0; i < marks.size(); i++) {
      Mark m = marks.get(i);
      if (m.kind() != MarkKind.OPERATOR || !m.step().equals("throttle")) {
        continue;
      }
      long end = r.durationMs();
      String until = "the end of the run";
      for (int j = i + 1; j < marks.size(); j++) {
        Mark next = marks.get(j);
        if (next.step().equals("unthrottle")) {
          end = next.offsetMs();
          until = "the unthrottle";
          break;
        }
        if (!next.phase().equals(m.phase())) {
          end = next.offsetMs();
          until = "the end of " + m.phase();
          break;
        }
      }
      double x0 = axis.x(m.offsetMs());
      h.append("<rect class=\"throttled\" x=\"").append(f(x0)).append("\" y=\"").append(top)
          .append("\" width=\"").append(f(Math.max(1, axis.x(end) - x0)))
          .append("\" height=\"5\"><title>")
          .append(HtmlReport.esc("throttled for " + Figures.duration(end - m.offsetMs())
              + ", until " + until + (m.detail().isEmpty() ? "" : " (" + m.detail() + ")")))
          .append("</title></rect>\n");
    }
  }

  /** The label lanes above the plot: what each lane holds, left to right. */
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

  private static String truncate(String s, int max) {
    return s.length() <= max ? s : s.substring(0, max - 1) + "\u2026";
  }

  static String f(double v) {
    return String.format(Locale.ROOT, "%.1f", v);
  }
}
