package dev.underway.example.reindex;

import dev.underway.example.reindex.ReindexActivities.IndexState;
import dev.underway.kernel.ApprovalRules;
import dev.underway.kernel.Ending;
import dev.underway.kernel.FailureKind;
import dev.underway.kernel.FailureType;
import dev.underway.kernel.Gate;
import dev.underway.kernel.GateOutcome;
import dev.underway.kernel.GatedRunProtocol;
import dev.underway.kernel.PlanDigest;
import dev.underway.kernel.Run;
import dev.underway.kernel.RunSetup;
import dev.underway.kernel.RunStatus;
import dev.underway.kernel.Sequence;
import io.temporal.activity.ActivityOptions;
import io.temporal.common.RetryOptions;
import io.temporal.workflow.Workflow;
import java.time.Duration;
import java.util.List;

/**
 * Observe the index, gate, rebuild it, verify it is valid: the example runbook that {@code
 * docs/architecture.md}'s "Adding a runbook" follows, its body the business sequence on the
 * kernel's protocol ({@link GatedRunProtocol}).
 */
public class ReindexWorkflowImpl extends GatedRunProtocol<ReindexWorkflow.ReindexResult>
    implements ReindexWorkflow {

  /** The runbook's own refusal: the index is not there. */
  static final FailureType NO_SUCH_INDEX = FailureType.ofRefusal("NoSuchIndex");

  static final String STAGE = "reindex";
  static final String AT_GATE = STAGE + "/" + Run.GATE;

  /** Every step heartbeats within 30 s and retries without an attempt limit. */
  static final ActivityOptions STEPS = ActivityOptions.newBuilder()
      .setStartToCloseTimeout(Duration.ofHours(12)).setHeartbeatTimeout(Duration.ofSeconds(30))
      .setRetryOptions(RetryOptions.newBuilder().setMaximumInterval(Duration.ofSeconds(5)).build())
      .build();

  private final ReindexActivities database =
      Workflow.newActivityStub(ReindexActivities.class, STEPS);
  private final Run run = run();
  private IndexState before;
  private IndexState after;

  public ReindexWorkflowImpl() {
    this(null);
  }

  public ReindexWorkflowImpl(String temporalAddress) {
    super(RUNBOOK, temporalAddress, List.of(NO_SUCH_INDEX));
  }

  @Override
  public ReindexResult reindex(ReindexRequest given) {
    ReindexRequest r = given == null ? ReindexRequest.EMPTY : given;
    RunSetup setup = new RunSetup(r.targetKey(), r.approval(), r.requestedBy(), false,
        Sequence.VIEW);
    return execute(setup, () -> ReindexRequest.problems(r), () -> rebuild(r));
  }

  private Ending rebuild(ReindexRequest r) {
    run.enterStage(STAGE);
    before = observe(r, "observe");
    if (!before.exists()) {
      throw NO_SUCH_INDEX.refuse("index " + r.index() + " does not exist on " + r.targetKey());
    }
    String plan = "REINDEX INDEX CONCURRENTLY " + r.index() + " on " + r.targetKey() + " ("
        + before.bytes() + " bytes): writes go on; it needs room for a second copy.\n";
    GateOutcome outcome = run.gate(new Gate(STAGE, STAGE, plan, null,
        PlanDigest.of(List.of(r.targetKey(), r.index())), ApprovalRules.gateExpiry(r.approval())));
    if (outcome instanceof GateOutcome.Rejected no) {
      throw Ending.rejected(AT_GATE, "Rejected by " + no.decision().by() + ": not rebuilt.").stop();
    }
    if (outcome instanceof GateOutcome.Expired e) {
      throw Ending.expired(AT_GATE, "No decision within " + e.after() + ": not rebuilt.").stop();
    }
    if (!(outcome instanceof GateOutcome.Approved)) {
      throw Ending.aborted().stop(); // an abort: this runbook never interrupts its gate
    }
    run.changeStep(STAGE, "rebuild", () -> database.rebuild(r.target(), r.index()));
    after = observe(r, "verify");
    if (!after.valid()) {
      throw FailureKind.VERIFICATION_FAILED.failure(r.index() + " is not valid after its"
          + " rebuild: drop it and create it again by hand");
    }
    run.timeline().leave();
    return Ending.completed(r.index() + " on " + r.targetKey() + " was rebuilt and is valid ("
        + before.bytes() + " bytes before, " + after.bytes() + " after).");
  }

  /** Observes the index as a step of its own; an abort stops it. */
  private IndexState observe(ReindexRequest r, String step) {
    run.timeline().step(STAGE, step);
    IndexState s = run.abortable("observing", () -> database.observe(r.target(), r.index()));
    run.timeline().done(s.exists() ? s.bytes() + " bytes, " + (s.valid() ? "valid" : "INVALID")
        : "no such index");
    return s;
  }

  @Override
  protected ReindexResult result(Ending e) {
    return new ReindexResult(e.state(), e.stoppedAt(), e.text(), before, after);
  }

  @Override
  protected String afterAbort() {
    return "The index is as it was, or rebuilt if the rebuild had finished; an interrupted"
        + " rebuild leaves an invalid copy (<index>_ccnew) that the next run drops.";
  }

  @Override
  public RunStatus status() {
    return run.status(List.of(), after);
  }
}
