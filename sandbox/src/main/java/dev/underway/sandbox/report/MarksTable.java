package dev.underway.sandbox.report;

import static dev.underway.sandbox.report.HtmlReport.esc;

import dev.underway.sandbox.report.LoadReport.Mark;
import dev.underway.sandbox.report.LoadReport.MarkKind;
import java.util.List;

/** The report's table of marks: numbered as on the charts, with how long each lasted. */
final class MarksTable {
  private MarksTable() {}

  static void render(StringBuilder h, LoadReport r) {
    h.append("<h2>Marks</h2>\n<table>\n<tr><th>#</th><th>at</th><th class=\"l\">phase</th>"
        + "<th class=\"l\">step</th><th class=\"l\">kind</th><th>until the next</th>"
        + "<th class=\"l\">what the run recorded</th></tr>\n");
    List<Mark> marks = r.marks();
    for (int i = 0; i < marks.size(); i++) {
      Mark m = marks.get(i);
      long until = (i + 1 < marks.size() ? marks.get(i + 1).offsetMs() : r.durationMs())
          - m.offsetMs();
      h.append(m.byOperator() ? "<tr class=\"op\">"
              : m.kind() == MarkKind.GATE ? "<tr class=\"wait\">" : "<tr>")
          .append("<td>").append(i + 1).append("</td><td>")
          .append(Figures.duration(m.offsetMs()))
          .append("</td><td class=\"l\">").append(esc(m.phase())).append("</td><td class=\"l\">")
          .append(esc(m.step())).append("</td><td class=\"l\">").append(kindWord(m))
          .append("</td><td>").append(Figures.duration(Math.max(0, until)))
          .append("</td><td class=\"l\">").append(esc(m.detail())).append("</td></tr>\n");
    }
    h.append("</table>\n");
  }

  private static String kindWord(Mark m) {
    return switch (m.kind()) {
      case GATE -> m.byOperator() ? "operator's action; the gate waits on"
          : "gate: waiting for a decision";
      case STEP -> "step of the run";
      case OPERATOR -> "operator's action";
      case LOAD -> "sandbox";
    };
  }
}
