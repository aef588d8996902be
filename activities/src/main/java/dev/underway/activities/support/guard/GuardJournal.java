package dev.underway.activities.support.guard;

import dev.underway.guard.GuardState;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;

/**
 * The guard's state now and its last {@value #KEPT} changes of mode, oldest first (the
 * backfill's progress carries them for the timeline). A state continued from an earlier attempt
 * is not a change. Thread-safe.
 */
final class GuardJournal {

  /** The most changes of mode kept. */
  static final int KEPT = 20;

  private final Deque<GuardState> changes = new ArrayDeque<>();
  private volatile GuardState state;

  /** @param earlier the changes an earlier attempt recorded (null: none) */
  GuardJournal(List<GuardState> earlier) {
    if (earlier != null) {
      earlier.stream().skip(Math.max(0, earlier.size() - KEPT)).forEach(changes::add);
    }
  }

  /** Makes {@code next} the state; a change of mode when it is one and not {@code continued}. */
  synchronized void publish(GuardState next, boolean continued) {
    GuardState before = state;
    state = next;
    if (!continued && (before == null || !before.mode().equals(next.mode()))) {
      changes.addLast(next);
      while (changes.size() > KEPT) {
        changes.removeFirst();
      }
    }
  }

  GuardState state() {
    return state;
  }

  synchronized List<GuardState> changes() {
    return List.copyOf(changes);
  }
}
