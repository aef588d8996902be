package dev.underway.temporal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.underway.kernel.ApprovalPolicy;
import dev.underway.kernel.Decision;
import dev.underway.kernel.GateView;
import dev.underway.kernel.RunStatus;
import dev.underway.kernel.Sender;
import dev.underway.runbooks.Runbooks;
import dev.underway.worker.ClientIdentity;
import dev.underway.worker.GrpcTemporalConnector;
import dev.underway.worker.Underway;
import dev.underway.worker.WorkerLifecycle;
import dev.underway.workflows.evolution.ClusterEvolutionWorkflow;
import dev.underway.workflows.evolution.InMemoryCluster;
import dev.underway.workflows.evolution.Requests;
import dev.underway.workflows.evolution.model.EvolutionRequest;
import dev.underway.workflows.evolution.model.Phase;
import io.temporal.api.history.v1.HistoryEvent;
import io.temporal.client.WorkflowClient;
import io.temporal.client.WorkflowOptions;
import io.temporal.worker.WorkerFactory;
import io.temporal.worker.WorkflowImplementationOptions;
import java.io.ByteArrayInputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * Who decided, on the real dev server: {@code underway approve} declares {@code
 * underway:USER@HOST}, a raw signal from the {@code temporal} CLI the {@code --identity} it was
 * given, and the run records for each decision exactly the identity the server's history shows
 * for its request, next to the {@code by} that was typed; {@code underway status} shows both.
 * The worker is the shared registration ({@code Runbooks.register}) with an IN-MEMORY STAND-IN
 * cluster.
 */
class DecisionSenderDevServerTest {

  static final String TQ = "underway-senders";
  static final String ID = ClusterEvolutionWorkflow.workflowId(Requests.TARGET);

  record Run(int exitCode, String out, String err) {}

  private static Run underway(String address, String... args) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    CommandLine cl = Underway.commandLine(new Underway(new GrpcTemporalConnector(), List::of,
        new WorkerLifecycle(), Map.of("USER", "bob"), new ByteArrayInputStream(new byte[0])));
    cl.setOut(new PrintWriter(out, true));
    cl.setErr(new PrintWriter(err, true));
    String[] all = java.util.stream.Stream.concat(java.util.Arrays.stream(args),
        java.util.stream.Stream.of("--address", address, "--task-queue", TQ))
        .toArray(String[]::new);
    return new Run(cl.execute(all), out.toString(), err.toString());
  }

  private static java.time.Instant eventTime(List<HistoryEvent> events, boolean accepted) {
    HistoryEvent e = events.stream().filter(accepted
        ? HistoryEvent::hasWorkflowExecutionUpdateAcceptedEventAttributes
        : HistoryEvent::hasWorkflowExecutionUpdateCompletedEventAttributes)
        .findFirst().orElseThrow();
    return java.time.Instant.ofEpochSecond(e.getEventTime().getSeconds(),
        e.getEventTime().getNanos());
  }

  @Test
  void theRecordedIdentityIsTheOneTheHistoryShowsForEachRequest(@TempDir Path tmp)
      throws Exception {
    InMemoryCluster cluster = InMemoryCluster.atPhase0().licensed(true);
    try (DevServerFixture temporal = DevServerFixture.start(tmp.resolve("temporal"), false)) {
      String address = temporal.server().address();
      WorkflowClient client = temporal.client();
      WorkerFactory factory = WorkerFactory.newInstance(client);
      var worker = factory.newWorker(TQ);
      Runbooks.register(worker, WorkflowImplementationOptions.getDefaultInstance(), address,
          List.of(cluster.activities()));
      worker.registerActivitiesImplementations(cluster.activities());
      factory.start();
      try {
        ClusterEvolutionWorkflow run = client.newWorkflowStub(ClusterEvolutionWorkflow.class,
            WorkflowOptions.newBuilder().setTaskQueue(TQ).setWorkflowId(ID).build());
        WorkflowClient.start(run::evolve, new EvolutionRequest(Requests.TARGET,
            List.of(Phase.DEFAULTS.get(1)), new ApprovalPolicy(List.of("bob", "carol"), true,
                null, null, 2, true, null), false, "alice"));
        ClusterEvolutionWorkflow running = client.newWorkflowStub(
            ClusterEvolutionWorkflow.class, ID);
        GateView gate = await().atMost(Duration.ofSeconds(60)).until(
            () -> running.status().openGate(), g -> g != null);

        long started = System.nanoTime();
        Run approved = underway(address, "approve", ID, "--gate", gate.gate());
        Duration took = Duration.ofNanos(System.nanoTime() - started);
        String mine = ClientIdentity.ofThisProcess();
        assertThat(approved.exitCode()).as(approved.toString()).isZero();
        assertThat(approved.out()).contains("as bob (Temporal identity: " + mine + ")");
        System.out.println("underway approve (update, sender looked up) took " + took.toMillis()
            + " ms");

        TemporalCli cli = new TemporalCli(temporal.binary(), TemporalCli.repositoryRoot(),
            address, tmp);
        TemporalCli.Result signalled = cli.run("temporal workflow signal --workflow-id " + ID
            + " --name approve --identity carol@ops-laptop --input '{\"gate\":\""
            + gate.gate() + "\",\"by\":\"carol\",\"comment\":\"by signal\"}'");
        assertThat(signalled.exitCode()).as(signalled.toString()).isZero();

        RunStatus after = await().atMost(Duration.ofSeconds(60)).until(running::status,
            s -> s.decisions().size() == 2 && s.state().terminal());
        assertThat(after.decisions()).extracting(Decision::accepted).containsExactly(true, true);
        List<HistoryEvent> events = client.fetchHistory(ID).getEvents();
        String updateIdentity = events.stream()
            .filter(HistoryEvent::hasWorkflowExecutionUpdateAcceptedEventAttributes)
            .map(e -> e.getWorkflowExecutionUpdateAcceptedEventAttributes().getAcceptedRequest()
                .getMeta().getIdentity()).findFirst().orElseThrow();
        String signalIdentity = events.stream()
            .filter(HistoryEvent::hasWorkflowExecutionSignaledEventAttributes)
            .map(e -> e.getWorkflowExecutionSignaledEventAttributes().getIdentity())
            .findFirst().orElseThrow();
        System.out.println("the decide update, accepted to completed (the sender's lookup): "
            + Duration.between(eventTime(events, true), eventTime(events, false)).toMillis()
            + " ms");
        assertThat(updateIdentity).isEqualTo(mine);
        assertThat(signalIdentity).isEqualTo("carol@ops-laptop");
        assertThat(after.decisions()).extracting(Decision::sender).containsExactly(
            new Sender(updateIdentity, null, null), new Sender(signalIdentity, null, null));

        Run status = underway(address, "status", ID);
        assertThat(status.exitCode()).as(status.toString()).isZero();
        assertThat(status.out()).contains("bob (Temporal identity: " + mine + ") approve")
            .contains("carol (Temporal identity: carol@ops-laptop) approve");
      } finally {
        factory.shutdownNow();
      }
    }
  }
}
