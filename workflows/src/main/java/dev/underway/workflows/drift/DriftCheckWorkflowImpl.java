package dev.underway.workflows.drift;

import dev.underway.workflows.evolution.contract.DatabaseActivities;
import dev.underway.workflows.evolution.contract.PlatformActivities;
import dev.underway.kernel.Ending;
import dev.underway.kernel.Run;
import dev.underway.kernel.RunProtocol;
import dev.underway.kernel.RunSetup;
import dev.underway.kernel.RunStatus;
import dev.underway.kernel.Sequence;
import dev.underway.workflows.evolution.model.ClusterObservation;
import dev.underway.workflows.evolution.model.DatabaseState;
import dev.underway.workflows.evolution.model.PlatformState;
import io.temporal.activity.ActivityOptions;
import io.temporal.common.RetryOptions;
import io.temporal.workflow.Workflow;
import java.time.Duration;
import java.time.Instant;
import java.util.List;

/**
 * Observe (platform, then database), compare, report, on the kernel's protocol ({@link
 * RunProtocol}: validation, refusal, timeline, status, endings). Only the read-only {@code
 * observe} activities are called: a drift check never changes the target. It follows {@link
 * Sequence#WITHOUT_GATES} (no UnderwayState search attribute), so its recorded histories replay.
 */
public class DriftCheckWorkflowImpl extends RunProtocol<DriftReport>
    implements DriftCheckWorkflow {

  /** How a refusal starts. */
  static final String REFUSED = "DriftCheck refused its input, nothing was observed";

  static final String OBSERVE_STEP = "observe";
  static final String COMPARE_STEP = "compare";

  /**
   * Observations: read-only and quick. Fewer retries than an evolution's: the next scheduled
   * check tries again anyway.
   */
  static final ActivityOptions OBSERVE = ActivityOptions.newBuilder()
      .setStartToCloseTimeout(Duration.ofMinutes(1))
      .setRetryOptions(RetryOptions.newBuilder()
          .setInitialInterval(Duration.ofSeconds(1))
          .setMaximumInterval(Duration.ofSeconds(10))
          .setMaximumAttempts(5)
          .build())
      .build();

  private final PlatformActivities platform =
      Workflow.newActivityStub(PlatformActivities.class, OBSERVE);
  private final DatabaseActivities database =
      Workflow.newActivityStub(DatabaseActivities.class, OBSERVE);

  private final Run run = run();
  private DriftReport report;

  public DriftCheckWorkflowImpl() {
    super(RUNBOOK, null, List.of());
  }

  @Override
  public DriftReport check(DriftCheckRequest request) {
    var target = request == null ? null : request.target();
    return execute(new RunSetup(target == null ? null : target.key(), null, null, false,
        Sequence.WITHOUT_GATES), () -> DriftRules.problems(request), () -> compare(request));
  }

  private Ending compare(DriftCheckRequest request) {
    var target = request.target();
    var declared = request.declared();
    run.timeline().step(declared.name(), OBSERVE_STEP);
    PlatformState p = platform.observe(target);
    DatabaseState d = database.observe(target);
    ClusterObservation observed = new ClusterObservation(p, d);
    run.timeline().done(DriftRules.summary(observed));

    run.timeline().step(declared.name(), COMPARE_STEP);
    List<String> drift = DriftRules.drift(target, observed, declared);
    String checkedAt = Instant.ofEpochMilli(Workflow.currentTimeMillis()).toString();
    report = new DriftReport(target, declared, !drift.isEmpty(), drift, observed,
        DriftRules.summary(observed), checkedAt);
    String message = drift.isEmpty()
        ? target.key() + " matches " + declared.name() + ": no drift"
        : target.key() + " drifted from " + declared.name() + ": " + String.join("; ", drift);
    run.timeline().done(message);
    run.timeline().leave();
    return Ending.completed(message);
  }

  @Override
  protected DriftReport result(Ending ending) {
    return report;
  }

  @Override
  protected String refusal(String problems) {
    return REFUSED + ": " + problems;
  }

  @Override
  public RunStatus status() {
    return run.status(List.of(), report);
  }
}
