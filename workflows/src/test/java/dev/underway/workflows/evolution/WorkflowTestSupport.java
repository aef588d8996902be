package dev.underway.workflows.evolution;

import dev.underway.kernel.TestSenders;
import dev.underway.kernel.SearchAttributes;
import static org.awaitility.Awaitility.await;

import dev.underway.kernel.FailureKind;
import dev.underway.workflows.evolution.model.EvolutionRequest;
import dev.underway.workflows.evolution.model.EvolutionResult;
import io.temporal.client.WorkflowFailedException;
import io.temporal.client.WorkflowStub;
import io.temporal.failure.ApplicationFailure;
import dev.underway.kernel.RunStatus;
import dev.underway.kernel.GateView;
import dev.underway.workflows.drift.DriftCheckWorkflowImpl;
import io.temporal.api.enums.v1.IndexedValueType;
import io.temporal.client.WorkflowClient;
import io.temporal.client.WorkflowOptions;
import io.temporal.testing.TestEnvironmentOptions;
import io.temporal.testing.TestWorkflowEnvironment;
import io.temporal.worker.Worker;
import java.time.Duration;

/**
 * A time-skipping test environment with the workflows (ClusterEvolution, DriftCheck), the search
 * attributes registered as an operator would register them, and an {@link InMemoryCluster}
 * standing in for the activities.
 */
public final class WorkflowTestSupport implements AutoCloseable {
  public static final String TASK_QUEUE = "underway-test";

  public final TestWorkflowEnvironment env;
  public final WorkflowClient client;
  public final InMemoryCluster cluster;

  public WorkflowTestSupport(InMemoryCluster cluster) {
    this(cluster, true);
  }

  /**
   * @param timeSkipping false for tests whose client waits must take real time (e.g. a CLI
   *     command waiting for a gate), true to let blocking waits skip timers
   */
  public WorkflowTestSupport(InMemoryCluster cluster, boolean timeSkipping) {
    this.cluster = cluster;
    this.env = TestWorkflowEnvironment.newInstance(TestEnvironmentOptions.newBuilder()
        .setUseTimeskipping(timeSkipping).build());
    for (var key : SearchAttributes.ALL) {
      env.registerSearchAttribute(key.getName(), IndexedValueType.INDEXED_VALUE_TYPE_KEYWORD);
    }
    Worker worker = env.newWorker(TASK_QUEUE);
    worker.registerWorkflowImplementationTypes(ClusterEvolutionWorkflowImpl.class,
        DriftCheckWorkflowImpl.class);
    worker.registerActivitiesImplementations(cluster.activities());
    TestSenders.register(worker);
    env.start();
    this.client = env.getWorkflowClient();
  }

  public ClusterEvolutionWorkflow stub(EvolutionRequest request) {
    return stub(ClusterEvolutionWorkflow.workflowId(request.target()));
  }

  public ClusterEvolutionWorkflow stub(String workflowId) {
    return client.newWorkflowStub(ClusterEvolutionWorkflow.class,
        WorkflowOptions.newBuilder().setTaskQueue(TASK_QUEUE).setWorkflowId(workflowId).build());
  }

  /** A stub bound to the running workflow, for signals, updates and queries. */
  public ClusterEvolutionWorkflow running(EvolutionRequest request) {
    return client.newWorkflowStub(ClusterEvolutionWorkflow.class,
        ClusterEvolutionWorkflow.workflowId(request.target()));
  }

  /** Starts a run without waiting for it. */
  public ClusterEvolutionWorkflow start(EvolutionRequest request) {
    ClusterEvolutionWorkflow wf = stub(request);
    WorkflowClient.start(wf::evolve, request);
    return running(request);
  }

  /** Waits (real time, no time skipping) until the given gate is open and returns it. */
  public static GateView awaitGate(ClusterEvolutionWorkflow wf, String gate) {
    return await().atMost(Duration.ofSeconds(20)).until(() -> {
      RunStatus s = wf.status();
      return s.openGate() != null && s.openGate().gate().equals(gate) ? s.openGate() : null;
    }, g -> g != null);
  }

  /**
   * How a run ended: its result, or, for a run that did not complete (rejected, aborted,
   * expired: it ends Failed with that type), the result its failure carries.
   */
  public static EvolutionResult outcome(ClusterEvolutionWorkflow wf) {
    WorkflowStub stub = WorkflowStub.fromTyped(wf);
    try {
      return stub.getResult(EvolutionResult.class);
    } catch (WorkflowFailedException e) {
      if (e.getCause() instanceof ApplicationFailure af
          && FailureKind.of(af.getType()).ending()) {
        return af.getDetails().get(EvolutionResult.class);
      }
      throw e;
    }
  }

  @Override
  public void close() {
    env.close();
  }
}
