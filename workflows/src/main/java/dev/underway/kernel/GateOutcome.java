package dev.underway.kernel;

import java.time.Duration;
import java.util.List;

/**
 * How a gate's wait ended: one of five, never null. Only {@link Approved} lets a runbook go on;
 * for the others it ends its body ({@link RunStopped}) with its own words, or (a runbook past
 * its point of no return) opens the gate again.
 */
public sealed interface GateOutcome {

  /** Approved: enough distinct approvers accepted (N-of-M), in the order they approved. */
  record Approved(List<Decision> decisions) implements GateOutcome {
    public Approved {
      decisions = List.copyOf(decisions);
    }

    /** The approval that opened the gate (the last one). */
    public Decision last() {
      return decisions.get(decisions.size() - 1);
    }
  }

  /** Rejected by {@code decision}. */
  record Rejected(Decision decision) implements GateOutcome {}

  /** An abort was accepted while the gate waited (it wins over any other decision). */
  record Aborted(Decision decision) implements GateOutcome {}

  /** No decision within {@code after}: never taken as an approval. */
  record Expired(Duration after) implements GateOutcome {}

  /** The runbook ended the wait without a decision ({@code Run.interruptGate}), for {@code why}. */
  record Interrupted(String why) implements GateOutcome {}
}
