package dev.underway.workflows.drift;

import dev.underway.activities.DatabaseActivities;
import dev.underway.activities.Failures;
import dev.underway.activities.PlatformActivities;
import dev.underway.model.ClusterObservation;
import dev.underway.model.DatabaseState;
import dev.underway.model.PlatformState;
import dev.underway.workflows.evolution.SearchAttributes;
import io.temporal.activity.ActivityOptions;
import io.temporal.common.RetryOptions;
import io.temporal.failure.ApplicationFailure;
import io.temporal.workflow.Workflow;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.slf4j.Logger;

/**
 * Validate, observe (platform, then database), compare, report. Only the read-only {@code
 * observe} activities are called: a drift check never changes the target.
 */
public class DriftCheckWorkflowImpl implements DriftCheckWorkflow {

  private static final Logger log = Workflow.getLogger(DriftCheckWorkflowImpl.class);

  /** How a refusal starts. */
  static final String REFUSED = "DriftCheck refused its input, nothing was observed";

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

  private DriftStatus status = new DriftStatus("validating", "checking the request", null);

  @Override
  public DriftReport check(DriftCheckRequest request) {
    List<String> problems = DriftRules.problems(request);
    if (!problems.isEmpty()) {
      String text = REFUSED + ": " + String.join("; ", problems);
      status = new DriftStatus("refused", text, null);
      throw ApplicationFailure.newNonRetryableFailure(text, Failures.INVALID_REQUEST);
    }
    var target = request.target();
    var declared = request.declared();
    Workflow.upsertTypedSearchAttributes(SearchAttributes.TARGET.valueSet(target.key()));

    status = new DriftStatus("observing", "observing " + target.key() + " to compare with "
        + declared.name(), null);
    PlatformState p = platform.observe(target);
    DatabaseState d = database.observe(target);
    ClusterObservation observed = new ClusterObservation(p, d);

    List<String> drift = DriftRules.drift(target, observed, declared);
    String checkedAt = Instant.ofEpochMilli(Workflow.currentTimeMillis()).toString();
    DriftReport report = new DriftReport(target, declared, !drift.isEmpty(), drift, observed,
        DriftRules.summary(observed), checkedAt);
    String message = drift.isEmpty()
        ? target.key() + " matches " + declared.name() + ": no drift"
        : target.key() + " drifted from " + declared.name() + ": " + String.join("; ", drift);
    status = new DriftStatus("done", message, report);
    log.info("{} ({})", message, report.summary());
    return report;
  }

  @Override
  public DriftStatus status() {
    return status;
  }
}
