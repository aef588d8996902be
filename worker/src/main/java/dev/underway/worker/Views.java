package dev.underway.worker;

import dev.underway.kernel.DecideCommands;
import dev.underway.kernel.Decision;
import com.fasterxml.jackson.databind.JsonNode;
import dev.underway.kernel.RunStatus;
import dev.underway.kernel.GateView;
import dev.underway.workflows.evolution.model.PhasePlan;
import dev.underway.kernel.TimelineEntry;
import dev.underway.kernel.SearchAttributes;
import io.temporal.client.WorkflowExecutionDescription;
import java.util.List;

/** Human-readable text for status, plans and results. Pure: strings in, strings out. */
final class Views {
  private Views() {}

  static String status(String workflowId, RunStatus s) {
    return status(workflowId, s, null);
  }

  /**
   * @param decideHere how this CLI itself would approve, reject and abort at the open gate (its
   *     own address and namespace; a destructive gate's approval with its confirmation), or null
   */
  static String status(String workflowId, RunStatus s, List<String> decideHere) {
    return status(workflowId, s, decideHere, null);
  }

  /**
   * @param closed how Temporal closed the run, or null while it is open: its status is the
   *     state shown when the run's own last state is not an end (a terminated run never said so)
   */
  static String status(String workflowId, RunStatus s, List<String> decideHere, ClosedRun closed) {
    StringBuilder b = new StringBuilder();
    b.append("Run ").append(workflowId).append('\n');
    String own = ended(s.state()) + (s.dryRun() ? " (dry run: changes nothing)" : "");
    line(b, "state", closed != null && !s.state().terminal() ? closed.status() + " (closed by"
        + " Temporal; the run itself last said " + own + ")" : own);
    if (closed != null && closed.cause() != null) {
      line(b, "ended", closed.line());
    }
    line(b, "target", s.target());
    line(b, "requested by", s.requestedBy() == null ? "(not given)" : s.requestedBy());
    if (s.currentPhase() != null || s.currentStep() != null) {
      line(b, "now at", nullToDash(s.currentPhase()) + " / " + nullToDash(s.currentStep()));
    }
    if (s.message() != null) {
      line(b, "message", s.message());
    }
    GateView g = s.openGate();
    b.append('\n');
    if (g != null) {
      b.append("Open gate: ").append(g.gate()).append(" (opened ").append(g.openedAt())
          .append(g.expiresAt() == null ? ", no expiry" : ", expires " + g.expiresAt())
          .append(")\n");
      indent(b, g.text(), "  ");
      if (g.plan() != null) {
        b.append("  Plan digest: ").append(g.plan()).append('\n');
      }
      if (decideHere != null) {
        b.append("  From here (replace ").append(DecideCommands.NAME_PLACEHOLDER)
            .append(" and the comment):\n");
        for (String line : decideHere) {
          b.append("    ").append(line).append('\n');
        }
      }
      b.append('\n');
    } else {
      b.append("No gate is open.\n\n");
    }
    b.append("Decisions:");
    if (s.decisions() == null || s.decisions().isEmpty()) {
      b.append(" none yet\n");
    } else {
      b.append('\n');
      for (Decision d : s.decisions()) {
        b.append("  ").append(decision(d)).append('\n');
      }
    }
    b.append("\nTimeline:");
    List<TimelineEntry> t = s.timeline();
    if (t == null || t.isEmpty()) {
      b.append(" empty\n");
    } else {
      b.append('\n');
      int phaseWidth = t.stream().mapToInt(e -> nullToDash(e.phase()).length()).max().orElse(5);
      int stepWidth = t.stream().mapToInt(e -> nullToDash(e.step()).length()).max().orElse(5);
      int stateWidth = t.stream().mapToInt(e -> nullToDash(e.state()).length()).max().orElse(5);
      for (TimelineEntry e : t) {
        b.append("  ").append(nullToDash(e.at())).append("  ")
            .append(pad(nullToDash(e.phase()), phaseWidth)).append("  ")
            .append(pad(nullToDash(e.step()), stepWidth)).append("  ")
            .append(pad(nullToDash(e.state()), stateWidth));
        if (e.detail() != null) {
          b.append("  ").append(e.detail());
        }
        b.append('\n');
      }
    }
    return b.toString();
  }

  /**
   * A state; an ended run's with its outcome's meaning and the status Temporal shows for it
   * ({@code REJECTED (a gate was rejected; in Temporal: Failed)}).
   */
  static String ended(dev.underway.kernel.RunState state) {
    dev.underway.kernel.Outcome o = state == null ? null : dev.underway.kernel.Outcome.of(state);
    return o == null ? String.valueOf(state)
        : state + " (" + o.meaning() + "; in Temporal: " + o.executionStatus() + ")";
  }

