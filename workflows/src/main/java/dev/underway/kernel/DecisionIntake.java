package dev.underway.kernel;

import io.temporal.failure.ApplicationFailure;
import io.temporal.workflow.Workflow;
import io.temporal.workflow.WorkflowLock;
import org.slf4j.Logger;

/**
 * Takes the decisions the handlers receive (signals for scripts, the validated {@code decide}
 * update for people) to {@link Decisions}; an accepted abort also cancels the step in progress.
 */
final class DecisionIntake {

  private static final Logger log = Workflow.getLogger(DecisionIntake.class);

  private final Decisions decisions;
  private final RunView view;
  private final AbortableSteps steps;
  private final SenderLookup senders = new SenderLookup();
  /**
   * Decisions are taken one at a time, in the order they arrived, although each waits for its
   * sender's lookup: without it, two decisions in one workflow task were recorded in the order
   * their lookups finished.
   */
  private final WorkflowLock arrivals = Workflow.newWorkflowLock();

  DecisionIntake(Decisions decisions, RunView view, AbortableSteps steps) {
    this.decisions = decisions;
    this.view = view;
    this.steps = steps;
  }

  /** At the start of a run with gates: whether it records senders (see {@link SenderLookup}). */
  void start() {
    senders.decide();
  }

  /**
   * A decision by signal: recorded with who Temporal says sent it (see {@link SenderLookup}),
   * acted on only when accepted.
   */
  void signal(DecisionKind kind, DecisionSignal s) {
    long arrived = Workflow.currentTimeMillis();
    int ordinal = senders.signalReceived();
    if (!senders.records()) {
      receive(kind, s, "signal", null, arrived);
      return;
    }
    arrivals.lock();
    try {
      receive(kind, s, "signal", senders.ofSignal(ordinal), arrived);
    } finally {
      arrivals.unlock();
    }
  }

  /** The {@code decide} update's validator: refuses with one sentence, changes nothing. */
  void validate(DecisionRequest r) {
    if (r == null) {
      throw new DecisionRefused("empty decision: send {\"gate\": ..., \"decision\":"
          + " \"approve|reject|abort\", \"by\": ...}");
    }
    String fields = r.fieldRefusal();
    if (fields != null) {
      throw new DecisionRefused(fields);
    }
    DecisionKind kind = DecisionKind.parse(r.decision());
    if (kind == null) {
      throw new DecisionRefused("decision '" + r.decision()
          + "' is not one of approve, reject, abort");
    }
    GateView open = decisions.open();
    if (kind != DecisionKind.ABORT && (r.gate() == null || r.gate().isBlank())) {
      throw new DecisionRefused("name the gate you decide"
          + (open == null ? " (no gate is open now)" : " (open now: " + open.gate() + ")"));
    }
    String refusal = decisions.refusal(kind, r.asSignal(), view.position(),
        Workflow.currentTimeMillis());
    if (refusal != null) {
      throw new DecisionRefused(refusal);
    }
  }

  /**
   * The {@code decide} update, once validated: recorded with who Temporal says sent it. Where
   * the run records senders, a decision refused now (by a check only the sender can answer,
   * such as {@code approval.requireIdentity}, or because the run moved on since the validator
   * ran) fails the update with the refusal, so the caller is told.
   */
  Decision decide(DecisionRequest r) {
    long arrived = Workflow.currentTimeMillis();
    DecisionKind kind = DecisionKind.parse(r.decision());
    if (!senders.records()) {
      return receive(kind, r.asSignal(), "update", null, arrived);
    }
    Decision d;
    arrivals.lock();
    try {
      d = receive(kind, r.asSignal(), "update", senders.ofUpdate(), arrived);
    } finally {
      arrivals.unlock();
    }
    if (!d.accepted()) {
      throw ApplicationFailure.newNonRetryableFailure(d.note(), DecisionRefused.class.getName());
    }
    return d;
  }

  /** {@code arrived}: when the decision reached the run (before its sender was looked up). */
  private Decision receive(DecisionKind kind, DecisionSignal s, String via, Sender sender,
      long arrived) {
    Decision d = decisions.receive(kind, s, via, view.position(), arrived, sender);
    if (!d.accepted()) {
      log.warn("Ignored {} {} from {}: {}", via, kind == null ? "?" : kind.json(), d.who(),
          d.note());
    } else if (kind == DecisionKind.ABORT) {
      steps.cancelRunning("aborted by " + d.by());
    }
    if (d.accepted()) {
      // the run's page changes in the workflow task that accepts the decision: an approval
      // that is not yet the last one needed shows at once (no command: a query answers it)
      view.refresh();
    }
    return d;
  }
}
