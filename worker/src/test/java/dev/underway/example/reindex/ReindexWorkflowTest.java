package dev.underway.example.reindex;

import dev.underway.kernel.TestSenders;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.underway.example.reindex.ReindexWorkflow.ReindexResult;
import dev.underway.kernel.DecisionRequest;
import dev.underway.kernel.DecisionSignal;
import dev.underway.kernel.RunState;
import dev.underway.kernel.SearchAttributes;
import dev.underway.kernel.Timeline;
import dev.underway.targets.PostgresServer;
import io.temporal.api.enums.v1.IndexedValueType;
import io.temporal.client.WorkflowClient;
import io.temporal.client.WorkflowFailedException;
import io.temporal.client.WorkflowOptions;
import io.temporal.client.WorkflowStub;
import io.temporal.failure.ApplicationFailure;
import io.temporal.testing.TestWorkflowEnvironment;
import io.temporal.worker.Worker;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The example runbook's workflow in Temporal's time-skipping environment, its activities the
 * in-memory fake: approved (rebuilt and verified), rejected, aborted during the rebuild, and
 * refused (an invalid request, an unknown field, an index that is not there).
 */
class ReindexWorkflowTest {

  static final String QUEUE = "reindex";
  static final ReindexRequest REQUEST = new ReindexRequest(
      PostgresServer.of("db.example", 5432, "shop"), "orders_pkey", null, "alice", null);
  static final String ID = ReindexWorkflow.workflowId(REQUEST);

  private TestWorkflowEnvironment env;

  /** A time-skipping environment that knows Underway's search attributes, not started. */
  static TestWorkflowEnvironment withSearchAttributes() {
    TestWorkflowEnvironment env = TestWorkflowEnvironment.newInstance();
    for (var key : SearchAttributes.ALL) {
      env.registerSearchAttribute(key.getName(), IndexedValueType.INDEXED_VALUE_TYPE_KEYWORD);
    }
    return env;
  }

  /** A started environment whose worker runs the example with {@code index}. */
  static TestWorkflowEnvironment environment(InMemoryIndex index) {
    TestWorkflowEnvironment env = withSearchAttributes();
    Worker worker = env.newWorker(QUEUE);
    worker.registerWorkflowImplementationTypes(ReindexWorkflowImpl.class);
    worker.registerActivitiesImplementations(index);
    TestSenders.register(worker);
    env.start();
    return env;
  }

  /** Starts a run of {@code request} and waits until its gate is open (or it ended). */
  static ReindexWorkflow begin(TestWorkflowEnvironment env, Object request) {
    WorkflowStub stub = env.getWorkflowClient().newUntypedWorkflowStub(ReindexWorkflow.TYPE,
        WorkflowOptions.newBuilder().setTaskQueue(QUEUE).setWorkflowId(ID).build());
    stub.start(request);
    ReindexWorkflow wf = env.getWorkflowClient().newWorkflowStub(ReindexWorkflow.class, ID);
    await().atMost(Duration.ofSeconds(20)).until(() -> wf.status().openGate() != null
        || wf.status().state().terminal());
    return wf;
  }

  static ReindexResult result(ReindexWorkflow wf) {
    return WorkflowStub.fromTyped(wf).getResult(ReindexResult.class);
  }

  @AfterEach
  void stop() {
    env.close();
  }

  @Test
  void approvedTheIndexIsRebuiltAndVerified() {
    InMemoryIndex index = new InMemoryIndex();
    env = environment(index);
    ReindexWorkflow wf = begin(env, REQUEST);
    assertThat(wf.status().openGate().text())
        .contains("REINDEX INDEX CONCURRENTLY orders_pkey on db.example:5432 (8192 bytes)");
    wf.decide(new DecisionRequest(ReindexWorkflowImpl.STAGE, "approve", "bob", "quiet hour"));

    ReindexResult r = result(wf);
    assertThat(r.state()).isEqualTo(RunState.COMPLETED);
    assertThat(r.message()).isEqualTo("orders_pkey on db.example:5432 was rebuilt and is valid"
        + " (8192 bytes before, 4096 after).");
    assertThat(r.after().valid()).isTrue();
    assertThat(index.calls).containsExactly("observe", "rebuild", "observe");
    assertThat(wf.status().timeline()).extracting(e -> e.step()).containsSubsequence(
        "observe", "gate", "rebuild", "verify");
  }

