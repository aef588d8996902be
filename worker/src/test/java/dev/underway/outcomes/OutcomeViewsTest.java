package dev.underway.outcomes;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.underway.kernel.ApprovalPolicy;
import dev.underway.kernel.DecisionSignal;
import dev.underway.kernel.Outcome;
import dev.underway.kernel.ReadmeViews;
import dev.underway.kernel.RunKernelTest.Ask;
import dev.underway.kernel.RunKernelTest.WindowRunbook;
import dev.underway.kernel.RunKernelTest.WindowRunbookImpl;
import dev.underway.kernel.RunState;
import dev.underway.kernel.TestSenders;
import dev.underway.temporal.DevServerFixture;
import io.temporal.client.WorkflowClient;
import io.temporal.client.WorkflowExecutionMetadata;
import io.temporal.client.WorkflowOptions;
import io.temporal.client.WorkflowStub;
import io.temporal.worker.Worker;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.function.Consumer;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The README's saved views, as pasted, on a real {@code temporal} dev server's visibility: one
 * run ends in each outcome (completed, rejected, aborted, expired, canceled through Temporal,
 * failed, refused, terminated), one waits at its gate; each outcome's view finds exactly its run,
 * the waiting view exactly the waiting one (not the cancelled or terminated run, which were at
 * the gate too), the stopped view the rejected, aborted, expired and canceled ones. The runs are
 * the kernel's test runbook ({@code RunKernelTest}): the views are the kernel's, whatever the
 * runbook.
 */
class OutcomeViewsTest {
  static final String TASK_QUEUE = "outcomes";

  @TempDir
  Path dir;

  @Test
  void eachReadmeViewFindsExactlyTheRunsThatEndedSo() throws Exception {
    try (DevServerFixture temporal = DevServerFixture.start(dir.resolve("temporal"), false)) {
      Worker worker = temporal.newWorker(TASK_QUEUE);
      worker.registerWorkflowImplementationTypes(WindowRunbookImpl.class);
      worker.registerActivitiesImplementations(new Windows());
      TestSenders.register(worker);
      temporal.startWorkers();
      WorkflowClient client = temporal.client();

      Ask plain = new Ask(null, false, false);
      Map<Outcome, String> ended = new LinkedHashMap<>();
      ended.put(Outcome.COMPLETED, run(client, "completed", plain,
          wf -> wf.approve(new DecisionSignal("go", "bob", "ok"))));
      ended.put(Outcome.REJECTED, run(client, "rejected", plain,
          wf -> wf.reject(new DecisionSignal("go", "bob", "no"))));
      ended.put(Outcome.ABORTED, run(client, "aborted", plain,
          wf -> wf.abort(new DecisionSignal(null, "bob", "stop"))));
      ended.put(Outcome.EXPIRED, run(client, "expired",
          new Ask(new ApprovalPolicy(null, null, "PT1S", null, null, null), false, false),
          wf -> { }));
      ended.put(Outcome.CANCELED, run(client, "canceled", plain,
          wf -> WorkflowStub.fromTyped(wf).cancel()));
      ended.put(Outcome.FAILED, run(client, "failed", new Ask(null, true, false),
          wf -> wf.approve(new DecisionSignal("go", "bob", "ok"))));
      ended.put(Outcome.REFUSED, run(client, "refused", new Ask(null, false, true), wf -> { }));
      ended.put(Outcome.TERMINATED, run(client, "terminated", plain,
          wf -> WorkflowStub.fromTyped(wf).terminate("by hand")));
      String waiting = run(client, "waiting", plain, wf -> { });

      for (var e : ended.entrySet()) {
        String id = e.getValue();
        await().atMost(Duration.ofSeconds(30)).until(
            () -> !client.newUntypedWorkflowStub(id).describe().getStatus().name()
                .endsWith("RUNNING"));
      }
      for (var e : ended.entrySet()) {
        String filter = ReadmeViews.of(e.getKey());
        awaitFound(client, filter, Set.of(e.getValue()));
      }
      awaitFound(client, ReadmeViews.view(ReadmeViews.WAITING), Set.of(waiting));
      awaitFound(client, ReadmeViews.view(ReadmeViews.STOPPED), Set.of(
          ended.get(Outcome.REJECTED), ended.get(Outcome.ABORTED), ended.get(Outcome.EXPIRED),
          ended.get(Outcome.CANCELED)));
      awaitFound(client, ReadmeViews.view("at a given gate").replace("phase-1", "go"),
          Set.of(waiting));
      WindowRunbook cancelled = client.newWorkflowStub(WindowRunbook.class,
          ended.get(Outcome.CANCELED));
      assertThat(cancelled.status().state()).as("the status says it as the view does")
          .isEqualTo(RunState.CANCELED);
      assertThat(Outcome.of(client.newUntypedWorkflowStub(ended.get(Outcome.TERMINATED))
          .describe().getStatus(), null)).isEqualTo(Outcome.TERMINATED);
    }
  }

  /** Starts a run, waits for its gate (or its end), then does {@code then}; its id. */
  private static String run(WorkflowClient client, String name, Ask ask,
      Consumer<WindowRunbook> then) {
    String id = "outcome-" + name;
    WindowRunbook wf = client.newWorkflowStub(WindowRunbook.class,
        WorkflowOptions.newBuilder().setTaskQueue(TASK_QUEUE).setWorkflowId(id).build());
    WorkflowClient.start(wf::run, ask);
    WindowRunbook running = client.newWorkflowStub(WindowRunbook.class, id);
    await().atMost(Duration.ofSeconds(30)).ignoreExceptions().until(
        () -> running.status().openGate() != null || running.status().state().terminal());
    then.accept(running);
    return id;
  }

  private static void awaitFound(WorkflowClient client, String filter, Set<String> ids) {
    await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(500))
        .untilAsserted(() -> assertThat(client.listExecutions(filter)
            .map(WorkflowExecutionMetadata::getExecution).map(x -> x.getWorkflowId())
            .collect(Collectors.toSet())).as(filter).isEqualTo(ids));
  }
}
