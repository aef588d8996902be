package dev.underway.runbooks;

import static org.assertj.core.api.Assertions.assertThat;

import dev.underway.kernel.DecisionSenders;
import dev.underway.kernel.Sender;
import io.temporal.activity.ActivityOptions;
import io.temporal.client.WorkflowClient;
import io.temporal.client.WorkflowClientOptions;
import io.temporal.client.WorkflowOptions;
import io.temporal.common.RetryOptions;
import io.temporal.testing.TestWorkflowEnvironment;
import io.temporal.worker.Worker;
import io.temporal.workflow.SignalMethod;
import io.temporal.workflow.UpdateMethod;
import io.temporal.workflow.Workflow;
import io.temporal.workflow.WorkflowInterface;
import io.temporal.workflow.WorkflowMethod;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The worker's {@link HistorySenders}, run twice for the same request (read-only: the same
 * answer), for an update and a signal, from the history of the run that asks; one that is not
 * there is an error the kernel records, not a guess.
 */
class HistorySendersTest {

  @WorkflowInterface
  public interface Asker {
    @WorkflowMethod(name = "TestAsker")
    Sender[] run();

    @UpdateMethod(name = "ask")
    Sender[] ask();

    @SignalMethod(name = "approve")
    void approve(String payload);
  }

  public static class AskerImpl implements Asker {
    private final DecisionSenders senders = Workflow.newActivityStub(DecisionSenders.class,
        ActivityOptions.newBuilder().setStartToCloseTimeout(Duration.ofSeconds(10))
            .setRetryOptions(RetryOptions.newBuilder().setMaximumAttempts(1).build()).build());
    private final List<Sender> signalled = new ArrayList<>();

    @Override
    public Sender[] run() {
      Workflow.await(() -> signalled.size() == 2);
      List<Sender> all = new ArrayList<>(signalled);
      try {
        senders.signalSender(List.of("approve"), 2);
      } catch (io.temporal.failure.ActivityFailure e) {
        all.add(Sender.unknown(((io.temporal.failure.TemporalFailure) e.getCause())
            .getOriginalMessage()));
      }
      return all.toArray(new Sender[0]);
    }

    @Override
    public Sender[] ask() {
      String id = Workflow.getCurrentUpdateInfo().orElseThrow().getUpdateId();
      return new Sender[] {senders.updateSender(id), senders.updateSender(id)};
    }

    @Override
    public void approve(String payload) {
      signalled.add(senders.signalSender(List.of("approve"), 1));
      signalled.add(senders.signalSender(List.of("approve"), 1));
    }
  }

  private TestWorkflowEnvironment env;

  @BeforeEach
  void start() {
    env = TestWorkflowEnvironment.newInstance();
    Worker worker = env.newWorker("senders");
    worker.registerWorkflowImplementationTypes(AskerImpl.class);
    worker.registerActivitiesImplementations(new HistorySenders());
    env.start();
  }

  @AfterEach
  void stop() {
    env.close();
  }

  @Test
  void answersTheSameTwiceFromTheAskingRunsHistory() {
    WorkflowClient tester = WorkflowClient.newInstance(env.getWorkflowServiceStubs(),
        WorkflowClientOptions.newBuilder().setNamespace(env.getNamespace())
            .setIdentity("tester@box").build());
    Asker started = tester.newWorkflowStub(Asker.class,
        WorkflowOptions.newBuilder().setTaskQueue("senders").setWorkflowId("asker").build());
    WorkflowClient.start(started::run);
    Asker asker = tester.newWorkflowStub(Asker.class, "asker");

    assertThat(asker.ask()).containsExactly(new Sender("tester@box", null, null),
        new Sender("tester@box", null, null));
    WorkflowClient.newInstance(env.getWorkflowServiceStubs(), WorkflowClientOptions.newBuilder()
        .setNamespace(env.getNamespace()).setIdentity("script@ci").build())
        .newWorkflowStub(Asker.class, "asker").approve("{}");

    Sender[] result = io.temporal.client.WorkflowStub.fromTyped(asker)
        .getResult(Sender[].class);
    assertThat(result).containsExactly(new Sender("script@ci", null, null),
        new Sender("script@ci", null, null),
        Sender.unknown("the run's history has 1 decision signal(s), not 2"));
  }
}
