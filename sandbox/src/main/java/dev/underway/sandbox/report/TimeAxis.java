package dev.underway.sandbox.report;

import dev.underway.sandbox.report.LoadReport.Mark;
import dev.underway.sandbox.report.LoadReport.MarkKind;
import dev.underway.sandbox.report.LoadReport.TimelinePoint;
import java.util.ArrayList;
import java.util.List;

/**
 * Time since the start of the load to x in a chart: the one mapping every sample, bar, mark and
 * tick of both charts goes through. Linear, except that a gate's wait longer than {@link
 * #BREAK_AFTER_MS} is a <em>break</em>: a narrow segment of fixed width (its time compressed into
 * it, in order), so that minutes spent waiting for a person do not squeeze the change into a few
 * pixels. Monotone: a later time is never left of an earlier one, and a time inside a wait
 * lands inside its segment.
 */
final class TimeAxis {

  /** Waits at a gate longer than this are drawn compressed. */
  static final long BREAK_AFTER_MS = 15_000;
  /** The width of a compressed wait, at most (less when there are many). */
  static final double BREAK_WIDTH = 36;

  /** A wait drawn compressed: {@code [fromMs, toMs)} between {@code x0} and {@code x1}. */
  record Break(long fromMs, long toMs, String phase, double x0, double x1) {
    long lengthMs() {
      return toMs - fromMs;
    }
  }

  /** A gate's wait: from its mark to the next. */
  record Wait(long fromMs, long toMs, String phase) {}

  private record Piece(long fromMs, long toMs, double x0, double x1) {}

  private final long spanMs;
  private final double left;
  private final double width;
  private final List<Piece> pieces = new ArrayList<>();
  private final List<Break> breaks = new ArrayList<>();
  /** Pixels per millisecond outside the breaks. */
  private final double scale;

  private TimeAxis(long spanMs, List<Wait> waits, double left, double width) {
    this.spanMs = Math.max(1, spanMs);
    this.left = left;
    this.width = width;
    List<Wait> compressed = new ArrayList<>();
    for (Wait w : waits) {
      if (w.toMs() - w.fromMs() > BREAK_AFTER_MS && w.fromMs() >= 0 && w.toMs() <= this.spanMs) {
        compressed.add(w);
      }
    }
    // a wait is compressed only where that narrows it: drop the others until none is left over
    double bw;
    double px;
    while (true) {
      bw = breakWidth(compressed.size());
      long waited = compressed.stream().mapToLong(w -> w.toMs() - w.fromMs()).sum();
      long linear = this.spanMs - waited;
      if (linear <= 0) {
        compressed.clear(); // nothing but waits: nothing to give the width to
        continue;
      }
      px = (width - bw * compressed.size()) / linear;
      double pxPerMs = px;
      double minWidth = bw;
      List<Wait> kept = compressed.stream()
          .filter(w -> (w.toMs() - w.fromMs()) * pxPerMs > minWidth).toList();
      if (kept.size() == compressed.size()) {
        break;
      }
      compressed = new ArrayList<>(kept);
    }
    scale = px;
    long cursor = 0;
    double x = left;
    for (Wait w : compressed) {
      if (w.fromMs() > cursor) {
        double x1 = x + (w.fromMs() - cursor) * px;
        pieces.add(new Piece(cursor, w.fromMs(), x, x1));
        x = x1;
      }
      pieces.add(new Piece(w.fromMs(), w.toMs(), x, x + bw));
      breaks.add(new Break(w.fromMs(), w.toMs(), w.phase(), x, x + bw));
      x += bw;
      cursor = w.toMs();
    }
    if (cursor < this.spanMs || pieces.isEmpty()) {
      pieces.add(new Piece(cursor, this.spanMs, x, left + width));
    }
  }

  private double breakWidth(int n) {
    return n == 0 ? 0 : Math.min(BREAK_WIDTH, width / (4.0 * n)); // breaks take a quarter at most
  }

  /** The axis of {@code r}'s charts: its whole time, its gates' waits compressed. */
  static TimeAxis of(LoadReport r, double left, double width) {
    return of(spanMs(r), waits(r), left, width);
  }

  static TimeAxis of(long spanMs, List<Wait> waits, double left, double width) {
    return new TimeAxis(spanMs, waits, left, width);
  }

