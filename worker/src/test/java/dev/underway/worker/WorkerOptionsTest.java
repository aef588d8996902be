package dev.underway.worker;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import dev.underway.runbooks.Runbooks;
import io.temporal.activity.ActivityOptions;
import io.temporal.common.metadata.POJOActivityInterfaceMetadata;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * {@code underway worker --heartbeat-timeout} covers every activity type of every runbook (the
 * schema change's too, and a new runbook's without editing the command), and the worker sends
 * heartbeats every second or so whatever a step's heartbeat timeout.
 */
class WorkerOptionsTest {

  @Test
  void theHeartbeatTimeoutCoversEveryRunbooksActivityTypes() {
    WorkerCommand command = new WorkerCommand();
    command.heartbeatTimeout = Duration.ofSeconds(7);
    Map<String, ActivityOptions> perType = command.implementationOptions().getActivityOptions();

    List<String> expected = Runbooks.ALL.stream()
        .flatMap(r -> r.activityInterfaces().stream())
        .flatMap(i -> POJOActivityInterfaceMetadata.newInstance(i).getMethodsMetadata().stream())
        .map(m -> m.getActivityTypeName()).distinct().toList();
    assertThat(perType.keySet()).containsAll(expected).contains("SchemaChange.Observe",
        "SchemaChange.Expand", "SchemaChange.UndoExpand", "SchemaChange.Backfill",
        "SchemaChange.Verify", "SchemaChange.SetFlag", "SchemaChange.Contract",
        "Platform.ScaleNodes");
    perType.forEach((type, options) -> assertThat(options.getHeartbeatTimeout()).as(type)
        .isEqualTo(Duration.ofSeconds(7)));
  }

  @Test
  void withoutTheOptionTheWorkflowsOwnTimeoutsApply() {
    assertThat(new WorkerCommand().implementationOptions().getActivityOptions()).isNullOrEmpty();
  }

  @Test
  void aHeartbeatTimeoutShorterThanThreeHeartbeatsIsRefused() {
    WorkerCommand command = new WorkerCommand();
    command.heartbeatTimeout = Duration.ofSeconds(2);
    assertThat(catchThrowable(command::implementationOptions)).isInstanceOf(CommandFailure.class)
        .hasMessageContaining("--heartbeat-timeout PT2S is too short")
        .hasMessageContaining("at least PT3S");
  }

  @Test
  void heartbeatsReachTheServerEverySecondOrSo() {
    assertThat(WorkerSettings.options().getMaxHeartbeatThrottleInterval())
        .isLessThanOrEqualTo(Duration.ofSeconds(2));
    assertThat(WorkerSettings.options().getDefaultHeartbeatThrottleInterval())
        .isLessThanOrEqualTo(Duration.ofSeconds(2));
  }
}
