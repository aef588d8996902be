package dev.underway.activities.kubernetes.real;

import dev.underway.kernel.TestSenders;
import dev.underway.kernel.SearchAttributes;
import io.temporal.api.enums.v1.IndexedValueType;
import io.temporal.testing.TestEnvironmentOptions;
import io.temporal.testing.TestWorkflowEnvironment;
import io.temporal.worker.Worker;

/**
 * Temporal's test environment for workflows whose activities talk to the real control plane: in
 * real time (the activities poll a real server, which a skipping clock would outrun), with
 * Underway's search attributes registered as an operator would, and one worker.
 */
final class RealTimeWorkflows {
  private RealTimeWorkflows() {}

  /** Started, with {@code workflow} and {@code activities} on {@code taskQueue}; the caller closes it. */
  static TestWorkflowEnvironment start(String taskQueue, Class<?> workflow, Object... activities) {
    TestWorkflowEnvironment env = TestWorkflowEnvironment.newInstance(
        TestEnvironmentOptions.newBuilder().setUseTimeskipping(false).build());
    SearchAttributes.ALL.forEach(key ->
        env.registerSearchAttribute(key.getName(), IndexedValueType.INDEXED_VALUE_TYPE_KEYWORD));
    Worker worker = env.newWorker(taskQueue);
    worker.registerWorkflowImplementationTypes(workflow);
    worker.registerActivitiesImplementations(activities);
    TestSenders.register(worker);
    env.start();
    return env;
  }
}
