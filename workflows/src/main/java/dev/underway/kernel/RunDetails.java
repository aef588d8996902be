package dev.underway.kernel;

import java.util.List;

/**
 * The run's page in the Temporal UI, in Markdown (the workflow's current details): what the run
 * is, where it is, and while a gate is open, the gate card — the plan as a before/after table,
 * the changes in order, the warnings in bold, who may approve, when it expires, the plan's
 * digest and a ready-to-paste {@code decide} input. Pure.
 */
final class RunDetails {
  private RunDetails() {}

  /** The open gate as the card shows it; {@code requester} names who asked, or null. */
  record Gate(GateView view, PlanCard card, ApprovalPolicy policy, List<Decision> approvals,
      String requester) {
    Gate(GateView view, PlanCard card, ApprovalPolicy policy, List<Decision> approvals) {
      this(view, card, policy, approvals, null);
    }
  }

  static String render(String runbook, String target, RunState state, String position,
      String message, Gate gate, List<String> commands) {
    return render(runbook, target, state, position, message, null, gate, commands);
  }

  /** As above, with the running step's progress (null for none), shown while it runs. */
  static String render(String runbook, String target, RunState state, String position,
      String message, StepProgress progress, Gate gate, List<String> commands) {
    StringBuilder b = new StringBuilder();
    b.append("### ").append(runbook).append(target == null ? "" : " · " + target).append("\n\n");
    if (gate != null) {
      gateCard(b, gate, commands);
      return b.toString();
    }
    b.append(words(state));
    if (!state.terminal() && position != null) {
      b.append(" — at `").append(position).append('`');
    }
    b.append("\n");
    if (progress != null && !state.terminal()) {
      b.append("\n**Progress**").append(progress.at() == null ? ""
          : " (as of " + progress.at() + ")").append("\n\n").append(progress.markdown());
    }
    if (message != null) {
      b.append("\n").append(text(message)).append("\n");
    }
    return b.toString();
  }

  private static void gateCard(StringBuilder b, Gate g, List<String> commands) {
    GateView v = g.view();
    b.append("**Waiting for approval at gate `").append(v.gate()).append("`**")
        .append(" — opened ").append(v.openedAt())
        .append(v.expiresAt() == null ? ", no expiry" : ", expires " + v.expiresAt())
        .append("\n\n");
    PlanCard card = g.card();
    if (card != null) {
      b.append("**").append(text(card.title())).append("**\n\n");
      table(b, card.table());
      if (!card.sql().isEmpty()) {
        b.append("**SQL it applies**\n\n```sql\n").append(String.join("\n", card.sql()))
            .append("\n```\n\n");
      }
      b.append("**Changes, in order**\n\n");
      for (int i = 0; i < card.changes().size(); i++) {
        b.append(i + 1).append(". ").append(text(card.changes().get(i))).append('\n');
      }
      if (!card.warnings().isEmpty()) {
        b.append("\n**Warnings**\n\n");
        for (String w : card.warnings()) {
          b.append("- **").append(text(w)).append("**\n");
        }
      }
      b.append('\n');
    }
    ApprovalPolicy p = g.policy();
    int required = p.requiredApprovalsOrDefault();
    b.append("**Who may approve:** ").append(p.approversOrEmpty().isEmpty() ? "anyone"
            : String.join(", ", p.approversOrEmpty()))
        .append(p.selfApprovalAllowed() ? "" : g.requester() == null ? " (not the requester)"
            : " (not the requester, " + text(g.requester()) + ")")
        .append(p.identityRequired() ? " · with a Temporal identity" : "")
        .append(required > 1 ? " · " + required + " approvals needed, " + g.approvals().size()
            + " so far" + (g.approvals().isEmpty() ? "" : " (" + String.join(", ",
                g.approvals().stream().map(Decision::who).toList()) + ")") : "")
        .append("\n\n");
    if (v.plan() != null) {
      b.append("**Plan digest:** `").append(v.plan()).append("`\n\n");
    }
    if (v.confirm() != null) {
      b.append("**Destructive gate:** an approval must carry `\"confirm\"` with the name of what"
          + " it drops, typed exactly: `").append(v.confirm()).append("` (the input below"
          + " carries it: approve only if that is what you mean to drop)\n\n");
    }
    b.append("**Decide:** *Send an Update* → `decide`, with this input (refusals are shown in"
        + " the dialog):\n\n```json\n")
        .append(onShortLines(DecideCommands.json(v.gate(), "approve", v.plan(), v.confirm())))
        .append("\n```\n\n")
        .append("To reject, `\"decision\":\"reject\"`. From a shell:\n\n```\n")
        .append(String.join("\n", commands)).append("\n```\n");
  }

  /**
   * The before/after table with only the rows that change (before given and not the same as
   * after); the others are facts, listed above it as {@code what: value}.
   */
  private static void table(StringBuilder b, List<PlanCard.Row> rows) {
    List<PlanCard.Row> changing = rows.stream().filter(RunDetails::changes).toList();
    for (PlanCard.Row r : rows) {
      if (!changes(r)) {
        b.append("- **").append(text(r.what())).append(":** ").append(text(r.after()))
            .append('\n');
      }
    }
    if (changing.size() < rows.size()) {
      b.append('\n');
    }
    if (!changing.isEmpty()) {
      b.append("| what changes | before | after |\n|---|---|---|\n");
      for (PlanCard.Row r : changing) {
        b.append("| ").append(cell(r.what())).append(" | ").append(cell(r.before()))
            .append(" | ").append(cell(r.after())).append(" |\n");
      }
      b.append('\n');
    }
  }

  /** Whether a row is a change: it has a before, and the after differs from it. */
  static boolean changes(PlanCard.Row r) {
    return r.before() != null && !r.before().isBlank() && !r.before().equals(r.after());
  }

  private static String cell(String s) {
    return s == null ? "" : text(s);
  }

  /**
   * The decide input on short lines (each fits a narrow page; still one JSON value as pasted):
   * the gate, decision and plan; the confirmation, when asked for; who and why.
   */
  static String onShortLines(String json) {
    return json.replace(",\"confirm\":", ",\n \"confirm\":").replace(",\"by\":", ",\n \"by\":");
  }

  /** Free text as Markdown shows it literally: its brackets, stars and the like escaped. */
  static String text(String s) {
    return s.replaceAll("([\\\\`*_\\[\\]<>|#])", "\\\\$1");
  }

  /**
   * The state in words; an ended run's in the {@link Outcome} vocabulary, with the status
   * Temporal shows for it when that is another word (a rejected run shows Failed).
   */
  private static String words(RunState state) {
    Outcome ended = Outcome.of(state);
    if (ended != null) {
      return "**" + ended.word() + "**" + (ended.word().equals(ended.executionStatus()) ? ""
          : " (" + ended.meaning() + "; in Temporal: " + ended.executionStatus() + ")");
    }
    return switch (state) {
      case WAITING_FOR_APPROVAL -> "**Waiting for approval**";
      case HOLDING -> "**Holding**";
      default -> "**Running**";
    };
  }
}
