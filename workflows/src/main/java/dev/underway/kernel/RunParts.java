package dev.underway.kernel;

/**
 * The parts a {@link Run} is made of, each one idea, wired to each other once. Package-private:
 * runbooks see the façade only.
 */
abstract class RunParts {

  final Timeline timeline = new Timeline();
  final Decisions decisions = new Decisions();
  final RunView view;
  final AbortableSteps steps;
  final GateWaiting gates;
  final DecisionIntake intake;
  final Holding holding;
  final Compensations compensations;
  final Endings endings;

  RunParts(String runbook, String temporalAddress) {
    view = new RunView(runbook, temporalAddress, timeline, decisions);
    steps = new AbortableSteps(decisions, view, timeline);
    gates = new GateWaiting(view, decisions, timeline);
    intake = new DecisionIntake(decisions, view, steps);
    holding = new Holding(view, timeline, steps);
    compensations = new Compensations(timeline);
    endings = new Endings(view, timeline, decisions, compensations);
  }
}