  @Test
  void rejectedNothingIsRebuilt() {
    InMemoryIndex index = new InMemoryIndex();
    env = environment(index);
    ReindexWorkflow wf = begin(env, REQUEST);
    wf.reject(new DecisionSignal(ReindexWorkflowImpl.STAGE, "carol", "not today"));

    assertThatThrownBy(() -> result(wf)).isInstanceOf(WorkflowFailedException.class).cause()
        .hasMessageContaining("Rejected by carol: not rebuilt.")
        .satisfies(e -> assertThat(((ApplicationFailure) e).getType()).isEqualTo("Rejected"));
    assertThat(index.calls).containsExactly("observe");
    assertThat(wf.status().state()).isEqualTo(RunState.REJECTED);
  }

  @Test
  void anAbortDuringTheRebuildEndsTheRunThere() throws InterruptedException {
    CountDownLatch finish = new CountDownLatch(1);
    InMemoryIndex index = InMemoryIndex.slow(finish);
    env = environment(index);
    try {
      ReindexWorkflow wf = begin(env, REQUEST);
      wf.approve(new DecisionSignal(ReindexWorkflowImpl.STAGE, "bob", "go"));
      index.rebuilding.await();
      await().atMost(Duration.ofSeconds(20))
          .until(() -> "rebuild".equals(wf.status().currentStep()));
      wf.abort(new DecisionSignal(null, "dave", "too slow"));

      assertThatThrownBy(() -> result(wf)).cause()
          .hasMessageContaining("Aborted by dave (too slow) at reindex/rebuild.")
          .hasMessageContaining("an interrupted rebuild leaves an invalid copy")
          .satisfies(e -> assertThat(((ApplicationFailure) e).getType()).isEqualTo("Aborted"));
      assertThat(wf.status().timeline()).anyMatch(e -> e.step().equals("rebuild")
          && e.state().equals(Timeline.ABORTED));
      assertThat(index.calls).as("not verified: the run stopped in its step")
          .containsExactly("observe", "rebuild");
    } finally {
      finish.countDown();
    }
  }

  @Test
  void aRequestWithProblemsIsRefusedBeforeAnythingIsObserved() {
    InMemoryIndex index = new InMemoryIndex();
    env = environment(index);
    // as JSON reaches the workflow: the typo lands in unknownFields, which validation refuses
    ReindexWorkflow wf = begin(env, Map.of("target", Map.of("sqlHost", "db.example",
        "sqlPort", 5432, "database", "shop"), "index", "Orders-PK", "aproval", Map.of()));

    assertThatThrownBy(() -> result(wf)).cause()
        .satisfies(e -> assertThat(((ApplicationFailure) e).getOriginalMessage())
            .startsWith("Refused before any change: request has unknown field(s) [aproval]"))
        .hasMessageContaining("request has unknown field(s) [aproval]")
        .hasMessageContaining("index 'Orders-PK' is not an index")
        .satisfies(e -> assertThat(((ApplicationFailure) e).getType())
            .isEqualTo("InvalidRequest"));
    assertThat(index.calls).isEmpty();
  }

  @Test
  void anIndexThatIsNotThereIsRefusedWithTheRunbooksOwnKind() {
    InMemoryIndex index = new InMemoryIndex();
    index.exists = false;
    env = environment(index);
    ReindexWorkflow wf = begin(env, REQUEST);

    assertThatThrownBy(() -> result(wf)).cause()
        .hasMessageContaining("Refused before any change: index orders_pkey does not exist on"
            + " db.example:5432")
        .satisfies(e -> assertThat(((ApplicationFailure) e).getType()).isEqualTo("NoSuchIndex"));
    assertThat(index.calls).containsExactly("observe");
  }
}
