package dev.underway.example.reindex;

import static org.assertj.core.api.Assertions.assertThat;

import dev.underway.kernel.DecisionRequest;
import dev.underway.kernel.DecisionSignal;
import io.temporal.common.WorkflowExecutionHistory;
import io.temporal.testing.TestWorkflowEnvironment;
import io.temporal.testing.WorkflowReplayer;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.CountDownLatch;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Recorded histories of the example runbook replay against its code, as {@code ReplayTest} does
 * for the shipped ones. A committed history is never recorded again; to add one, add it below
 * and run this test with {@code -Dunderway.recordHistories=true}: only missing ones are written.
 */
class ReindexReplayTest {

  static final Path FIXTURES = Path.of("src/test/resources/histories");

  @ParameterizedTest(name = "{0}")
  @ValueSource(strings = {"reindex-approved", "reindex-aborted"})
  void recordedHistoryReplays(String name) throws Exception {
    String json = Files.readString(FIXTURES.resolve(name + ".json"));
    assertThat(json).as("a run that reached its rebuild").contains("Reindex.Rebuild");
    WorkflowReplayer.replayWorkflowExecution(WorkflowExecutionHistory.fromJson(json),
        ReindexWorkflowImpl.class);
  }

  @Test
  @EnabledIfSystemProperty(named = "underway.recordHistories", matches = "true")
  void recordHistories() throws Exception {
    record("reindex-approved", new CountDownLatch(0), wf -> wf.decide(
        new DecisionRequest(ReindexWorkflowImpl.STAGE, "approve", "bob", "quiet hour")));
    CountDownLatch finish = new CountDownLatch(1);
    record("reindex-aborted", finish, wf -> {
      wf.approve(new DecisionSignal(ReindexWorkflowImpl.STAGE, "bob", "go"));
      org.awaitility.Awaitility.await().until(() -> "rebuild".equals(wf.status().currentStep()));
      wf.abort(new DecisionSignal(null, "dave", "too slow"));
    });
    finish.countDown();
  }

  private static void record(String name, CountDownLatch finish, Consumer<ReindexWorkflow> drive)
      throws IOException {
    Path file = FIXTURES.resolve(name + ".json");
    if (Files.exists(file)) {
      return;
    }
    try (TestWorkflowEnvironment env =
        ReindexWorkflowTest.environment(InMemoryIndex.slow(finish))) {
      ReindexWorkflow wf = ReindexWorkflowTest.begin(env, ReindexWorkflowTest.REQUEST);
      drive.accept(wf);
      try {
        ReindexWorkflowTest.result(wf);
      } catch (RuntimeException ended) {
        // an aborted run ends Failed: its history is what is recorded
      }
      Files.createDirectories(FIXTURES);
      Files.writeString(file, env.getWorkflowClient()
          .fetchHistory(ReindexWorkflowTest.ID).toJson(true));
    }
  }
}
