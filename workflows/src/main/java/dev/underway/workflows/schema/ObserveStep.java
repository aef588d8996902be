package dev.underway.workflows.schema;

import dev.underway.kernel.Run;
import dev.underway.workflows.schema.contract.TableChange;
import dev.underway.workflows.schema.contract.TableObservation;

/** The table observed as a step of its own ({@code observe}), summed up on the timeline. */
final class ObserveStep {
  private ObserveStep() {}

  /** The observation at {@code stage}; an abort stops the run. */
  static TableObservation observe(Run run, SchemaChangeRequest request, String stage) {
    TableChange change = request.change();
    run.timeline().step(stage, SchemaChangeWorkflowImpl.OBSERVE);
    String probe = SchemaChangeWorkflowImpl.PLAN.equals(stage) ? request.latencyProbe() : null;
    TableObservation o = run.abortable("observing", () -> SchemaStubs.of(SchemaStubs.OBSERVE,
        stage + " · observe").observe(request.target(), change, probe));
    run.timeline().done(!o.tableExists() ? change.qualifiedTable() + " not found"
        : o.rows() + " row(s)" + (o.rowsExact() == null ? " (estimated)" : "") + ", "
            + o.bytes() + " bytes, key " + (o.key() == null ? "none" : o.key().name()) + ", "
            + (o.standbys() == null ? 0 : o.standbys().size()) + " standby(s)");
    return o;
  }
}
