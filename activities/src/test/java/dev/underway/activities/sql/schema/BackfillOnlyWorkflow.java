package dev.underway.activities.sql.schema;

import dev.underway.workflows.schema.contract.BackfillResult;
import dev.underway.workflows.schema.contract.BackfillSettings;
import dev.underway.workflows.schema.contract.SchemaChangeActivities;
import dev.underway.workflows.schema.contract.TableChange;
import dev.underway.targets.PostgresTarget;
import io.temporal.activity.ActivityOptions;
import io.temporal.common.RetryOptions;
import io.temporal.workflow.Workflow;
import io.temporal.workflow.WorkflowInterface;
import io.temporal.workflow.WorkflowMethod;
import java.time.Duration;

/** A test workflow that only runs the backfill activity, as SchemaChange does, with retries. */
@WorkflowInterface
public interface BackfillOnlyWorkflow {

  @WorkflowMethod
  BackfillResult backfill(PostgresTarget target, TableChange change, BackfillSettings settings);

  /** Its implementation: a heartbeat timeout of 2 s so that a dead worker is noticed soon. */
  class Impl implements BackfillOnlyWorkflow {
    private final SchemaChangeActivities activities = Workflow.newActivityStub(
        SchemaChangeActivities.class, ActivityOptions.newBuilder()
            .setStartToCloseTimeout(Duration.ofMinutes(10))
            .setHeartbeatTimeout(Duration.ofSeconds(2))
            .setRetryOptions(RetryOptions.newBuilder()
                .setInitialInterval(Duration.ofMillis(500)).setMaximumAttempts(10).build())
            .build());

    @Override
    public BackfillResult backfill(PostgresTarget target, TableChange change,
        BackfillSettings settings) {
      return activities.backfill(target, change, settings);
    }
  }
}
