package dev.underway.worker;

import static org.assertj.core.api.Assertions.assertThat;

import io.temporal.api.enums.v1.EventType;
import io.temporal.api.failure.v1.Failure;
import io.temporal.api.history.v1.HistoryEvent;
import io.temporal.api.history.v1.WorkflowTaskFailedEventAttributes;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * What decides whether a worker serves a run, read from its history: a completed workflow task
 * or an ended run does; a task failed for an unknown workflow type does not; a task failed for
 * another reason (a bug in workflow code, say) or nothing yet decides nothing.
 */
class FirstWorkflowTaskTest {

  static HistoryEvent event(EventType type) {
    return HistoryEvent.newBuilder().setEventType(type).build();
  }

  static HistoryEvent failed(String message) {
    return HistoryEvent.newBuilder().setEventType(EventType.EVENT_TYPE_WORKFLOW_TASK_FAILED)
        .setWorkflowTaskFailedEventAttributes(WorkflowTaskFailedEventAttributes.newBuilder()
            .setFailure(Failure.newBuilder().setMessage(message))).build();
  }

  static final HistoryEvent STARTED = event(EventType.EVENT_TYPE_WORKFLOW_EXECUTION_STARTED);
  static final HistoryEvent SCHEDULED = event(EventType.EVENT_TYPE_WORKFLOW_TASK_SCHEDULED);

  @Test
  void theFirstDecisiveEventDecides() {
    assertThat(FirstWorkflowTask.read(List.of(STARTED, SCHEDULED))).isNull();
    assertThat(FirstWorkflowTask.read(List.of(STARTED, SCHEDULED,
        failed("NullPointerException")))).as("a failure of workflow code").isNull();
    assertThat(FirstWorkflowTask.read(List.of(STARTED, SCHEDULED,
        failed("Unknown workflow type \"SchemaChange\". Known types are [ClusterEvolution]"))))
        .isEqualTo(new FirstWorkflowTask.Outcome(FirstWorkflowTask.Kind.UNKNOWN_TYPE,
            "Unknown workflow type \"SchemaChange\". Known types are [ClusterEvolution]"));
    assertThat(FirstWorkflowTask.read(List.of(STARTED, SCHEDULED,
        event(EventType.EVENT_TYPE_WORKFLOW_TASK_COMPLETED))).kind())
        .isEqualTo(FirstWorkflowTask.Kind.TAKEN);
    assertThat(FirstWorkflowTask.read(List.of(STARTED,
        event(EventType.EVENT_TYPE_WORKFLOW_EXECUTION_TERMINATED))).kind())
        .as("ended before any worker took it").isEqualTo(FirstWorkflowTask.Kind.TAKEN);
  }
}
