package dev.underway.temporal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.underway.kernel.ApprovalPolicy;
import dev.underway.workflows.evolution.model.EvolutionRequest;
import dev.underway.kernel.RunStatus;
import dev.underway.kernel.GateView;
import dev.underway.worker.GrpcTemporalConnector;
import dev.underway.worker.Underway;
import dev.underway.worker.WorkerLifecycle;
import dev.underway.runbooks.Runbooks;
import dev.underway.workflows.evolution.ClusterEvolutionWorkflow;
import dev.underway.workflows.evolution.InMemoryCluster;
import dev.underway.workflows.evolution.Requests;
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
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * What an operator types at a gate, on the real dev server (which runs on a random port, as the
 * sandbox's does): the commands the gate prints work as printed, naming that server; with no
 * worker polling, {@code underway approve} says so at once instead of hanging, {@code underway
 * status} shows what the server knows, and a decision that waited for a worker longer than its
 * validity is refused when it arrives. The worker is in-process with an IN-MEMORY STAND-IN
 * cluster: what is proven is the path through Temporal.
 */
class OperatorPathTest {

  static final String TQ = "underway-operator-path";
  static final String UNPOLLED = "underway-nobody-polls";
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

  private static WorkerFactory worker(WorkflowClient client, String address,
      InMemoryCluster cluster) {
    WorkerFactory factory = WorkerFactory.newInstance(client);
    var worker = factory.newWorker(TQ);
    Runbooks.register(worker, WorkflowImplementationOptions.getDefaultInstance(), address,
        List.of(cluster.activities()));
    worker.registerActivitiesImplementations(cluster.activities());
    factory.start();
    return factory;
  }

  @Test
  void gateCommandsWorkAsPrintedAndNoWorkerIsSaidNotWaitedFor(@TempDir Path tmp)
      throws Exception {
    InMemoryCluster cluster = InMemoryCluster.atPhase0().licensed(true);
    try (DevServerFixture temporal = DevServerFixture.start(tmp.resolve("temporal"), false)) {
      String address = temporal.server().address();
      assertThat(address).isNotEqualTo("localhost:7233");
      WorkflowClient client = temporal.client();
      WorkerFactory factory = worker(client, address, cluster);
      try {
        ClusterEvolutionWorkflow run = client.newWorkflowStub(ClusterEvolutionWorkflow.class,
            WorkflowOptions.newBuilder().setTaskQueue(TQ).setWorkflowId(ID).build());
        WorkflowClient.start(run::evolve, new EvolutionRequest(Requests.TARGET, null,
            new ApprovalPolicy(null, true, null, "PT3S", null), false, "alice"));
        ClusterEvolutionWorkflow running = client.newWorkflowStub(
            ClusterEvolutionWorkflow.class, ID);

        // The gate's own temporal line, pasted as printed: it names this server and the plan.
        GateView gate1 = awaitGate(running, "phase-1");
        String printed = gate1.text().lines().map(String::strip)
            .filter(l -> l.startsWith("temporal workflow update execute")
                && l.contains("\"decision\":\"approve\"")).findFirst().orElseThrow();
        assertThat(printed).contains("--address " + address)
            .contains("\"plan\":\"" + gate1.plan() + "\"");
        TemporalCli cli = new TemporalCli(temporal.binary(), TemporalCli.repositoryRoot(), address,
            tmp);
        TemporalCli.Result pasted = cli.runAsPrinted(
            printed.replace("YOUR-NAME", "bob").replace("\"why\"", "\"dashboards green\""));
        assertThat(pasted.exitCode()).as(pasted.toString()).isZero();
        awaitGate(running, "phase-2");

        // The worker goes away while the gate is open.
        factory.shutdownNow();
        factory.awaitTermination(30, TimeUnit.SECONDS);

        // A signal sent now waits for a worker; it arrives later than its validity (PT3S).
        Run signalled = underway(address, "approve", ID, "--gate", "phase-2", "--signal");
        java.time.Instant sent = java.time.Instant.now(); // issuedAt is no later than this
        assertThat(signalled.exitCode()).as(signalled.toString()).isZero();
        assertThat(signalled.out()).contains("Sent signal approve for gate phase-2");
        // the premise: the decision is older than its validity when a worker comes back
        await().atMost(Duration.ofSeconds(10))
            .until(() -> java.time.Instant.now().isAfter(sent.plusSeconds(4)));
        factory = worker(client, address, cluster);
        RunStatus after = await().atMost(Duration.ofSeconds(60)).until(running::status,
            s -> s.decisions().stream().anyMatch(d -> d.gate().equals("phase-2")));
        assertThat(after.decisions()).filteredOn(d -> d.gate().equals("phase-2"))
            .singleElement().satisfies(d -> {
              assertThat(d.accepted()).isFalse();
              assertThat(d.note()).contains("stale");
            });
        assertThat(after.openGate()).as("still waiting at phase-2").isNotNull();
        assertThat(cluster.nodes()).as("phase 2 was not started by the stale approval")
            .isEqualTo(2);

        // A run on a task queue no worker polls: the commands say so at once.
        String lonely = "cluster-evolution-nobody-polls";
        client.newUntypedWorkflowStub(ClusterEvolutionWorkflow.TYPE, WorkflowOptions.newBuilder()
            .setTaskQueue(UNPOLLED).setWorkflowId(lonely).build())
            .start(Requests.defaults());
        long started = System.nanoTime();
        Run refused = underway(address, "approve", lonely, "--gate", "phase-1");
        assertThat(refused.exitCode()).as(refused.toString()).isEqualTo(1);
        assertThat(refused.err()).contains("no worker is polling task queue " + UNPOLLED);
        assertThat(Duration.ofNanos(System.nanoTime() - started))
            .as("answered, not waited for a worker").isLessThan(Duration.ofSeconds(30));
        Run status = underway(address, "status", lonely);
        assertThat(status.exitCode()).as(status.toString()).isZero();
        assertThat(status.out()).contains("as the Temporal server sees it")
            .contains("no worker is polling task queue " + UNPOLLED)
            .contains("RUNNING").contains("UnderwayState:");
        Run noted = underway(address, "abort", lonely, "--signal");
        assertThat(noted.out()).contains("Note: no worker is polling task queue " + UNPOLLED)
            .contains("stale");
      } finally {
        factory.shutdownNow();
        factory.awaitTermination(30, TimeUnit.SECONDS);
      }
    }
  }

  private static GateView awaitGate(ClusterEvolutionWorkflow run, String gate) {
    return await().atMost(Duration.ofSeconds(60)).until(() -> run.status().openGate(),
        g -> g != null && g.gate().equals(gate));
  }
}
