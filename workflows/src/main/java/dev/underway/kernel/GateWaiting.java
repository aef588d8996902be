package dev.underway.kernel;

import io.temporal.workflow.CancellationScope;
import io.temporal.workflow.Promise;
import io.temporal.workflow.TimerOptions;
import io.temporal.workflow.Workflow;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.slf4j.Logger;

/**
 * Opens a gate and waits until it is decided (approve once enough approvals came, reject,
 * abort), expires, or the runbook interrupts the wait; says which as a {@link GateOutcome} and
 * in the gate's timeline entry.
 */
final class GateWaiting {

  private static final Logger log = Workflow.getLogger(GateWaiting.class);

  private final RunView view;
  private final Decisions decisions;
  private final Timeline timeline;
  /** Why the open gate's wait was ended without a decision; null when it was not. */
  private String interruption;

  GateWaiting(RunView view, Decisions decisions, Timeline timeline) {
    this.view = view;
    this.decisions = decisions;
    this.timeline = timeline;
  }

  GateOutcome open(Gate gate) {
    Sequence sequence = view.sequence();
    timeline.step(gate.stage(), Run.GATE);
    String opened = Timeline.now();
    String expires = gate.expiry() == null ? null
        : Instant.ofEpochMilli(Workflow.currentTimeMillis()).plus(gate.expiry()).toString();
    String workflowId = Workflow.getInfo().getWorkflowId();
    String shown = sequence.checksFreshness() ? gate.digest() : null;
    String text = gate.text() + view.commands().text(workflowId, gate.name(), shown,
        gate.confirm());
    interruption = null;
    view.gateOpened(new GateView(gate.name(), gate.stage(), text, opened, expires, shown,
        gate.confirm()), gate.card());
    log.info("Gate {} open for {}; waiting for a decision", gate.name(), view.target());

    boolean decided = sequence.waitsOnNamedTimers() ? waitOnTimers(gate) : waitAsFirst(gate);
    view.gateClosed();
    return outcome(gate, decided);
  }

  private GateOutcome outcome(Gate gate, boolean decided) {
    if (interruption != null && decisions.abort() == null) {
      timeline.finish(Timeline.INTERRUPTED, "interrupted before a decision: " + interruption
          + (decisions.pending() == null ? "" : " (the " + decisions.pending().kind().json()
              + " by " + decisions.pending().by() + " was not acted on)"));
      return new GateOutcome.Interrupted(interruption);
    }
    if (!decided) {
      timeline.finish(Timeline.EXPIRED, "no decision within " + gate.expiry()
          + "; recorded as expired, not approved");
      return new GateOutcome.Expired(gate.expiry());
    }
    Decision d = decisions.abort() != null ? decisions.abort() : decisions.pending();
    String verb = switch (d.kind()) {
      case APPROVE -> "approved";
      case REJECT -> "rejected";
      case ABORT -> "aborted";
    };
    timeline.finish(verb, verb + " by " + decisions.deciders(d) + " at " + d.at()
        + (d.comment() == null ? "" : ": " + d.comment()));
    return switch (d.kind()) {
      case APPROVE -> new GateOutcome.Approved(decisions.approvalsSoFar());
      case REJECT -> new GateOutcome.Rejected(d);
      case ABORT -> new GateOutcome.Aborted(d);
    };
  }

  /**
   * Ends the wait of the gate open now without a decision: it returns {@link
   * GateOutcome.Interrupted} with {@code why} (an accepted abort still wins). False, changing
   * nothing, when no gate is open.
   */
  boolean interrupt(String why) {
    if (decisions.open() == null) {
      return false;
    }
    interruption = why;
    return true;
  }

  private boolean decidedOrAborted() {
    return decisions.pending() != null || decisions.abort() != null || interruption != null;
  }

  /** The first sequences: a timer only when the gate expires. */
  private boolean waitAsFirst(Gate gate) {
    if (gate.expiry() == null) {
      Workflow.await(this::decidedOrAborted);
      return true;
    }
    return Workflow.await(gate.expiry(), this::decidedOrAborted);
  }

  /**
   * The wait is a named timer the run's page shows as a bar, until the expiry, or in windows of
   * {@link Run#GATE_WINDOW} started again when the gate has none. Where the run's sequence says
   * so ({@link Sequence#GATE_TIMER_ENDS}), a decision cancels the timer: its bar ends there.
   */
  private boolean waitOnTimers(Gate gate) {
    boolean cancels = view.gateTimersEndAtDecision();
    while (true) {
      Duration window = gate.expiry() != null ? gate.expiry() : Run.GATE_WINDOW;
      TimerOptions named = TimerOptions.newBuilder()
          .setSummary(gate.stage() + " · gate " + gate.name() + ": waiting for a decision"
              + (gate.expiry() == null ? " (no expiry)" : " until it expires"))
          .build();
      List<Promise<Void>> timer = new ArrayList<>(1);
      CancellationScope scope = Workflow.newCancellationScope(
          () -> timer.add(Workflow.newTimer(window, named)));
      scope.run();
      Workflow.await(() -> decidedOrAborted() || timer.get(0).isCompleted());
      if (decidedOrAborted()) {
        if (cancels) {
          scope.cancel("gate " + gate.name() + " decided");
        }
        return true;
      }
      if (gate.expiry() != null) {
        return false;
      }
    }
  }
}
