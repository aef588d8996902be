package dev.underway.example.reindex;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.underway.example.reindex.ReindexWorkflow.ReindexResult;
import dev.underway.kernel.DecisionRequest;
import dev.underway.kernel.RunState;
import dev.underway.runbooks.Coverage;
import dev.underway.runbooks.RequestRecognition;
import dev.underway.runbooks.Runbook;
import dev.underway.runbooks.Runbooks;
import io.temporal.client.WorkflowOptions;
import io.temporal.client.WorkflowStub;
import io.temporal.common.converter.JacksonJsonPayloadConverter;
import io.temporal.testing.TestWorkflowEnvironment;
import io.temporal.worker.Worker;
import io.temporal.worker.WorkflowImplementationOptions;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * How the registry takes the example runbook without editing another: {@link Runbooks#with}
 * adds it (the shipped registry {@link Runbooks#ALL} is unchanged), a worker whose activities
 * implement {@link ReindexActivities} serves it, and a request with an {@code index} is
 * recognised as its own without {@code --runbook}.
 */
class ReindexRegistrationTest {

  static final Runbook<ReindexRequest> REINDEX = new ReindexRunbook();
  static final ObjectMapper JSON = JacksonJsonPayloadConverter.newDefaultObjectMapper();

  @Test
  void aWorkerWhoseActivitiesImplementItsInterfaceServesItAndRunsItsRequests() throws Exception {
    List<Runbook<?>> registry = Runbooks.with(REINDEX);
    JsonNode json = JSON.readTree("{\"target\": {\"sqlHost\": \"db.example\", \"sqlPort\": 5432,"
        + " \"database\": \"shop\"}, \"index\": \"orders_pkey\", \"requestedBy\": \"alice\"}");
    RequestRecognition.Recognized recognized = RequestRecognition.recognize(json, registry);
    assertThat(recognized).isEqualTo(new RequestRecognition.Recognized(REINDEX, true));
    ReindexRequest request = JSON.treeToValue(json, REINDEX.requestType());
    assertThat(REINDEX.problems(request)).isEmpty();

    try (TestWorkflowEnvironment env = ReindexWorkflowTest.withSearchAttributes()) {
      Worker worker = env.newWorker("q");
      InMemoryIndex index = new InMemoryIndex(); // what a provider's activities() would give
      Coverage coverage = Runbooks.register(registry, worker,
          WorkflowImplementationOptions.getDefaultInstance(), null, List.of(index));
      assertThat(coverage.servedNames()).containsExactly(REINDEX.name());
      assertThat(coverage.unserved()).extracting(u -> u.runbook().name())
          .containsExactlyElementsOf(Runbooks.names());
      worker.registerActivitiesImplementations(index);
      env.start();

      String id = REINDEX.workflowId(request);
      WorkflowStub.fromTyped(env.getWorkflowClient().newWorkflowStub(
          REINDEX.workflowInterface(), WorkflowOptions.newBuilder().setTaskQueue("q")
              .setWorkflowId(id).build())).start(request);
      ReindexWorkflow wf = env.getWorkflowClient().newWorkflowStub(ReindexWorkflow.class, id);
      org.awaitility.Awaitility.await().until(() -> wf.status().openGate() != null);
      wf.decide(new DecisionRequest(ReindexWorkflowImpl.STAGE, "approve", "bob", "ok"));
      assertThat(WorkflowStub.fromTyped(wf).getResult(ReindexResult.class).state())
          .isEqualTo(RunState.COMPLETED);
      assertThat(Runbooks.owning(id)).as("the shipped registry does not know it").isEmpty();
    }
  }

  @Test
  void theShippedRegistryIsUnchangedAndANameAlreadyTakenIsRefused() {
    assertThat(Runbooks.with(REINDEX)).containsExactlyElementsOf(
        java.util.stream.Stream.concat(Runbooks.ALL.stream(), java.util.stream.Stream.of(REINDEX))
            .toList());
    assertThat(Runbooks.ALL).doesNotContain(REINDEX);
    assertThat(Runbooks.names()).doesNotContain(REINDEX.name());
    assertThatThrownBy(() -> Runbooks.with(REINDEX, new ReindexRunbook()))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("runbook reindex-index is already registered");
    assertThatThrownBy(() -> Runbooks.with(Runbooks.DRIFT_CHECK))
        .hasMessage("runbook drift-check is already registered");
  }
}
