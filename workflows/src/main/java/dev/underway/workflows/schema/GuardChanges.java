package dev.underway.workflows.schema;

import dev.underway.guard.GuardState;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;

/**
 * The latency guard's changes of mode that the timeline has not shown yet. Each progress read
 * carries the guard's last {@value
 * dev.underway.workflows.schema.contract.BackfillProgress#GUARD_CHANGES_KEPT} changes, each with
 * its {@code since}; this remembers the newest one shown and returns only those after it, so a
 * change read twice is shown once. Many changes between two reads (a guard that flaps) are shown
 * as the newest {@value #SHOWN_PER_READ} and one line counting the others, so that a backfill of
 * days keeps a timeline a person can read. Workflow-side bookkeeping only: no commands.
 */
final class GuardChanges {

  /** The most changes shown one by one per progress read. */
  static final int SHOWN_PER_READ = 3;

  /** The step name of the guard's entries in the timeline. */
  static final String STEP = "latency-guard";

  private Instant newestShown;

  /**
   * The timeline's lines for the changes in {@code changes} newer than those shown before, oldest
   * first; remembers them as shown. Changes without a readable {@code since} are skipped (they
   * cannot be told apart from those already shown).
   */
  List<String> newLines(List<GuardState> changes) {
    if (changes == null || changes.isEmpty()) {
      return List.of();
    }
    List<GuardState> fresh = new ArrayList<>();
    Instant newest = newestShown;
    for (GuardState c : changes) {
      Instant since = parse(c == null ? null : c.since());
      if (since != null && (newestShown == null || since.isAfter(newestShown))) {
        fresh.add(c);
        newest = newest == null || since.isAfter(newest) ? since : newest;
      }
    }
    newestShown = newest;
    fresh.sort(java.util.Comparator.comparing(c -> parse(c.since())));
    List<String> lines = new ArrayList<>();
    int skipped = Math.max(0, fresh.size() - SHOWN_PER_READ);
    if (skipped > 0) {
      lines.add(skipped + " earlier change(s) of the latency guard's mode between "
          + BackfillCard.toSeconds(fresh.get(0).since()) + " and "
          + BackfillCard.toSeconds(fresh.get(skipped - 1).since()) + " (not listed)");
    }
    for (GuardState c : fresh.subList(skipped, fresh.size())) {
      lines.add(line(c));
    }
    return lines;
  }

  /** {@code latency guard slowed: ..., duty 40% — reason (since 2026-12-07T21:20:36Z)}. */
  static String line(GuardState c) {
    return c.summary() + " (since " + BackfillCard.toSeconds(c.since()) + ")";
  }

  private static Instant parse(String since) {
    try {
      return since == null ? null : Instant.parse(since);
    } catch (DateTimeParseException e) {
      return null;
    }
  }
}
