package dev.underway.kernel;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.underway.kernel.RunKernelTest.Ask;
import dev.underway.kernel.RunKernelTest.RecordingWindow;
import dev.underway.kernel.RunKernelTest.WindowRunbook;
import dev.underway.kernel.RunKernelTest.WindowRunbookImpl;
import io.temporal.api.enums.v1.EventType;
import io.temporal.api.history.v1.HistoryEvent;
import io.temporal.client.WorkflowClient;
import io.temporal.client.WorkflowOptions;
import io.temporal.client.WorkflowStub;
import io.temporal.testing.TestWorkflowEnvironment;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every way a run ends, read from its history as the Temporal server indexes it: the last
 * upserts leave {@code UnderwayOpenGate} cleared and {@code UnderwayState} saying the {@link
 * Outcome}, and the execution ends in the status that outcome names. A decided gate's timer is
 * cancelled right after the decision.
 */
class OutcomesTest {

  private TestWorkflowEnvironment env;
  private RecordingWindow window;

  @BeforeEach
  void start() {
    window = new RecordingWindow();
    env = WindowRunbookEnvironment.started(window);
  }

  @AfterEach
  void stop() {
    env.close();
  }

  static Stream<Arguments> endings() {
    ApprovalPolicy expiring = new ApprovalPolicy(null, null, "PT2H", null, null, null);
    return Stream.of(
        Arguments.of(Outcome.COMPLETED, new Ask(null, false, false),
            (Consumer<WindowRunbook>) wf -> wf.approve(new DecisionSignal("go", "bob", "ok"))),
        Arguments.of(Outcome.REJECTED, new Ask(null, false, false),
            (Consumer<WindowRunbook>) wf -> wf.reject(new DecisionSignal("go", "bob", "no"))),
        Arguments.of(Outcome.ABORTED, new Ask(null, false, false),
            (Consumer<WindowRunbook>) wf -> wf.abort(new DecisionSignal(null, "bob", "stop"))),
        Arguments.of(Outcome.EXPIRED, new Ask(expiring, false, false),
            (Consumer<WindowRunbook>) wf -> { }),
        Arguments.of(Outcome.CANCELED, new Ask(null, false, false),
            (Consumer<WindowRunbook>) wf -> WorkflowStub.fromTyped(wf).cancel()),
        Arguments.of(Outcome.FAILED, new Ask(null, true, false),
            (Consumer<WindowRunbook>) wf -> wf.approve(new DecisionSignal("go", "bob", "ok"))),
        Arguments.of(Outcome.REFUSED, new Ask(null, false, true),
            (Consumer<WindowRunbook>) wf -> { }));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("endings")
  void everyEndingClearsTheOpenGateAndSaysItsOutcome(Outcome expected, Ask ask,
      Consumer<WindowRunbook> decide) {
    WindowRunbook wf = begin(ask);
    decide.accept(wf);
    try {
      WorkflowStub.fromTyped(wf).getResult(String.class);
    } catch (RuntimeException didNotComplete) {
      // rejected, aborted, expired, cancelled, failed, refused: read below
    }
    List<HistoryEvent> events = history();
    Map<String, String> indexed = lastUpserted(events);
    assertThat(indexed).as("what the list filters see at the end")
        .containsEntry(SearchAttributes.STATE.getName(), "\"" + expected.state().name() + "\"")
        .containsEntry(SearchAttributes.OPEN_GATE.getName(), "null");
    assertThat(wf.status().state()).isEqualTo(expected.state());
    var status = WorkflowStub.fromTyped(wf).describe().getStatus();
    assertThat(Outcome.of(status, wf.status().state())).isEqualTo(expected);
    assertThat(status.name().replace("WORKFLOW_EXECUTION_STATUS_", "").replace("_", ""))
        .as("the status the outcome says the run ends in")
        .isEqualToIgnoringCase(expected.executionStatus());
    assertThat(markers(events)).as("recorded under the kernel's outcomes version")
        .contains("\"" + Sequence.OUTCOMES + "\"");
  }

  @Test
  void aDecidedGatesTimerIsCancelledRightAfterTheDecision() {
    WindowRunbook wf = begin(new Ask(null, false, false));
    wf.decide(new DecisionRequest("go", "approve", "bob", "by update"));
    assertThat(WorkflowStub.fromTyped(wf).getResult(String.class)).isEqualTo("done");
    List<HistoryEvent> events = history();
    HistoryEvent started = events.stream().filter(HistoryEvent::hasTimerStartedEventAttributes)
        .findFirst().orElseThrow();
    assertThat(started.getUserMetadata().getSummary().getData().toStringUtf8())
        .contains("window · gate go: waiting for a decision");
    int decided = recorded(events,
        index(events, EventType.EVENT_TYPE_WORKFLOW_EXECUTION_UPDATE_ACCEPTED),
        DecisionSenders.UPDATE);
    List<EventType> after = events.subList(decided + 1, events.size()).stream()
        .map(HistoryEvent::getEventType).filter(t -> !workflowTask(t)
            && t != EventType.EVENT_TYPE_WORKFLOW_EXECUTION_UPDATE_COMPLETED).toList();
    assertThat(after).as("the first command once the decision is recorded ends the gate's timer")
        .startsWith(EventType.EVENT_TYPE_TIMER_CANCELED);
    HistoryEvent cancelled = events.get(index(events, EventType.EVENT_TYPE_TIMER_CANCELED));
    assertThat(cancelled.getTimerCanceledEventAttributes().getTimerId())
        .isEqualTo(started.getTimerStartedEventAttributes().getTimerId());
    assertThat(markers(events)).contains("\"" + Sequence.GATE_TIMER_ENDS + "\"");
  }

  @Test
  void aGateDecidedBySignalEndsItsTimerToo() {
    WindowRunbook wf = begin(new Ask(null, false, false));
    wf.reject(new DecisionSignal("go", "bob", "no"));
    await().atMost(Duration.ofSeconds(20)).until(() -> wf.status().state().terminal());
    List<HistoryEvent> events = history();
    int signalled = recorded(events,
        index(events, EventType.EVENT_TYPE_WORKFLOW_EXECUTION_SIGNALED), DecisionSenders.SIGNAL);
    assertThat(events.subList(signalled + 1, events.size()).stream()
        .map(HistoryEvent::getEventType).filter(t -> !workflowTask(t)).toList())
        .startsWith(EventType.EVENT_TYPE_TIMER_CANCELED);
  }

  /**
   * The index of the event that completes the lookup of the sender of the decision at {@code
   * received} (activity {@code lookup}, the first activity after it): from there the decision is
   * recorded and acted on.
   */
  private static int recorded(List<HistoryEvent> events, int received, String lookup) {
    HistoryEvent scheduled = events.subList(received, events.size()).stream()
        .filter(HistoryEvent::hasActivityTaskScheduledEventAttributes).findFirst().orElseThrow();
    assertThat(scheduled.getActivityTaskScheduledEventAttributes().getActivityType().getName())
        .as("the decision's sender is looked up first").isEqualTo(lookup);
    for (int i = received; i < events.size(); i++) {
      HistoryEvent e = events.get(i);
      if (e.hasActivityTaskCompletedEventAttributes() && e.getActivityTaskCompletedEventAttributes()
          .getScheduledEventId() == scheduled.getEventId()) {
        return i;
      }
    }
    throw new AssertionError("the sender lookup never completed");
  }

  private static boolean workflowTask(EventType t) {
    return t == EventType.EVENT_TYPE_WORKFLOW_TASK_SCHEDULED
        || t == EventType.EVENT_TYPE_WORKFLOW_TASK_STARTED
        || t == EventType.EVENT_TYPE_WORKFLOW_TASK_COMPLETED;
  }

  private WindowRunbook begin(Ask ask) {
    WindowRunbook wf = env.getWorkflowClient().newWorkflowStub(WindowRunbook.class,
        WorkflowOptions.newBuilder().setTaskQueue("kernel").setWorkflowId("window").build());
    WorkflowClient.start(wf::run, ask);
    WindowRunbook running = env.getWorkflowClient().newWorkflowStub(WindowRunbook.class,
        "window");
    await().atMost(Duration.ofSeconds(20)).until(() -> running.status().openGate() != null
        || running.status().state().terminal());
    return running;
  }

  private List<HistoryEvent> history() {
    return env.getWorkflowClient().fetchHistory("window").getEvents();
  }

  /** Every search attribute's value after the last upsert, as JSON ("null" when unset). */
  static Map<String, String> lastUpserted(List<HistoryEvent> events) {
    Map<String, String> values = new HashMap<>();
    events.stream().filter(HistoryEvent::hasUpsertWorkflowSearchAttributesEventAttributes)
        .forEach(e -> e.getUpsertWorkflowSearchAttributesEventAttributes().getSearchAttributes()
            .getIndexedFieldsMap().forEach((k, v) -> values.put(k, v.getData().toStringUtf8())));
    return values;
  }

  private static List<String> markers(List<HistoryEvent> events) {
    return events.stream().filter(HistoryEvent::hasMarkerRecordedEventAttributes)
        .map(e -> e.getMarkerRecordedEventAttributes().getDetailsMap().get("changeId")
            .getPayloads(0).getData().toStringUtf8()).toList();
  }

  private static int index(List<HistoryEvent> events, EventType type) {
    for (int i = 0; i < events.size(); i++) {
      if (events.get(i).getEventType() == type) {
        return i;
      }
    }
    throw new AssertionError("no " + type + " in the history");
  }
}
