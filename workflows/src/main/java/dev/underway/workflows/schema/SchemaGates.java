package dev.underway.workflows.schema;

import static dev.underway.workflows.schema.SchemaChangeWorkflowImpl.CONTRACT;

import dev.underway.kernel.Decision;
import dev.underway.kernel.Run;
import dev.underway.kernel.RunState;
import dev.underway.kernel.Timeline;

/**
 * A schema change's gates as the kernel opens them (the plan's digest, the request's expiry,
 * the contract's typed confirmation), and what each decision means for the run: go on, go back
 * to {@code switch-reads} (a revert interrupted the wait), or end.
 */
final class SchemaGates {

  /**
   * How a gate ended: {@code ends} is null when the run goes on ({@code back} when a revert sent
   * it back), otherwise how the run ends and its sentence.
   */
  record Outcome(boolean back, RunState ends, String text) {
    static final Outcome APPROVED = new Outcome(false, null, null);
    static final Outcome BACK = new Outcome(true, null, null);
  }

  private final Run run;
  private final SchemaChangeRequest request;
  private final SchemaPlan plan;
  private final String digest;

  SchemaGates(Run run, SchemaChangeRequest request, SchemaPlan plan, String digest) {
    this.run = run;
    this.request = request;
    this.plan = plan;
    this.digest = digest;
  }

  /** Opens {@code gate} showing {@code shown} and waits for its outcome. */
  Outcome open(String gate, GateTexts.Shown shown) {
    return outcome(gate, run.gate(gate, gate, shown.text(), shown.card(), digest,
        RequestValidation.gateExpiry(request), null));
  }

  /**
   * Opens the contract gate (its text made now, so that it shows the writers seen since old
   * writes stopped) and waits. Past the point of no return (a change without a down once writes
   * = new) a reject or an abort is refused and an expiry opens the gate again: the run holds
   * there until it is approved. {@code revertedMeanwhile} is asked before each opening: true
   * sends the run back without opening it.
   */
  Outcome contract(java.util.function.Supplier<GateTexts.Shown> shown,
      java.util.function.BooleanSupplier revertedMeanwhile) {
    while (true) {
      GateTexts.Shown now = shown.get();
      if (revertedMeanwhile.getAsBoolean()) {
        return Outcome.BACK;
      }
      Decision d = run.gate(CONTRACT, CONTRACT, now.text(), now.card(), digest,
          RequestValidation.gateExpiry(request), plan.confirm());
      if (d != null || run.interruption() != null || run.pointOfNoReturn() == null) {
        return outcome(CONTRACT, d);
      }
      run.timeline().record(CONTRACT, Run.HOLD, Timeline.COMPLETED, "the gate expired; past"
          + " the point of no return nothing rolls back: the gate opens again");
    }
  }

  /** What a gate's decision means for the run. */
  private Outcome outcome(String gate, Decision d) {
    if (d == null && run.interruption() != null) {
      return Outcome.BACK;
    }
    if (d == null) {
      return new Outcome(false, RunState.EXPIRED, "Gate " + gate + " expired after "
          + request.approvalOrDefault().gateExpiry() + " without a decision.");
    }
    return switch (d.kind()) {
      case APPROVE -> Outcome.APPROVED;
      case ABORT -> new Outcome(false, RunState.ABORTED, null);
      case REJECT -> new Outcome(false, RunState.REJECTED, "Gate " + gate + " rejected by "
          + d.by() + (d.comment() == null ? "" : " (" + d.comment() + ")") + ".");
    };
  }
}
