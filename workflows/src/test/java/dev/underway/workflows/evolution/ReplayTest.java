package dev.underway.workflows.evolution;

import dev.underway.kernel.SearchAttributes;
import static dev.underway.workflows.evolution.WorkflowTestSupport.awaitGate;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.underway.kernel.DecisionRequest;
import dev.underway.kernel.DecisionSignal;
import dev.underway.workflows.evolution.model.EvolutionRequest;
import dev.underway.workflows.evolution.model.EvolutionResult;
import dev.underway.kernel.GateView;
import dev.underway.workflows.evolution.model.Phase;
import dev.underway.kernel.RunState;
import dev.underway.workflows.drift.DriftCheckRequest;
import dev.underway.workflows.drift.DriftCheckWorkflow;
import dev.underway.workflows.drift.DriftCheckWorkflowImpl;
import dev.underway.workflows.drift.DriftReport;
import dev.underway.workflows.schema.SchemaChangeWorkflowImpl;
import dev.underway.workflows.schema.SchemaHistories;
import io.temporal.api.enums.v1.EventType;
import io.temporal.api.history.v1.HistoryEvent;
import io.temporal.client.WorkflowFailedException;
import io.temporal.client.WorkflowOptions;
import io.temporal.client.WorkflowStub;
import io.temporal.common.WorkflowExecutionHistory;
import io.temporal.common.interceptors.WorkerInterceptorBase;
import io.temporal.common.interceptors.WorkflowInboundCallsInterceptor;
import io.temporal.common.interceptors.WorkflowInboundCallsInterceptorBase;
import io.temporal.common.interceptors.WorkflowOutboundCallsInterceptor;
import io.temporal.common.interceptors.WorkflowOutboundCallsInterceptorBase;
import io.temporal.testing.TestEnvironmentOptions;
import io.temporal.testing.TestWorkflowEnvironment;
import io.temporal.testing.WorkflowReplayer;
import io.temporal.worker.WorkerFactoryOptions;
import io.temporal.workflow.Workflow;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Histories of real runs, recorded once and committed, are replayed against the current
 * workflow code: a change that would break running workflows (non-determinism) fails the build.
 * Together they take every path a run can take: through the gates by signal and by update, a
 * gate with an expiry (its timer) decided in time and left to expire, a rejection, an abort
 * during a wait, a failed verification, a phase already reached (skipped, no gate), and the
 * drift check with and without drift.
 *
 * <p>A committed history is never recorded again: it stands for the runs that were started by
 * the code of its day. To add one, add its recording below and run {@code ./mvnw -pl workflows
 * test -Dtest=ReplayTest -Dunderway.recordHistories=true}: only histories missing from {@code
 * workflows/src/test/resources/histories/} are written; commit them.
 */
class ReplayTest {

  static final Path FIXTURES = Path.of("src/test/resources/histories");

  /** The id the recorded evolutions had: the workflow checks that it derives from the target. */
  static final String WORKFLOW_ID = ClusterEvolutionWorkflow.workflowId(Requests.TARGET);

  /** A scheduled drift check's id: the schedule's, with the scheduled time appended. */
  static final String DRIFT_CHECK_ID =
      DriftCheckWorkflow.scheduleId(Requests.TARGET) + "-2026-11-29T00:00:00Z";

  /**
   * Versions kernel-outcomes and kernel-gate-timer-ends-at-decision: cancelled through Temporal
   * at a gate, the run clears UnderwayOpenGate and says CANCELED.
   */
  static final String CANCELLED_AT_GATE = "outcomes-cancelled-at-gate";
  /** The same versions: held (a named re-check timer), then a gate decided, its timer ended. */
  static final String TIMERS_NAMED = "timers-held-then-approved";

  /**
   * Version snapshot-rate-guard: the snapshot rate read before the phase's first change, paced
   * during the replication wait, put back by its step (completed) or by the compensation
   * (aborted during the wait).
   */
  static final String SNAPSHOT_RATE_COMPLETED = "snapshot-rate-completed";
  static final String SNAPSHOT_RATE_ABORTED = "snapshot-rate-aborted-during-wait";

  /** A recorded history, the workflow that made it, and the id it ran under. */
  record Fixture(String name, Class<?> workflow, String workflowId) {
    @Override
    public String toString() {
      return name;
    }
  }

  static Stream<Fixture> fixtures() {
    return Stream.of(
        evolution("completed"), evolution("rejected"), evolution("aborted-during-wait"),
        evolution("gate-expiry-approved"), evolution("gate-expired"),
        evolution("verification-failed"), evolution("phase-already-reached"),
        evolution("held-then-approved"), evolution("gate-reopened"),
        evolution("aborted-while-retrying"), evolution("refused-empty-approvers"),
        evolution("view-two-approvers"), evolution("view-rejected"),
        evolution("view-cancelled"),
        evolution(CANCELLED_AT_GATE), evolution(TIMERS_NAMED),
        evolution(SNAPSHOT_RATE_COMPLETED), evolution(SNAPSHOT_RATE_ABORTED),
        new Fixture("drift-check-no-drift", DriftCheckWorkflowImpl.class, DRIFT_CHECK_ID),
        new Fixture("drift-check-drifted", DriftCheckWorkflowImpl.class, DRIFT_CHECK_ID),
        schemaChange(SchemaHistories.COMPLETED), schemaChange(SchemaHistories.REVERTED),
        schemaChange(SchemaHistories.THROTTLED), schemaChange(SchemaHistories.REFUSED),
        schemaChange(SchemaHistories.REFUSED_ONCE),
        schemaChange(SchemaHistories.ABORT_WAITS), schemaChange(SchemaHistories.EVIDENCE),
        schemaChange(SchemaHistories.ROLLBACK_WAITS),
        schemaChange(SchemaHistories.FORWARD_ONLY), schemaChange(SchemaHistories.CARRIED),
        schemaChange(SchemaHistories.SERIALISED),
        schemaChange(SchemaHistories.BEFORE_STRICT),
        schemaChange(SchemaHistories.STRICT_REFUSED), schemaChange(SchemaHistories.GUARDED));
  }

