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

  record Gate(GateView view, PlanCard card, ApprovalPolicy policy, List<Decision> approvals) {}

  static String render(String runbook, String target, RunState state, String position,
      String message, Gate gate, List<String> commands) {
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
      if (!card.table().isEmpty()) {
        b.append("| | before | after |\n|---|---|---|\n");
        for (PlanCard.Row r : card.table()) {
          b.append("| ").append(r.what()).append(" | ").append(r.before()).append(" | ")
              .append(r.after()).append(" |\n");
        }
        b.append('\n');
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
        .append(p.selfApprovalAllowed() ? "" : " (not the requester)")
        .append(required > 1 ? " · " + required + " approvals needed, " + g.approvals().size()
            + " so far" + (g.approvals().isEmpty() ? "" : " (" + String.join(", ",
                g.approvals().stream().map(Decision::by).toList()) + ")") : "")
        .append("\n\n");
    if (v.plan() != null) {
      b.append("**Plan digest:** `").append(v.plan()).append("`\n\n");
    }
    if (v.confirm() != null) {
      b.append("**Destructive gate:** an approval must carry `\"confirm\"` with the name of what"
          + " it drops, typed exactly: `").append(v.confirm()).append("` (replace `")
          .append(DecideCommands.CONFIRM_PLACEHOLDER).append("` below)\n\n");
    }
    b.append("**Decide:** *Send an Update* → `decide`, with this input (refusals are shown in"
        + " the dialog):\n\n```json\n")
        .append(DecideCommands.json(v.gate(), "approve", v.plan(), v.confirm() != null))
        .append("\n```\n\n")
        .append("To reject, `\"decision\":\"reject\"`. From a shell:\n\n```\n")
        .append(String.join("\n", commands)).append("\n```\n");
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
