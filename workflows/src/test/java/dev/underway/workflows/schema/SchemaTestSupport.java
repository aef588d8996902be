package dev.underway.workflows.schema;

import dev.underway.kernel.TestSenders;
import static org.awaitility.Awaitility.await;

import dev.underway.kernel.FailureKind;
import dev.underway.kernel.DecisionRequest;
import dev.underway.kernel.GateView;
import dev.underway.kernel.RunStatus;
import dev.underway.kernel.SearchAttributes;
import dev.underway.workflows.evolution.Requests;
import io.temporal.api.enums.v1.IndexedValueType;
import io.temporal.client.WorkflowClient;
import io.temporal.client.WorkflowFailedException;
import io.temporal.client.WorkflowOptions;
import io.temporal.client.WorkflowStub;
import io.temporal.failure.ApplicationFailure;
import io.temporal.testing.TestEnvironmentOptions;
import io.temporal.testing.TestWorkflowEnvironment;
import io.temporal.worker.Worker;
import java.time.Duration;

/**
 * A time-skipping test environment with the SchemaChange workflow, the search attributes
 * registered, and an {@link InMemoryTable} standing in for its activities.
 */
public final class SchemaTestSupport implements AutoCloseable {
  public static final String TASK_QUEUE = "underway-schema-test";

  public final TestWorkflowEnvironment env;
  public final WorkflowClient client;
  public final InMemoryTable table;

  public SchemaTestSupport(InMemoryTable table) {
    this(table, true);
  }

  /** @param timeSkipping false where a command line waits in real time, as a person does */
  public SchemaTestSupport(InMemoryTable table, boolean timeSkipping) {
    this.table = table;
    this.env = TestWorkflowEnvironment.newInstance(TestEnvironmentOptions.newBuilder()
        .setUseTimeskipping(timeSkipping).build());
    for (var key : SearchAttributes.ALL) {
      env.registerSearchAttribute(key.getName(), IndexedValueType.INDEXED_VALUE_TYPE_KEYWORD);
    }
    Worker worker = env.newWorker(TASK_QUEUE);
    worker.registerWorkflowImplementationTypes(SchemaChangeWorkflowImpl.class);
    worker.registerActivitiesImplementations(table);
    TestSenders.register(worker);
    env.start();
    this.client = env.getWorkflowClient();
  }

  /** An example input under runbooks/schema-change/. */
  public static SchemaChangeRequest example(String name) {
    try {
      return Requests.TEMPORAL_JSON.readValue(
          Requests.runbookFile("schema-change/" + name + ".json"), SchemaChangeRequest.class);
    } catch (java.io.IOException e) {
      throw new IllegalStateException(e);
    }
  }

  /** Starts a run under its own workflow id without waiting for it. */
  public SchemaChangeWorkflow start(SchemaChangeRequest request) {
    return start(request, SchemaChangeWorkflow.workflowId(request));
  }

  public SchemaChangeWorkflow start(SchemaChangeRequest request, String workflowId) {
    SchemaChangeWorkflow wf = client.newWorkflowStub(SchemaChangeWorkflow.class,
        WorkflowOptions.newBuilder().setTaskQueue(TASK_QUEUE).setWorkflowId(workflowId).build());
    WorkflowClient.start(wf::change, request);
    return client.newWorkflowStub(SchemaChangeWorkflow.class, workflowId);
  }

  /** Waits (real time) until {@code gate} is open and returns it. */
  public static GateView awaitGate(SchemaChangeWorkflow wf, String gate) {
    return await().atMost(Duration.ofSeconds(20)).until(() -> {
      RunStatus s = wf.status();
      return s.openGate() != null && s.openGate().gate().equals(gate) ? s.openGate() : null;
    }, g -> g != null);
  }

  /** An approval of {@code gate} by {@code who}. */
  public static DecisionRequest approve(String gate, String who) {
    return new DecisionRequest(gate, "approve", who, "checked");
  }

  /** An approval of the destructive contract gate, {@code confirm} typed. */
  public static DecisionRequest approveContract(String who, String confirm) {
    return new DecisionRequest("contract", "approve", who, "typed it", null, null, confirm);
  }

  /** Approves every gate before the contract (as bob) and returns the contract gate. */
  public static GateView toContractGate(SchemaChangeWorkflow wf) {
    for (String gate : new String[] {"expand", "switch-reads", "stop-old-writes"}) {
      awaitGate(wf, gate);
      wf.decide(approve(gate, "bob"));
    }
    return awaitGate(wf, "contract");
  }

  /** The result, or the one a run that did not complete ends Failed with. */
  public static SchemaChangeResult outcome(SchemaChangeWorkflow wf) {
    WorkflowStub stub = WorkflowStub.fromTyped(wf);
    try {
      return stub.getResult(SchemaChangeResult.class);
    } catch (WorkflowFailedException e) {
      if (e.getCause() instanceof ApplicationFailure af
          && FailureKind.of(af.getType()).ending()) {
        return af.getDetails().get(SchemaChangeResult.class);
      }
      throw e;
    }
  }

  @Override
  public void close() {
    env.close();
  }
}