  /** What the server knows of a run when no worker can answer its status query. */
  static String serverSide(String workflowId, WorkflowExecutionDescription d, String why) {
    StringBuilder b = new StringBuilder();
    b.append("Run ").append(workflowId).append(" (as the Temporal server sees it: ")
        .append(why).append(")\n");
    line(b, "status", d.getStatus().name().replace("WORKFLOW_EXECUTION_STATUS_", ""));
    line(b, "type", d.getWorkflowType());
    line(b, "task queue", d.getTaskQueue());
    line(b, "started", String.valueOf(d.getStartTime()));
    for (var key : SearchAttributes.ALL) {
      String value = d.getTypedSearchAttributes().get(key);
      line(b, key.getName(), value == null || value.isEmpty() ? "-" : value);
    }
    b.append("The run's own status (gate text, plan, decisions, timeline) is answered by a"
        + " worker: start one and run status again.\n");
    return b.toString();
  }

  static String decision(Decision d) {
    return d.at() + "  " + d.who() + " " + (d.kind() == null ? "?" : d.kind().json())
        + " gate " + d.gate() + " via " + d.via() + ": "
        + (d.accepted() ? "accepted" : "NOT accepted (" + d.note() + ")")
        + (d.comment() == null ? "" : " - \"" + d.comment() + "\"");
  }

  /** A schema change's plan, as {@code underway plan} prints it. */
  static String schemaPlan(dev.underway.workflows.schema.SchemaPlan p) {
    if (p == null) {
      return "";
    }
    StringBuilder b = new StringBuilder();
    b.append("Table ").append(p.table()).append(": ").append(p.kind()).append('\n');
    b.append("  key:      ").append(p.key()).append(' ').append(p.keyColumns()).append('\n');
    b.append("  rows:     ").append(p.rows()).append(p.rowsExact() ? "" : " (estimated)")
        .append(", ").append(p.bytes()).append(" bytes\n");
    if (p.keyWalk() != null) {
      b.append("  walk:     ").append(p.keyWalk()).append('\n');
    }
    b.append("  expand:   add ").append(p.add()).append(", trigger ")
        .append(p.objects().trigger()).append('\n');
    b.append("  tables:   ").append(p.bookkeeping()).append('\n');
    b.append("  flags:    ").append(p.objects().readsFlag()).append(", ")
        .append(p.objects().writesFlag()).append('\n');
    b.append("  contract: drop ").append(p.drop()).append(" (approval types \"")
        .append(p.confirm()).append("\")\n");
    for (String s : p.standbys()) {
      b.append("  standby:  ").append(s).append('\n');
    }
    for (String c : p.costs()) {
      b.append("  cost:     ").append(c).append('\n');
    }
    for (String w : p.warnings()) {
      b.append("  ! ").append(w).append('\n');
    }
    return b.append('\n').toString();
  }

  static String plans(List<PhasePlan> plans) {
    StringBuilder b = new StringBuilder();
    for (PhasePlan p : plans) {
      b.append("Phase ").append(p.phase());
      if (p.alreadyThere()) {
        b.append(": already there (").append(p.nodesAfter()).append(" node(s), RF ")
            .append(p.replicationAfter()).append("), nothing to do\n");
      } else {
        b.append(": ").append(p.changes().size()).append(" change(s)\n");
      }
      b.append("  nodes:               ").append(p.nodesBefore()).append(" -> ")
          .append(p.nodesAfter()).append('\n');
      b.append("  replication factor:  ").append(p.replicationBefore()).append(" -> ")
          .append(p.replicationAfter()).append('\n');
      b.append("  failures tolerated:  ").append(p.failuresToleratedBefore()).append(" -> ")
          .append(p.failuresToleratedAfter()).append('\n');
      for (int i = 0; i < p.changes().size(); i++) {
        b.append("  ").append(i + 1).append(". ").append(p.changes().get(i)).append('\n');
      }
      for (String w : p.warnings()) {
        b.append("  ! ").append(w).append('\n');
      }
      b.append('\n');
    }
    return b.toString();
  }

  /** A run's result, whatever its runbook: its state, where it stopped and its message. */
  static String result(JsonNode r) {
    if (r.has("drifted")) {
      return (r.path("drifted").asBoolean() ? "Drifted: " + r.path("drift") : "No drift")
          + " (" + r.path("summary").asText() + ")\n";
    }
    StringBuilder b = new StringBuilder();
    b.append("Ended ").append(r.path("state").asText("?"));
    if (r.hasNonNull("stoppedAt")) {
      b.append(" at ").append(r.path("stoppedAt").asText());
    }
    b.append(": ").append(r.path("message").asText()).append('\n');
    return b.toString();
  }

  private static void line(StringBuilder b, String label, String value) {
    b.append("  ").append(pad(label + ":", 14)).append(value).append('\n');
  }

  private static void indent(StringBuilder b, String text, String prefix) {
    for (String l : text.split("\n", -1)) {
      if (!l.isEmpty()) {
        b.append(prefix).append(l).append('\n');
      }
    }
  }

  private static String pad(String s, int width) {
    return s.length() >= width ? s : s + " ".repeat(width - s.length());
  }

  private static String nullToDash(String s) {
    return s == null ? "-" : s;
  }
}
