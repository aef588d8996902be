package dev.underway.workflows.schema;

import static dev.underway.workflows.schema.SchemaChangeWorkflowImpl.CONTRACT;

import dev.underway.kernel.Ending;
import dev.underway.kernel.Gate;
import dev.underway.kernel.GateOutcome;
import dev.underway.kernel.Run;
import dev.underway.kernel.Timeline;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;

/**
 * A schema change's gates as the kernel opens them (the plan's digest, the request's expiry,
 * the contract's typed confirmation), and what each outcome means for the run: approved, it
 * goes on; interrupted (a revert), it goes back to {@code switch-reads}; otherwise it ends
 * ({@link #notApproved}).
 */
final class SchemaGates {

  /** Why the contract gate did not open: a revert came in while its text was being made. */
  static final String REVERTED_BEFORE = "reverted before the gate opened";

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
  GateOutcome open(String gate, GateTexts.Shown shown) {
    return run.gate(new Gate(gate, gate, shown.text(), shown.card(), digest,
        RequestValidation.gateExpiry(request)));
  }

  /**
   * Opens the contract gate (its text made now, so that it shows the writers seen since old
   * writes stopped) and waits. Past the point of no return (a change without a down once writes
   * = new) a reject or an abort is refused and an expiry opens the gate again: the run holds
   * there until it is approved. {@code revertedMeanwhile} is asked before each opening: true
   * sends the run back without opening it ({@link GateOutcome.Interrupted}).
   */
  GateOutcome contract(Supplier<GateTexts.Shown> shown, BooleanSupplier revertedMeanwhile) {
    while (true) {
      GateTexts.Shown now = shown.get();
      if (revertedMeanwhile.getAsBoolean()) {
        return new GateOutcome.Interrupted(REVERTED_BEFORE);
      }
      GateOutcome o = run.gate(new Gate(CONTRACT, CONTRACT, now.text(), now.card(), digest,
          RequestValidation.gateExpiry(request), plan.confirm()));
      if (!(o instanceof GateOutcome.Expired) || run.pointOfNoReturn() == null) {
        return o;
      }
      run.timeline().record(CONTRACT, Run.HOLD, Timeline.COMPLETED, "the gate expired; past"
          + " the point of no return nothing rolls back: the gate opens again");
    }
  }

  /** How the run ends at {@code gate} rejected, expired or aborted (the rollback then runs). */
  Ending notApproved(String gate, GateOutcome o) {
    String at = gate + "/" + Run.GATE;
    if (o instanceof GateOutcome.Rejected r) {
      return Ending.rejected(at, "Gate " + gate + " rejected by " + r.decision().by()
          + (r.decision().comment() == null ? "" : " (" + r.decision().comment() + ")") + ".");
    }
    if (o instanceof GateOutcome.Expired) {
      return Ending.expired(at, "Gate " + gate + " expired after "
          + request.approvalOrDefault().gateExpiry() + " without a decision.");
    }
    return Ending.aborted();
  }
}
