package dev.underway.workflows.schema;

import static dev.underway.workflows.schema.SchemaChangeWorkflowImpl.CONTRACT;
import static dev.underway.workflows.schema.SchemaChangeWorkflowImpl.VERIFY;

import dev.underway.kernel.Run;
import dev.underway.kernel.Timeline;
import dev.underway.workflows.schema.contract.TableChange;
import dev.underway.workflows.schema.contract.VerifyResult;
import dev.underway.workflows.schema.contract.VerifySettings;
import java.util.List;

/**
 * Every row compared with what {@code up} makes of it: after the backfill (step {@code verify})
 * and, with evidence before a drop, once more just before the contract drops the old columns.
 * The run holds (state HOLDING) while rows differ.
 */
final class Verification {

  private final Run run;
  private final SchemaChangeRequest request;
  private final TableChange change;
  private final SchemaPlan plan;
  private VerifyResult verified;

  /** The latency guard's settings for the verify's reads; null in runs started before it. */
  private final dev.underway.guard.GuardSettings guard;

  /** @param guarded whether the run began with the latency guard (its reads rest as it says) */
  Verification(Run run, SchemaChangeRequest request, SchemaPlan plan, boolean guarded) {
    this.guard = guarded ? request.guardSettings() : null;
    this.run = run;
    this.request = request;
    this.change = request.change();
    this.plan = plan;
  }

  /** The last verification's figures, null before the first. */
  VerifyResult result() {
    return verified;
  }

  /** Verify every row; hold while rows differ. An abort stops the run. */
  void afterBackfill() {
    check(VERIFY, "verifying");
  }

  /**
   * Every row once more, just before the contract drops the old columns, after the writers went
   * quiet: a writer that got past the sync trigger shows here, not after the drop. Only a change
   * with a down for every replaced column can be checked once writes are new (otherwise the old
   * column is stale by design); an abort stops the run.
   */
  void beforeContract() {
    if (!plan.reversible() || change.replaceOrEmpty().isEmpty()) {
      run.timeline().record(CONTRACT, VERIFY, Timeline.SKIPPED, change.replaceOrEmpty().isEmpty()
          ? "nothing is dropped but the sync: the new column is the application's now"
          : "no down: once old writes stopped the old column is not kept, nothing to compare");
      return;
    }
    check(CONTRACT, "verifying before the contract");
  }

  private void check(String stage, String doing) {
    run.timeline().step(stage, VERIFY);
    VerifyResult v = run.abortable(doing, this::once);
    if (VERIFY.equals(stage)) {
      verified = v;
    }
    run.timeline().done(v.rowsChecked() + " row(s) checked, " + v.mismatches()
        + " mismatch(es)");
    verified = run.holdUntilHealthy(stage, v, Verification::mismatches, this::once);
  }

  /** Why the run holds after a verification: the rows that differ; empty when none. */
  static List<String> mismatches(VerifyResult v) {
    return v.mismatches() == 0 ? List.of() : List.of(v.mismatches() + " of " + v.rowsChecked()
        + " row(s) differ from up(old), e.g. keys " + v.sampleKeys() + ": fix them (or the"
        + " expression, in a new run), or abort to roll back");
  }

  private VerifyResult once() {
    return SchemaStubs.of(SchemaStubs.WALK, "verify").verify(request.target(), change,
        new VerifySettings(plan.keyColumns(), VerifySettings.DEFAULT_CHUNK_SIZE,
            VerifySettings.DEFAULT_SAMPLE_LIMIT, guard));
  }
}
