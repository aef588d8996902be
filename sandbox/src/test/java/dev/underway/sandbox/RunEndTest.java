package dev.underway.sandbox;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.underway.kernel.RunKernelTest;
import dev.underway.kernel.RunKernelTest.Ask;
import dev.underway.kernel.RunKernelTest.WindowRunbook;
import dev.underway.kernel.RunState;
import dev.underway.kernel.TestSenders;
import dev.underway.kernel.SearchAttributes;
import io.temporal.api.enums.v1.IndexedValueType;
import io.temporal.client.WorkflowClient;
import io.temporal.client.WorkflowOptions;
import io.temporal.client.WorkflowStub;
import io.temporal.failure.ApplicationFailure;
import io.temporal.testing.TestWorkflowEnvironment;
import io.temporal.worker.Worker;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/**
 * The sandbox's "Run ended" word for a run without a result is the outcome the UI and the run's
 * page show: a run cancelled through Temporal ended CANCELED (it said FAILED), a refused one
 * REFUSED.
 */
class RunEndTest {

  @Test
  void aRunCancelledThroughTemporalEndedCanceledNotFailed() {
    try (TestWorkflowEnvironment env = TestWorkflowEnvironment.newInstance()) {
      for (var key : SearchAttributes.ALL) {
        env.registerSearchAttribute(key.getName(), IndexedValueType.INDEXED_VALUE_TYPE_KEYWORD);
      }
      Worker worker = env.newWorker("sandbox-end");
      worker.registerWorkflowImplementationTypes(RunKernelTest.WindowRunbookImpl.class);
      worker.registerActivitiesImplementations(new Window());
      TestSenders.register(worker);
      env.start();
      WindowRunbook cancelled = begin(env, "cancelled", new Ask(null, false, false));
      WorkflowStub.fromTyped(cancelled).cancel();
      await().atMost(Duration.ofSeconds(20)).until(() -> cancelled.status().state().terminal());
      WorkflowStub stub = WorkflowStub.fromTyped(cancelled);
      await().atMost(Duration.ofSeconds(20)).until(
          () -> !stub.describe().getStatus().name().endsWith("RUNNING"));
      assertThat(RunEnd.endedAs(stub, RunState.WAITING_FOR_APPROVAL))
          .as("what the status said last does not matter: Temporal says Canceled")
          .isEqualTo(RunState.CANCELED);
      WindowRunbook refused = begin(env, "refused", new Ask(null, false, true));
      assertThat(RunEnd.endedAs(WorkflowStub.fromTyped(refused), refused.status().state()))
          .isEqualTo(RunState.REFUSED);
    }
  }

  private static WindowRunbook begin(TestWorkflowEnvironment env, String id, Ask ask) {
    WindowRunbook wf = env.getWorkflowClient().newWorkflowStub(WindowRunbook.class,
        WorkflowOptions.newBuilder().setTaskQueue("sandbox-end").setWorkflowId(id).build());
    WorkflowClient.start(wf::run, ask);
    WindowRunbook running = env.getWorkflowClient().newWorkflowStub(WindowRunbook.class, id);
    await().atMost(Duration.ofSeconds(20)).until(() -> running.status().openGate() != null
        || running.status().state().terminal());
    return running;
  }

  static final class Window implements RunKernelTest.Window {
    @Override
    public String open() {
      return "opened";
    }

    @Override
    public String close() {
      return "closed";
    }

    @Override
    public String unlock() {
      return "unlocked";
    }

    @Override
    public String fail() {
      throw ApplicationFailure.newNonRetryableFailure("broke", "Broken");
    }
  }
}
