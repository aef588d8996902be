package dev.underway.worker.crash;

import static org.awaitility.Awaitility.await;

import com.google.protobuf.Timestamp;
import io.temporal.api.enums.v1.EventType;
import io.temporal.api.enums.v1.PendingActivityState;
import io.temporal.api.enums.v1.TimeoutType;
import io.temporal.api.failure.v1.Failure;
import io.temporal.api.history.v1.ActivityTaskScheduledEventAttributes;
import io.temporal.api.history.v1.ActivityTaskStartedEventAttributes;
import io.temporal.api.history.v1.HistoryEvent;
import io.temporal.api.workflow.v1.PendingActivityInfo;
import io.temporal.client.WorkflowClient;
import io.temporal.common.converter.DefaultDataConverter;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * A run's activity attempts as the Temporal server records them: the pending activity (its
 * attempt, worker, last heartbeat, the failure of the attempt before) while it runs, its history
 * events once it ended. Only the last attempt of an activity reaches the history, so a retried
 * attempt's start is read from the pending activity, polled.
 */
final class StepAttempts {

  private final WorkflowClient client;
  private final String workflowId;

  StepAttempts(WorkflowClient client, String workflowId) {
    this.client = client;
    this.workflowId = workflowId;
  }

  /** The pending activity of {@code type}, if one is scheduled or running. */
  Optional<PendingActivityInfo> pending(String type) {
    return client.newUntypedWorkflowStub(workflowId).describe().getRawDescription()
        .getPendingActivitiesList().stream()
        .filter(a -> a.getActivityType().getName().equals(type)).findFirst();
  }

  /** Its attempt running now (started, on a worker), once one is. */
  PendingActivityInfo awaitRunning(String type, Duration atMost) {
    return await().atMost(atMost).pollInterval(Duration.ofMillis(100))
        .until(() -> pending(type), p -> p.isPresent()
            && p.get().getState() == PendingActivityState.PENDING_ACTIVITY_STATE_STARTED)
        .orElseThrow();
  }

  /** The heartbeat details of a pending activity decoded as {@code type}; null when none. */
  static <T> T details(PendingActivityInfo a, Class<T> type) {
    if (!a.hasHeartbeatDetails() || a.getHeartbeatDetails().getPayloadsCount() == 0) {
      return null;
    }
    return DefaultDataConverter.STANDARD_INSTANCE.fromPayload(
        a.getHeartbeatDetails().getPayloads(0), type, type);
  }

  /** When an attempt last showed it was alive: its last heartbeat, else its start. */
  static Instant lastSignOfLife(PendingActivityInfo a) {
    Instant started = time(a.getLastStartedTime());
    if (!a.hasLastHeartbeatTime()) {
      return started;
    }
    Instant beat = time(a.getLastHeartbeatTime());
    return beat.isAfter(started) ? beat : started;
  }

  /** The options the activity {@code activityId} was scheduled with. */
  ActivityTaskScheduledEventAttributes scheduled(String activityId) {
    return client.fetchHistory(workflowId).getEvents().stream()
        .filter(e -> e.getEventType() == EventType.EVENT_TYPE_ACTIVITY_TASK_SCHEDULED
            && e.getActivityTaskScheduledEventAttributes().getActivityId().equals(activityId))
        .map(HistoryEvent::getActivityTaskScheduledEventAttributes).findFirst().orElseThrow();
  }

  /** When the activity of {@code type} last completed (the server's clock). */
  Instant completed(String type) {
    List<HistoryEvent> events = client.fetchHistory(workflowId).getEvents();
    List<Long> scheduled = events.stream()
        .filter(e -> e.getEventType() == EventType.EVENT_TYPE_ACTIVITY_TASK_SCHEDULED
            && e.getActivityTaskScheduledEventAttributes().getActivityType().getName()
                .equals(type))
        .map(HistoryEvent::getEventId).toList();
    return events.stream()
        .filter(e -> e.getEventType() == EventType.EVENT_TYPE_ACTIVITY_TASK_COMPLETED
            && scheduled.contains(e.getActivityTaskCompletedEventAttributes()
                .getScheduledEventId()))
        .map(e -> time(e.getEventTime())).reduce((a, b) -> b).orElseThrow();
  }

  /**
   * The attempt after {@code killed} of the same activity: when it started, and how the one
   * before ended. Polls the pending activity; when the activity already completed, reads its
   * last attempt from the history.
   */
  Next awaitNext(PendingActivityInfo killed, Duration atMost) {
    return await().atMost(atMost).pollInterval(Duration.ofMillis(100))
        .until(() -> next(killed), Optional::isPresent).orElseThrow();
  }

  private Optional<Next> next(PendingActivityInfo killed) {
    Optional<PendingActivityInfo> now = pending(killed.getActivityType().getName())
        .filter(p -> p.getActivityId().equals(killed.getActivityId()));
    if (now.isPresent()) {
      PendingActivityInfo p = now.get();
      if (p.getAttempt() > killed.getAttempt()
          && p.getState() == PendingActivityState.PENDING_ACTIVITY_STATE_STARTED) {
        return Optional.of(new Next(p.getAttempt(), time(p.getLastStartedTime()),
            p.getLastFailure(), p.getLastWorkerIdentity()));
      }
      return Optional.empty();
    }
    List<HistoryEvent> events = client.fetchHistory(workflowId).getEvents();
    long scheduled = events.stream()
        .filter(e -> e.getEventType() == EventType.EVENT_TYPE_ACTIVITY_TASK_SCHEDULED
            && e.getActivityTaskScheduledEventAttributes().getActivityId()
                .equals(killed.getActivityId()))
        .mapToLong(HistoryEvent::getEventId).findFirst().orElseThrow();
    return events.stream()
        .filter(e -> e.getEventType() == EventType.EVENT_TYPE_ACTIVITY_TASK_STARTED
            && e.getActivityTaskStartedEventAttributes().getScheduledEventId() == scheduled)
        .findFirst().map(e -> {
          ActivityTaskStartedEventAttributes a = e.getActivityTaskStartedEventAttributes();
          return new Next(a.getAttempt(), time(e.getEventTime()), a.getLastFailure(),
              a.getIdentity());
        });
  }

  /** The attempt that followed a killed one. */
  record Next(int attempt, Instant started, Failure previousFailure, String identity) {
    boolean afterAHeartbeatTimeout() {
      return previousFailure.hasTimeoutFailureInfo()
          && previousFailure.getTimeoutFailureInfo().getTimeoutType()
              == TimeoutType.TIMEOUT_TYPE_HEARTBEAT;
    }
  }

  static Instant time(Timestamp t) {
    return Instant.ofEpochSecond(t.getSeconds(), t.getNanos());
  }
}