  /** How long the charts run: the whole load, and every second of its timeline. */
  static long spanMs(LoadReport r) {
    long span = Math.max(1000, r.durationMs());
    for (TimelinePoint p : r.timeline()) {
      span = Math.max(span, (p.second() + 1) * 1000);
    }
    return span;
  }

  /**
   * Every wait at a gate of {@code r}: from its mark until the next mark that is not the gate's
   * (an approval it waits on after is), or the end.
   */
  static List<Wait> waits(LoadReport r) {
    List<Wait> out = new ArrayList<>();
    List<Mark> marks = r.marks();
    for (int i = 0; i < marks.size(); i++) {
      Mark m = marks.get(i);
      if (m.kind() == MarkKind.GATE) {
        int j = i + 1;
        while (j < marks.size() && marks.get(j).kind() == MarkKind.GATE
            && marks.get(j).phase().equals(m.phase())) {
          j++;
        }
        long end = j < marks.size() ? marks.get(j).offsetMs() : r.durationMs();
        out.add(new Wait(m.offsetMs(), Math.max(m.offsetMs(), end), m.phase()));
        i = j - 1;
      }
    }
    return out;
  }

  /** x of {@code ms} since the start (clamped to the axis). */
  double x(double ms) {
    double t = Math.max(0, Math.min(spanMs, ms));
    for (Piece p : pieces) {
      if (t <= p.toMs()) {
        long len = p.toMs() - p.fromMs();
        return len == 0 ? p.x0() : p.x0() + (p.x1() - p.x0()) * (t - p.fromMs()) / len;
      }
    }
    return left + width;
  }

  /** Whether {@code ms} lies in a compressed wait. */
  boolean inBreak(double ms) {
    return breaks.stream().anyMatch(b -> ms > b.fromMs() && ms < b.toMs());
  }

  List<Break> breaks() {
    return List.copyOf(breaks);
  }

  long spanMs() {
    return spanMs;
  }

  /**
   * Times for the axis's labelled ticks, outside the breaks, at a round step that leaves at
   * least {@code minGapPx} between two ticks and half that between a tick and a break.
   */
  List<Long> ticks(double minGapPx) {
    long step = niceStepMs(minGapPx / scale);
    List<Long> out = new ArrayList<>();
    double lastTick = Double.NEGATIVE_INFINITY;
    double lastEdge = Double.NEGATIVE_INFINITY;
    for (Piece p : pieces) {
      if (breaks.stream().anyMatch(b -> b.fromMs() == p.fromMs() && b.toMs() == p.toMs())) {
        lastEdge = p.x1();
        continue;
      }
      double nextEdge = breaks.stream().filter(b -> b.fromMs() >= p.toMs())
          .mapToDouble(Break::x0).min().orElse(Double.POSITIVE_INFINITY);
      for (long t = (p.fromMs() + step - 1) / step * step; t <= p.toMs(); t += step) {
        double tx = x(t);
        if (tx - lastTick >= minGapPx && tx - lastEdge >= minGapPx / 2
            && nextEdge - tx >= minGapPx / 2) {
          out.add(t);
          lastTick = tx;
        }
      }
    }
    return out;
  }

  /** Whether ticks read m:ss (a run of two minutes or more) rather than seconds. */
  boolean inMinutes() {
    return spanMs >= 120_000;
  }

  /** The axis's title. */
  String title() {
    return inMinutes() ? "time since start (min:s)" : "seconds since start";
  }

  /** A tick's label: seconds, or m:ss on a long axis. */
  String tickLabel(long ms) {
    long s = Math.round(ms / 1000.0);
    if (!inMinutes()) {
      return Long.toString(s);
    }
    return s >= 3600 ? String.format(java.util.Locale.ROOT, "%d:%02d:%02d", s / 3600,
        s / 60 % 60, s % 60) : String.format(java.util.Locale.ROOT, "%d:%02d", s / 60, s % 60);
  }

  /** A round step (1, 2, 5, 10, 15, 30 s, 1, 2, 5, 10, 15, 30 min, 1 h ...) of at least ms. */
  static long niceStepMs(double ms) {
    long[] steps = {1, 2, 5, 10, 15, 30, 60, 120, 300, 600, 900, 1800, 3600};
    for (long s : steps) {
      if (s * 1000 >= ms) {
        return s * 1000;
      }
    }
    long hours = (long) Math.ceil(ms / 3_600_000);
    return hours * 3_600_000;
  }
}
