package dev.underway.workflows.schema;

import dev.underway.guard.GuardState;
import dev.underway.workflows.schema.contract.BackfillControl;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The latency guard's state in words, as the status and the run's page show it: its mode and
 * why, the foreground's p99 against its baseline, the budget and where it comes from, the duty
 * cycle. Pure.
 */
final class GuardTexts {
  private GuardTexts() {}

  /** {@code 1.25x}, {@code 1.5x}, {@code 2x}: a ratio as the guard's sentences write it. */
  static String ratio(double r) {
    String s = String.format(Locale.ROOT, "%.2f", r);
    s = s.contains(".") ? s.replaceAll("0+$", "").replaceAll("\\.$", "") : s;
    return s + "x";
  }

  /** Whether the guard holds the step back now (its rate is lowered). */
  static boolean slowing(GuardState g) {
    return GuardState.SLOWED.equals(g.mode()) || GuardState.FLOOR.equals(g.mode());
  }

  /**
   * What the step does now, for a step the guard runs and nothing pauses: {@code running},
   * {@code running, slowed by the latency guard: <why>}, or the baseline being sampled.
   */
  static String state(GuardState g) {
    if (GuardState.BASELINE.equals(g.mode())) {
      return "running: the latency guard samples the foreground's baseline p99 before the first"
          + " batch";
    }
    if (slowing(g)) {
      return "running, slowed by the latency guard" + (g.reason() == null ? ""
          : ": " + g.reason());
    }
    return "running";
  }

  /** The card's lines ({@code name: value}) for the guard's state. */
  static List<String> lines(GuardState g, BackfillControl control) {
    List<String> out = new ArrayList<>();
    String mode = switch (g.mode() == null ? "" : g.mode()) {
      case GuardState.BASELINE -> "sampling the baseline";
      case GuardState.FREE -> "free (within budget)";
      case GuardState.SLOWED -> "slowed";
      case GuardState.FLOOR -> "at its floor (the backfill keeps its minimum rate)";
      case GuardState.OFF -> "off (no guard: full rate)";
      default -> String.valueOf(g.mode());
    };
    out.add("Latency guard: " + mode + (g.reason() == null || GuardState.FREE.equals(g.mode())
        ? "" : " — " + g.reason()) + (g.since() == null ? ""
        : " (since " + BackfillCard.toSeconds(g.since()) + ")"));
    if (GuardState.OFF.equals(g.mode())) {
      return out;
    }
    StringBuilder p99 = new StringBuilder("Foreground p99: ");
    p99.append(g.p99Ms() == null ? "not measured yet" : ms(g.p99Ms()) + " now");
    if (g.p99Ratio() != null) {
      p99.append(" (").append(ratio(g.p99Ratio())).append(" the baseline)");
    }
    p99.append(", baseline ").append(g.baselineP99Ms() == null ? "being sampled"
        : ms(g.baselineP99Ms()));
    out.add(p99.toString());
    if (g.budgetMs() != null) {
      out.add("Budget: " + ms(g.budgetMs()) + (g.ratio() == null ? " (an absolute budget)"
          : " (" + ratio(g.ratio()) + " the baseline, or the floor when higher"
              + (control != null && control.ratio() != null ? "; ratio set by set-ratio" : "")
              + ")"));
    }
    out.add("Duty cycle: " + Math.round(g.duty() * 100) + "%" + (g.restMillis() == null
        || g.restMillis() == 0 ? "" : " (rests " + g.restMillis() + " ms after each slice of"
        + " work)"));
    return out;
  }

  private static String ms(double v) {
    return String.format(Locale.ROOT, "%.1f ms", v);
  }
}
