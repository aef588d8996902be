package dev.underway.kernel;

import io.temporal.api.enums.v1.IndexedValueType;
import io.temporal.testing.TestWorkflowEnvironment;
import io.temporal.worker.Worker;

/**
 * The kernel tests' Temporal: the time-skipping test server with Underway's search attributes,
 * and a worker on task queue {@code kernel} running {@link RunKernelTest}'s small gated runbook
 * with {@code window} as its activity and the decision senders registered, started.
 */
final class WindowRunbookEnvironment {

  static final String TASK_QUEUE = "kernel";

  private WindowRunbookEnvironment() {
  }

  static TestWorkflowEnvironment started(RunKernelTest.RecordingWindow window) {
    TestWorkflowEnvironment env = TestWorkflowEnvironment.newInstance();
    for (var key : SearchAttributes.ALL) {
      env.registerSearchAttribute(key.getName(), IndexedValueType.INDEXED_VALUE_TYPE_KEYWORD);
    }
    Worker worker = env.newWorker(TASK_QUEUE);
    worker.registerWorkflowImplementationTypes(RunKernelTest.WindowRunbookImpl.class);
    worker.registerActivitiesImplementations(window);
    TestSenders.register(worker);
    env.start();
    return env;
  }
}
