package dev.underway.worker;

import dev.underway.workflows.drift.DriftCheckWorkflowImpl;
import dev.underway.workflows.evolution.ClusterEvolutionWorkflow;
import dev.underway.workflows.evolution.ClusterEvolutionWorkflowImpl;
import io.temporal.worker.Worker;
import io.temporal.worker.WorkflowImplementationOptions;

/** The workflows a worker serves, registered alike by {@code underway worker} and the sandbox. */
public final class Workflows {
  private Workflows() {}

  /**
   * @param address the Temporal address this worker was given: gates print it in their
   *     commands when it is not the default, so that they reach this server
   */
  public static void register(Worker worker, WorkflowImplementationOptions options,
      String address) {
    worker.registerWorkflowImplementationFactory(ClusterEvolutionWorkflow.class,
        () -> new ClusterEvolutionWorkflowImpl(address), options);
    worker.registerWorkflowImplementationTypes(options, DriftCheckWorkflowImpl.class);
  }
}