  private static Fixture schemaChange(String name) {
    return new Fixture(name, SchemaChangeWorkflowImpl.class, SchemaHistories.WORKFLOW_ID);
  }

  private static Fixture evolution(String name) {
    return new Fixture(name, ClusterEvolutionWorkflowImpl.class, WORKFLOW_ID);
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("fixtures")
  void recordedHistoryReplaysAgainstCurrentCode(Fixture f) throws Exception {
    WorkflowExecutionHistory history = history(f);
    List<HistoryEvent> events = history.getEvents();
    assertThat(events.get(0).getEventType())
        .isEqualTo(EventType.EVENT_TYPE_WORKFLOW_EXECUTION_STARTED);
    assertThat(events.get(events.size() - 1).getEventType()).as("a run that ended")
        .isIn(EventType.EVENT_TYPE_WORKFLOW_EXECUTION_COMPLETED,
            EventType.EVENT_TYPE_WORKFLOW_EXECUTION_FAILED,
            EventType.EVENT_TYPE_WORKFLOW_EXECUTION_CANCELED);
    assertThat(events).as("a real history").hasSizeGreaterThan(5);
    WorkflowReplayer.replayWorkflowExecution(history, f.workflow());
  }

  /** What each new fixture was recorded for is in it: the path it stands for is covered. */
  @Test
  void fixturesHoldThePathsTheyAreNamedFor() throws Exception {
    // Workflow.await with a timeout leaves its timer running when the condition comes true.
    assertThat(types("gate-expiry-approved")).as("a gate timer, decided before it fired")
        .contains(EventType.EVENT_TYPE_TIMER_STARTED,
            EventType.EVENT_TYPE_WORKFLOW_EXECUTION_SIGNALED,
            EventType.EVENT_TYPE_WORKFLOW_EXECUTION_UPDATE_ACCEPTED)
        .doesNotContain(EventType.EVENT_TYPE_TIMER_FIRED)
        .endsWith(EventType.EVENT_TYPE_WORKFLOW_EXECUTION_COMPLETED);
    assertThat(types("gate-expired")).as("a gate timer that fired")
        .contains(EventType.EVENT_TYPE_TIMER_STARTED, EventType.EVENT_TYPE_TIMER_FIRED)
        .doesNotContain(EventType.EVENT_TYPE_WORKFLOW_EXECUTION_SIGNALED)
        .endsWith(EventType.EVENT_TYPE_WORKFLOW_EXECUTION_COMPLETED);
    assertThat(types("verification-failed"))
        .endsWith(EventType.EVENT_TYPE_WORKFLOW_EXECUTION_FAILED);
    assertThat(fixture("verification-failed")).contains(
        "\"type\": \"" + dev.underway.kernel.Failures.VERIFICATION_FAILED + "\"");
    assertThat(types("phase-already-reached")).as("one gate: the phase reached has none")
        .containsOnlyOnce(EventType.EVENT_TYPE_WORKFLOW_EXECUTION_UPDATE_ACCEPTED)
        .endsWith(EventType.EVENT_TYPE_WORKFLOW_EXECUTION_COMPLETED);
    // the second command sequence (version marker 'operator-safety')
    for (String v1 : List.of("held-then-approved", "gate-reopened", "aborted-while-retrying",
        "refused-empty-approvers")) {
      assertThat(types(v1)).as(v1 + ": recorded under the operator-safety version")
          .contains(EventType.EVENT_TYPE_MARKER_RECORDED);
      assertThat(versionMarkers(v1)).containsExactly("\"operator-safety\"");
    }
    assertThat(types("held-then-approved")).as("a hold: re-checks on a timer, then the gate")
        .contains(EventType.EVENT_TYPE_TIMER_FIRED,
            EventType.EVENT_TYPE_WORKFLOW_EXECUTION_UPDATE_ACCEPTED)
        .endsWith(EventType.EVENT_TYPE_WORKFLOW_EXECUTION_COMPLETED);
    assertThat(upserted("held-then-approved", SearchAttributes.STATE.getName()))
        .containsSubsequence("\"RUNNING\"", "\"HOLDING\"", "\"RUNNING\"",
            "\"WAITING_FOR_APPROVAL\"", "\"COMPLETED\"");
    assertThat(types("gate-reopened")).as("two approvals: the first for a plan that moved")
        .filteredOn(t -> t == EventType.EVENT_TYPE_WORKFLOW_EXECUTION_SIGNALED
            || t == EventType.EVENT_TYPE_WORKFLOW_EXECUTION_UPDATE_ACCEPTED)
        .hasSize(3);
    assertThat(types("gate-reopened")).endsWith(
        EventType.EVENT_TYPE_WORKFLOW_EXECUTION_COMPLETED);
    assertThat(types("aborted-while-retrying")).as("the retried scale cancelled by the abort")
        .contains(EventType.EVENT_TYPE_ACTIVITY_TASK_CANCEL_REQUESTED)
        .endsWith(EventType.EVENT_TYPE_WORKFLOW_EXECUTION_COMPLETED);
    for (String view : List.of("view-two-approvers", "view-rejected", "view-cancelled")) {
      assertThat(versionMarkers(view)).as(view + ": the VIEW sequence").containsExactly(
          "\"operator-safety\"");
      assertThat(events(view).stream().filter(HistoryEvent::hasTimerStartedEventAttributes))
          .as(view + ": the gate waits on a timer although it has no expiry").isNotEmpty();
    }
    assertThat(types("view-two-approvers")).endsWith(
        EventType.EVENT_TYPE_WORKFLOW_EXECUTION_COMPLETED);
    assertThat(types("view-rejected")).as("a rejected run ends Failed")
        .endsWith(EventType.EVENT_TYPE_WORKFLOW_EXECUTION_FAILED);
    assertThat(types("view-cancelled")).as("a Temporal cancellation ends it Canceled")
        .endsWith(EventType.EVENT_TYPE_WORKFLOW_EXECUTION_CANCELED);
    assertThat(types("refused-empty-approvers")).as("refused: no activity")
        .doesNotContain(EventType.EVENT_TYPE_ACTIVITY_TASK_SCHEDULED)
        .endsWith(EventType.EVENT_TYPE_WORKFLOW_EXECUTION_FAILED);
    assertThat(types(SchemaHistories.COMPLETED)).as("every gate by update, one refused")
        .filteredOn(t -> t == EventType.EVENT_TYPE_WORKFLOW_EXECUTION_UPDATE_ACCEPTED)
        .hasSize(4);
    assertThat(fixture(SchemaHistories.COMPLETED)).contains("SchemaChange.Contract");
    assertThat(fixture(SchemaHistories.REVERTED)).as("the revert, then the rollback")
        .contains("\"revert\"", "SchemaChange.UndoExpand");
    assertThat(fixture(SchemaHistories.THROTTLED)).as("commands to the running backfill")
        .contains("\"throttle\"", "\"set-batch\"", "\"unthrottle\"", "SchemaChange.Control",
            "SchemaChange.UndoExpand");
    assertThat(types(SchemaHistories.THROTTLED))
        .contains(EventType.EVENT_TYPE_ACTIVITY_TASK_CANCEL_REQUESTED);
    assertThat(versionMarkers(SchemaHistories.ABORT_WAITS)).containsExactly(
        "\"backfill-abort-waits\"");
    assertThat(types(SchemaHistories.ABORT_WAITS)).as("cancelled, stopped, then undone")
        .containsSubsequence(EventType.EVENT_TYPE_ACTIVITY_TASK_CANCEL_REQUESTED,
            EventType.EVENT_TYPE_ACTIVITY_TASK_CANCELED,
            EventType.EVENT_TYPE_ACTIVITY_TASK_SCHEDULED);
    assertThat(versionMarkers(SchemaHistories.THROTTLED)).as("recorded before the wait").isEmpty();
    assertThat(versionMarkers(SchemaHistories.GUARDED)).as("recorded under the latency guard")
        .contains("\"latency-guard\"");
    assertThat(fixture(SchemaHistories.GUARDED)).as("set-ratio to the running backfill")
        .contains("\"throttle\"", "\"set-ratio\"", "\"unthrottle\"", "SchemaChange.Backfill",
            "SchemaChange.Control", "SchemaChange.UndoExpand");
    for (String before : List.of(SchemaHistories.THROTTLED, SchemaHistories.ABORT_WAITS,
        SchemaHistories.COMPLETED)) {
      assertThat(versionMarkers(before)).as(before + ": recorded before the latency guard,"
          + " replayed through it").doesNotContain("\"latency-guard\"");
    }
    for (String evidence : List.of(SchemaHistories.EVIDENCE, SchemaHistories.ROLLBACK_WAITS,
        SchemaHistories.FORWARD_ONLY)) {
      assertThat(versionMarkers(evidence)).as(evidence).containsExactly(
          "\"evidence-before-drop\"");
    }
    assertThat(fixture(SchemaHistories.EVIDENCE)).as("held on writers, verified, dropped")
        .contains("SchemaChange.Writers", "SchemaChange.Verify", "SchemaChange.Contract");
    assertThat(fixture(SchemaHistories.ROLLBACK_WAITS)).as("writes=old, held, then undone")
        .contains("SchemaChange.Writers", "SchemaChange.UndoExpand");
    for (String held : List.of(SchemaHistories.EVIDENCE, SchemaHistories.ROLLBACK_WAITS)) {
      assertThat(upserted(held, SearchAttributes.STATE.getName())).as(held + ": it held")
          .contains("\"HOLDING\"");
    }
    assertThat(versionMarkers(SchemaHistories.CARRIED)).as("constraints carried")
        .containsExactly("\"strict-request\"", "\"evidence-before-drop\"",
            "\"carry-constraints\"");
    assertThat(fixture(SchemaHistories.CARRIED)).contains("SchemaChange.Constraints");
    assertThat(fixture(SchemaHistories.FORWARD_ONLY)).as("no undo past the point of no return")
        .contains("SchemaChange.Contract").doesNotContain("SchemaChange.UndoExpand");
    assertThat(versionMarkers(SchemaHistories.BEFORE_STRICT)).as("recorded before strict-request")
        .isEmpty();
    assertThat(types(SchemaHistories.BEFORE_STRICT)).as("its type passed: observed, gate shown")
        .contains(EventType.EVENT_TYPE_ACTIVITY_TASK_SCHEDULED,
            EventType.EVENT_TYPE_WORKFLOW_EXECUTION_SIGNALED);
    assertThat(events(SchemaHistories.BEFORE_STRICT).get(0)
        .getWorkflowExecutionStartedEventAttributes().getInput().getPayloads(0).getData()
        .toStringUtf8()).contains("\"type\":\"bigint not null default 0\"");
    assertThat(versionMarkers(SchemaHistories.STRICT_REFUSED)).containsExactly(
        "\"strict-request\"");
    assertThat(types(SchemaHistories.STRICT_REFUSED)).as("refused before any activity")
        .doesNotContain(EventType.EVENT_TYPE_ACTIVITY_TASK_SCHEDULED)
        .endsWith(EventType.EVENT_TYPE_WORKFLOW_EXECUTION_FAILED);
    assertThat(types(SchemaHistories.REFUSED)).as("refused after the one observation")
        .filteredOn(t -> t == EventType.EVENT_TYPE_ACTIVITY_TASK_SCHEDULED).hasSize(1);
    assertThat(types(SchemaHistories.REFUSED))
        .endsWith(EventType.EVENT_TYPE_WORKFLOW_EXECUTION_FAILED);
    assertThat(upserted(SchemaHistories.REFUSED, SearchAttributes.STATE.getName()))
        .as("recorded before refusal-ends-once: FAILED twice")
        .containsExactly("\"RUNNING\"", "\"FAILED\"", "\"FAILED\"");
    assertThat(versionMarkers(SchemaHistories.REFUSED_ONCE)).containsExactly(
        "\"strict-request\"", "\"refusal-ends-once\"");
    assertThat(upserted(SchemaHistories.REFUSED_ONCE, SearchAttributes.STATE.getName()))
        .as("the kernel's protocol marks it failed once")
        .containsExactly("\"RUNNING\"", "\"FAILED\"");
    assertThat(lastUpserted(events("view-cancelled")))
        .as("recorded before kernel-outcomes: the gate's name left for the waiting filter")
        .containsEntry(SearchAttributes.OPEN_GATE.getName(), "\"phase-1\"")
        .containsEntry(SearchAttributes.STATE.getName(), "\"ABORTED\"");
    assertThat(lastUpserted(events(CANCELLED_AT_GATE)))
        .as("kernel-outcomes: no gate open, the outcome said")
        .containsEntry(SearchAttributes.OPEN_GATE.getName(), "null")
        .containsEntry(SearchAttributes.STATE.getName(), "\"CANCELED\"");
    assertThat(types(CANCELLED_AT_GATE))
        .endsWith(EventType.EVENT_TYPE_WORKFLOW_EXECUTION_CANCELED);
    for (String v : List.of(CANCELLED_AT_GATE, TIMERS_NAMED)) {
      assertThat(versionMarkers(v)).as(v).contains("\"kernel-outcomes\"",
          "\"kernel-gate-timer-ends-at-decision\"");
    }
    for (String before : List.of("view-rejected", "view-two-approvers")) {
      assertThat(types(before)).as(before + ": recorded before a decision ended the timer")
          .doesNotContain(EventType.EVENT_TYPE_TIMER_CANCELED);
    }
    assertThat(types(TIMERS_NAMED)).as("held on a timer, then a gate whose timer the decision"
        + " ended").contains(EventType.EVENT_TYPE_TIMER_FIRED, EventType.EVENT_TYPE_TIMER_CANCELED);
    for (String paced : List.of(SNAPSHOT_RATE_COMPLETED, SNAPSHOT_RATE_ABORTED)) {
      assertThat(versionMarkers(paced)).as(paced).contains("\"snapshot-rate-guard\"");
      assertThat(fixture(paced)).as(paced + ": read, baseline, paced wait, restored").contains(
          "Database.ReadSnapshotRate", "Database.GuardBaseline", "Database.AwaitReplicatedPaced",
          "Database.RestoreSnapshotRate");
    }
    assertThat(types(SNAPSHOT_RATE_ABORTED)).as("the paced wait cancelled, then the undo")
        .containsSubsequence(EventType.EVENT_TYPE_ACTIVITY_TASK_CANCEL_REQUESTED,
            EventType.EVENT_TYPE_ACTIVITY_TASK_SCHEDULED);
    for (String before : List.of("completed", "aborted-during-wait", "view-two-approvers")) {
      assertThat(versionMarkers(before)).as(before + ": recorded before the snapshot rate"
          + " guard, replayed without it").doesNotContain("\"snapshot-rate-guard\"");
      assertThat(fixture(before)).contains("Database.AwaitReplicated\"")
          .doesNotContain("Database.ReadSnapshotRate");
    }
    for (String drift : List.of("drift-check-no-drift", "drift-check-drifted")) {
      assertThat(types(drift)).as(drift + ": the two observations, nothing else")
          .filteredOn(type -> type == EventType.EVENT_TYPE_ACTIVITY_TASK_SCHEDULED).hasSize(2);
      assertThat(types(drift)).endsWith(EventType.EVENT_TYPE_WORKFLOW_EXECUTION_COMPLETED);
    }
  }

  /**
   * Every timer of a cluster evolution recorded by today's code carries a summary a person reads
   * on the run's page (a gate, a hold), never an id; the drift check starts none. (The schema
   * change's: {@code TimerSummariesTest}.)
   */
  @Test
  void everyTimerOfARecordedRunHasASummaryAPersonCanRead() throws Exception {
    for (String name : List.of(TIMERS_NAMED, CANCELLED_AT_GATE)) {
      List<String> summaries = events(name).stream()
          .filter(HistoryEvent::hasTimerStartedEventAttributes)
          .map(e -> e.getUserMetadata().getSummary().getData().toStringUtf8()).toList();
      assertThat(summaries).as(name).isNotEmpty().allSatisfy(summary -> assertThat(summary)
          .as(name + ": a sentence, not an id").matches("\"[a-z].*[a-z)]\"")
          .doesNotContainPattern("[0-9a-f]{8}-[0-9a-f]{4}-"));
    }
    assertThat(events(TIMERS_NAMED).stream().filter(HistoryEvent::hasTimerStartedEventAttributes)
        .map(e -> e.getUserMetadata().getSummary().getData().toStringUtf8()))
        .anyMatch(s -> s.contains("phase-1 · hold: "))
        .anyMatch(s -> s.contains("phase-1 · gate phase-1: waiting for a decision"));
    for (String paced : List.of(SNAPSHOT_RATE_COMPLETED, SNAPSHOT_RATE_ABORTED)) {
      assertThat(versionMarkers(paced)).as(paced).contains("\"snapshot-rate-guard\"");
      assertThat(fixture(paced)).as(paced + ": read, baseline, paced wait, restored").contains(
          "Database.ReadSnapshotRate", "Database.GuardBaseline", "Database.AwaitReplicatedPaced",
          "Database.RestoreSnapshotRate");
    }
    assertThat(types(SNAPSHOT_RATE_ABORTED)).as("the paced wait cancelled, then the undo")
        .containsSubsequence(EventType.EVENT_TYPE_ACTIVITY_TASK_CANCEL_REQUESTED,
            EventType.EVENT_TYPE_ACTIVITY_TASK_SCHEDULED);
    for (String before : List.of("completed", "aborted-during-wait", "view-two-approvers")) {
      assertThat(versionMarkers(before)).as(before + ": recorded before the snapshot rate"
          + " guard, replayed without it").doesNotContain("\"snapshot-rate-guard\"");
      assertThat(fixture(before)).contains("Database.AwaitReplicated\"")
          .doesNotContain("Database.ReadSnapshotRate");
    }
    for (String drift : List.of("drift-check-no-drift", "drift-check-drifted")) {
      assertThat(types(drift)).doesNotContain(EventType.EVENT_TYPE_TIMER_STARTED);
    }
  }

  /**
   * The negative control: the workflow with one activity call fewer (phase-1's verification
   * observation left out, its result trusted) must not replay a history of the real one.
   */
  @Test
  void replayFailsForCodeThatSkipsACall() throws Exception {
    SkipsVerification variant = new SkipsVerification();
    TestWorkflowEnvironment env = TestWorkflowEnvironment.newInstance(
        TestEnvironmentOptions.newBuilder().setWorkerFactoryOptions(
            WorkerFactoryOptions.newBuilder().setWorkerInterceptors(variant).build()).build());
    try {
      WorkflowExecutionHistory history = history(evolution("completed"));
      long verification = verificationObservation(history.getEvents());
      assertThatThrownBy(() -> WorkflowReplayer.replayWorkflowExecution(history, env,
              ClusterEvolutionWorkflowImpl.class))
          .hasMessageContaining("NonDeterministicException")
          .as("the history's verification observation, where the variant went on to phase-2")
          .hasMessageContaining("Event " + verification + " of type"
              + " EVENT_TYPE_ACTIVITY_TASK_SCHEDULED does not match command type"
              + " COMMAND_TYPE_UPSERT_WORKFLOW_SEARCH_ATTRIBUTES");
      assertThat(variant.skipped.get()).as("the verification's two observations, skipped")
          .isEqualTo(2);
    } finally {
      env.close();
    }
  }

  /** The event that scheduled phase-1's verification observation (after the reader path). */
  private static long verificationObservation(List<HistoryEvent> events) {
    boolean readerPathMade = false;
    for (HistoryEvent e : events) {
      if (!e.hasActivityTaskScheduledEventAttributes()) {
        continue;
      }
      String type = e.getActivityTaskScheduledEventAttributes().getActivityType().getName();
      if (type.equals("Platform.EnsureReaderService")) {
        readerPathMade = true;
      } else if (readerPathMade && type.equals("Platform.Observe")) {
        return e.getEventId();
      }
    }
    throw new AssertionError("no verification observation in the history");
  }

  /**
   * Turns {@link ClusterEvolutionWorkflowImpl} into a variant without phase-1's verification:
   * the two observations after the first reader Service change are not scheduled; the variant
   * takes phase-1's shape as observed instead.
   */
  static final class SkipsVerification extends WorkerInterceptorBase {
    final AtomicInteger skipped = new AtomicInteger();

    @Override
    public WorkflowInboundCallsInterceptor interceptWorkflow(
        WorkflowInboundCallsInterceptor next) {
      return new WorkflowInboundCallsInterceptorBase(next) {
        @Override
        public void init(WorkflowOutboundCallsInterceptor outbound) {
          super.init(new Outbound(outbound));
        }
      };
    }

    private final class Outbound extends WorkflowOutboundCallsInterceptorBase {
      private final InMemoryCluster phase1 = InMemoryCluster.atPhase1();
      private boolean readerPathMade;
      private int toSkip = 2;

      Outbound(WorkflowOutboundCallsInterceptor next) {
        super(next);
      }

      @Override
      @SuppressWarnings("unchecked")
      public <R> ActivityOutput<R> executeActivity(ActivityInput<R> input) {
        String type = input.getActivityName();
        if (type.equals("Platform.EnsureReaderService")) {
          readerPathMade = true;
        } else if (readerPathMade && toSkip > 0 && type.endsWith(".Observe")) {
          toSkip--;
          skipped.incrementAndGet();
          Object trusted = type.startsWith("Platform.")
              ? phase1.observePlatform(Requests.TARGET) : phase1.observeDatabase(Requests.TARGET);
          return new ActivityOutput<>("skipped", Workflow.newPromise((R) trusted));
        }
        return super.executeActivity(input);
      }
    }
  }

  // ---- fixtures ------------------------------------------------------------------------------

  private static WorkflowExecutionHistory history(Fixture f) throws IOException {
    return WorkflowExecutionHistory.fromJson(fixture(f.name()), f.workflowId());
  }

  /** The change ids of the version markers in a fixture, as JSON. */
  private static List<String> versionMarkers(String name) throws IOException {
    return events(name).stream().filter(HistoryEvent::hasMarkerRecordedEventAttributes)
        .map(e -> e.getMarkerRecordedEventAttributes().getDetailsMap().get("changeId")
            .getPayloads(0).getData().toStringUtf8()).toList();
  }

  /** Every search attribute's value after a fixture's last upsert, as JSON ("null": unset). */
  private static java.util.Map<String, String> lastUpserted(List<HistoryEvent> events) {
    java.util.Map<String, String> values = new java.util.HashMap<>();
    events.stream().filter(HistoryEvent::hasUpsertWorkflowSearchAttributesEventAttributes)
        .forEach(e -> e.getUpsertWorkflowSearchAttributesEventAttributes().getSearchAttributes()
            .getIndexedFieldsMap().forEach((k, v) -> values.put(k, v.getData().toStringUtf8())));
    return values;
  }

  /** The values a fixture's run upserted for a search attribute, in order, as JSON. */
  private static List<String> upserted(String name, String attribute) throws IOException {
    return events(name).stream()
        .filter(HistoryEvent::hasUpsertWorkflowSearchAttributesEventAttributes)
        .map(e -> e.getUpsertWorkflowSearchAttributesEventAttributes().getSearchAttributes()
            .getIndexedFieldsMap().get(attribute))
        .filter(java.util.Objects::nonNull)
        .map(p -> p.getData().toStringUtf8()).toList();
  }

  private static List<HistoryEvent> events(String name) throws IOException {
    return WorkflowExecutionHistory.fromJson(fixture(name), "any").getEvents();
  }

  private static List<EventType> types(String name) throws IOException {
    return WorkflowExecutionHistory.fromJson(fixture(name), "any").getEvents().stream()
        .map(HistoryEvent::getEventType).toList();
  }

  private static String fixture(String name) throws IOException {
    try (InputStream in = ReplayTest.class.getResourceAsStream("/histories/" + name + ".json")) {
      if (in == null) {
        throw new IllegalStateException("missing fixture histories/" + name + ".json: record it"
            + " with -Dunderway.recordHistories=true (see this class's javadoc)");
      }
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    }
  }

  // ---- recording -----------------------------------------------------------------------------

  private static final EvolutionRequest WITH_EXPIRY = new EvolutionRequest(Requests.TARGET,
      List.of(Phase.DEFAULTS.get(1)),
      new dev.underway.kernel.ApprovalPolicy(List.of("bob", "carol"), false, "PT72H", null),
      false, "alice");

  @Test
  @EnabledIfSystemProperty(named = "underway.recordHistories", matches = "true")
  void recordHistories() throws IOException {
    recordEvolution("completed", InMemoryCluster.atPhase0(), Requests.defaults(), wf -> {
      awaitGate(wf, "phase-1");
      wf.approve(new DecisionSignal("phase-1", "bob", "dashboards green"));
      awaitGate(wf, "phase-2");
      wf.decide(new DecisionRequest("phase-2", "approve", "carol", "go"));
    }, RunState.COMPLETED);
    recordEvolution("rejected", InMemoryCluster.atPhase0(), Requests.defaults(), wf -> {
      awaitGate(wf, "phase-1");
      wf.approve(new DecisionSignal("phase-2", "mallory", "wrong gate"));
      wf.reject(new DecisionSignal("phase-1", "bob", "not today"));
    }, RunState.REJECTED);
    InMemoryCluster holding = InMemoryCluster.atPhase0();
    holding.holdReplication();
    recordEvolution("aborted-during-wait", holding, Requests.defaults(), wf -> {
      awaitGate(wf, "phase-1");
      wf.approve(new DecisionSignal("phase-1", "bob", "go"));
      await().until(() -> Steps.AWAIT_REPLICATION.equals(wf.status().currentStep()));
      wf.abort(new DecisionSignal(null, "bob", "p99 too high"));
    }, RunState.ABORTED);
    // An approval policy with an expiry: the gate waits on a timer. Decided in time (a refused
    // self-approval by signal, then an approval by update), and left to expire.
    recordEvolution("gate-expiry-approved", InMemoryCluster.atPhase0(), WITH_EXPIRY, wf -> {
      awaitGate(wf, "phase-1");
      wf.approve(new DecisionSignal("phase-1", "alice", "my own run"));
      await().until(() -> wf.status().decisions().size() == 1);
      wf.decide(new DecisionRequest("phase-1", "approve", "bob", "before it expires"));
    }, RunState.COMPLETED);
    recordEvolution("gate-expired", InMemoryCluster.atPhase0(), WITH_EXPIRY,
        wf -> awaitGate(wf, "phase-1"), RunState.EXPIRED);
    InMemoryCluster broken = InMemoryCluster.atPhase0();
    broken.breakZoneChanges();
    recordEvolution("verification-failed", broken, new EvolutionRequest(Requests.TARGET,
        List.of(Phase.DEFAULTS.get(1)), null, false, "alice"), wf -> {
          awaitGate(wf, "phase-1");
          wf.approve(new DecisionSignal("phase-1", "bob", "go"));
        }, RunState.FAILED);
    recordEvolution("phase-already-reached", InMemoryCluster.atPhase1(),
        new EvolutionRequest(Requests.TARGET, Phase.DEFAULTS.subList(1, 3), null, false, "alice"),
        wf -> {
          awaitGate(wf, "phase-2");
          wf.decide(new DecisionRequest("phase-2", "approve", "bob", "phase-1 was there"));
        }, RunState.COMPLETED);
    recordOperatorSafetyHistories();
    recordViewHistories();
    recordSnapshotRateHistories();
    recordDriftCheck("drift-check-no-drift", Phase.DEFAULTS.get(1), false);
    recordDriftCheck("drift-check-drifted", Phase.DEFAULTS.get(0), true);
    SchemaHistories.record(ReplayTest::recorded, (name, history) -> {
      try {
        write(name, history);
      } catch (IOException e) {
        throw new java.io.UncheckedIOException(e);
      }
    });
  }

  /** Runs of the second command sequence ('operator-safety'), one phase each. */
  private static void recordOperatorSafetyHistories() throws IOException {
    EvolutionRequest phase1 = new EvolutionRequest(Requests.TARGET,
        List.of(Phase.DEFAULTS.get(1)), null, false, "alice");
    InMemoryCluster sick = InMemoryCluster.atPhase0().licensed(true);
    sick.unhealthy(1, 1);
    recordEvolution("held-then-approved", sick, phase1, (t, wf) -> {
      await().until(() -> wf.status().state() == RunState.HOLDING);
      t.env.sleep(java.time.Duration.ofSeconds(20)); // one re-check, still unhealthy
      sick.unhealthy(0, 0);
      t.env.sleep(java.time.Duration.ofMinutes(1));
      GateView gate = awaitGate(wf, "phase-1");
      wf.decide(new DecisionRequest("phase-1", "approve", "bob", "healthy again", gate.plan(),
          gate.openedAt()));
    }, RunState.COMPLETED);
    InMemoryCluster moved = InMemoryCluster.atPhase0().licensed(true);
    recordEvolution("gate-reopened", moved, phase1, (t, wf) -> {
      GateView first = awaitGate(wf, "phase-1");
      moved.scaledElsewhere(2);
      wf.approve(new DecisionSignal("phase-1", "bob", "approved 1 -> 2", first.plan(),
          first.openedAt()));
      GateView second = await().until(() -> wf.status().openGate(),
          g -> g != null && !g.plan().equals(first.plan()));
      wf.approve(new DecisionSignal("phase-1", "bob", "stale", second.plan(),
          "2020-01-01T00:00:00Z"));
      await().until(() -> wf.status().decisions().size() == 2);
      wf.decide(new DecisionRequest("phase-1", "approve", "bob", "read the new plan",
          second.plan(), second.openedAt()));
    }, RunState.COMPLETED);
    InMemoryCluster unreachable = InMemoryCluster.atPhase0().licensed(true);
    unreachable.scaleUnreachable(true);
    recordEvolution("aborted-while-retrying", unreachable, phase1, (t, wf) -> {
      awaitGate(wf, "phase-1");
      wf.approve(new DecisionSignal("phase-1", "bob", "go"));
      await().until(() -> unreachable.calls().contains("Platform.ScaleNodes(2)"));
      wf.abort(new DecisionSignal(null, "bob", "the API is down"));
    }, RunState.ABORTED);
    recordEvolution("refused-empty-approvers", InMemoryCluster.atPhase0(), new EvolutionRequest(
        Requests.TARGET, List.of(new Phase("phase-1", 2, 2, true)), new
            dev.underway.kernel.ApprovalPolicy(List.of(), true, "P45D", null), false, "alice"),
        (t, wf) -> { }, RunState.FAILED);
  }

  /** Runs of the VIEW sequence (operator-safety version 2). */
  private static void recordViewHistories() throws IOException {
    EvolutionRequest twoApprovers = new EvolutionRequest(Requests.TARGET,
        List.of(Phase.DEFAULTS.get(1)), new dev.underway.kernel.ApprovalPolicy(
            List.of("bob", "carol"), false, null, null, 2, null), false, "alice");
    recordEvolution("view-two-approvers", InMemoryCluster.atPhase0().licensed(true),
        twoApprovers, wf -> {
          GateView gate = awaitGate(wf, "phase-1");
          wf.decide(new DecisionRequest("phase-1", "approve", "bob", "one", gate.plan(),
              gate.openedAt()));
          wf.approve(new DecisionSignal("phase-1", "carol", "two", gate.plan(),
              gate.openedAt()));
        }, RunState.COMPLETED);
    EvolutionRequest phase1 = new EvolutionRequest(Requests.TARGET,
        List.of(Phase.DEFAULTS.get(1)), null, false, "alice");
    recordEvolution("view-rejected", InMemoryCluster.atPhase0(), phase1, wf -> {
      awaitGate(wf, "phase-1");
      wf.reject(new DecisionSignal("phase-1", "bob", "not today"));
    }, RunState.REJECTED);
    recordEvolution(TIMERS_NAMED, heldThenHealthy(), phase1, (t, wf) -> {
      await().until(() -> wf.status().state() == RunState.HOLDING);
      t.env.sleep(java.time.Duration.ofSeconds(20));
      t.cluster.unhealthy(0, 0);
      t.env.sleep(java.time.Duration.ofMinutes(1));
      GateView gate = awaitGate(wf, "phase-1");
      wf.decide(new DecisionRequest("phase-1", "approve", "bob", "healthy again", gate.plan(),
          gate.openedAt()));
    }, RunState.COMPLETED);
    if (!recorded(CANCELLED_AT_GATE)) {
      try (WorkflowTestSupport t = new WorkflowTestSupport(InMemoryCluster.atPhase0())) {
        ClusterEvolutionWorkflow wf = t.start(phase1);
        awaitGate(wf, "phase-1");
        WorkflowStub.fromTyped(wf).cancel();
        assertThatThrownBy(() -> WorkflowStub.fromTyped(wf).getResult(EvolutionResult.class))
            .isInstanceOf(WorkflowFailedException.class)
            .hasCauseInstanceOf(io.temporal.failure.CanceledFailure.class);
        assertThat(wf.status().state()).isEqualTo(RunState.CANCELED);
        write(CANCELLED_AT_GATE, t.client.fetchHistory(WORKFLOW_ID));
      }
    }
    if (!recorded("view-cancelled")) {
      try (WorkflowTestSupport t = new WorkflowTestSupport(InMemoryCluster.atPhase0())) {
        ClusterEvolutionWorkflow wf = t.start(phase1);
        awaitGate(wf, "phase-1");
        WorkflowStub.fromTyped(wf).cancel();
        assertThatThrownBy(() -> WorkflowStub.fromTyped(wf).getResult(EvolutionResult.class))
            .isInstanceOf(WorkflowFailedException.class)
            .hasCauseInstanceOf(io.temporal.failure.CanceledFailure.class);
        write("view-cancelled", t.client.fetchHistory(WORKFLOW_ID));
      }
    }
  }

  /** Runs of the snapshot-rate-guard version: a CockroachDB-like setting, the guard slowed. */
  private static void recordSnapshotRateHistories() throws IOException {
    EvolutionRequest phase1 = new EvolutionRequest(Requests.TARGET,
        List.of(Phase.DEFAULTS.get(1)), null, false, "alice");
    long mib = 1024L * 1024;
    InMemoryCluster completes = InMemoryCluster.atPhase0().licensed(true)
        .withSnapshotRate(32 * mib);
    completes.guardDuty(0.5);
    recordEvolution(SNAPSHOT_RATE_COMPLETED, completes, phase1, wf -> {
      awaitGate(wf, "phase-1");
      wf.approve(new DecisionSignal("phase-1", "bob", "go"));
    }, RunState.COMPLETED);
    InMemoryCluster held = InMemoryCluster.atPhase0().licensed(true).withSnapshotRate(32 * mib);
    held.guardDuty(0.5);
    held.holdReplication();
    recordEvolution(SNAPSHOT_RATE_ABORTED, held, phase1, wf -> {
      awaitGate(wf, "phase-1");
      wf.approve(new DecisionSignal("phase-1", "bob", "go"));
      await().until(() -> Long.valueOf(16 * mib).equals(held.snapshotRate()));
      wf.abort(new DecisionSignal(null, "bob", "p99 too high"));
    }, RunState.ABORTED);
    assertThat(held.snapshotRate()).isEqualTo(32 * mib);
  }

  private static InMemoryCluster heldThenHealthy() {
    InMemoryCluster sick = InMemoryCluster.atPhase0().licensed(true);
    sick.unhealthy(1, 1);
    return sick;
  }

  private static void recordEvolution(String name, InMemoryCluster cluster,
      EvolutionRequest request, Consumer<ClusterEvolutionWorkflow> drive, RunState expected)
      throws IOException {
    recordEvolution(name, cluster, request, (t, wf) -> drive.accept(wf), expected);
  }

  private static void recordEvolution(String name, InMemoryCluster cluster,
      EvolutionRequest request,
      java.util.function.BiConsumer<WorkflowTestSupport, ClusterEvolutionWorkflow> drive,
      RunState expected) throws IOException {
    if (recorded(name)) {
      return;
    }
    try (WorkflowTestSupport t = new WorkflowTestSupport(cluster)) {
      ClusterEvolutionWorkflow wf = t.start(request);
      drive.accept(t, wf);
      if (expected == RunState.FAILED) {
        assertThatThrownBy(() -> WorkflowStub.fromTyped(wf).getResult(EvolutionResult.class))
            .isInstanceOf(WorkflowFailedException.class);
      } else {
        assertThat(WorkflowTestSupport.outcome(wf).state()).isEqualTo(expected);
      }
      assertThat(wf.status().state()).isEqualTo(expected);
      write(name, t.client.fetchHistory(WORKFLOW_ID));
    }
  }

  private static void recordDriftCheck(String name, Phase declared, boolean drifted)
      throws IOException {
    if (recorded(name)) {
      return;
    }
    try (WorkflowTestSupport t = new WorkflowTestSupport(InMemoryCluster.atPhase1())) {
      DriftCheckWorkflow check = t.client.newWorkflowStub(DriftCheckWorkflow.class,
          WorkflowOptions.newBuilder().setTaskQueue(WorkflowTestSupport.TASK_QUEUE)
              .setWorkflowId(DRIFT_CHECK_ID).build());
      DriftReport report = check.check(new DriftCheckRequest(Requests.TARGET, declared));
      assertThat(report.drifted()).isEqualTo(drifted);
      write(name, t.client.fetchHistory(DRIFT_CHECK_ID));
    }
  }

  private static boolean recorded(String name) {
    return Files.exists(FIXTURES.resolve(name + ".json"));
  }

  private static void write(String name, WorkflowExecutionHistory history) throws IOException {
    Files.createDirectories(FIXTURES);
    Files.writeString(FIXTURES.resolve(name + ".json"), history.toJson(true));
  }
}
