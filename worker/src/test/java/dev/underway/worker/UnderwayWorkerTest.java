package dev.underway.worker;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import ch.qos.logback.classic.spi.ILoggingEvent;
import dev.underway.workflows.evolution.InMemoryCluster;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.URISyntaxException;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.client.utils.Serialization;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * {@code underway worker --embedded-temporal}: a real port, a second client over the network,
 * a graceful stop that leaves no threads or port behind. Activities: {@link InMemoryCluster},
 * an in-memory STAND-IN for Kubernetes and CockroachDB.
 */
class UnderwayWorkerTest {
  static final String SECRET = "uw-api-key-7f3a9c1e";
  static final String ID = "cluster-evolution-underway-demo-cockroachdb";

  @RegisterExtension final BackgroundWorker background = new BackgroundWorker();

  static int freePort() throws IOException {
    try (ServerSocket s = new ServerSocket(0)) {
      return s.getLocalPort();
    }
  }

  static boolean portIsFree(int port) {
    try (ServerSocket s = new ServerSocket(port)) {
      return true;
    } catch (IOException e) {
      return false;
    }
  }

  static Set<String> threadNames() {
    return Thread.getAllStackTraces().keySet().stream().filter(Thread::isAlive)
        .map(Thread::getName).collect(Collectors.toSet());
  }

  /** Threads a Temporal worker, client or server leaves if it is not shut down. */
  static Set<String> temporalThreads(Set<String> before) {
    return threadNames().stream()
        .filter(n -> !before.contains(n))
        .filter(n -> n.matches("(?i).*(poller|workflow|activity|temporal|grpc|elg|netty).*"))
        .collect(Collectors.toSet());
  }

  @Test
  void embeddedTemporalServesAStartFromASecondClientAndStopsCleanly() throws Exception {
    Set<String> threadsBefore = threadNames();
    int port = freePort();
    String address = "localhost:" + port;
    InMemoryActivitiesProvider provider =
        new InMemoryActivitiesProvider(InMemoryCluster.atPhase0());
    Cli worker = new Cli(new GrpcTemporalConnector(), () -> List.of(provider),
        Map.of("USER", "ops"));

    Future<Cli.Result> running = background.submit(() -> worker.run("worker",
        "--embedded-temporal", "--address", address, "--task-queue", "embedded-q",
        "--api-key", SECRET, "--no-tls", "--shutdown-grace", "PT5S"));
    await().atMost(Duration.ofSeconds(60))
        .until(() -> worker.lifecycle.isRunning() || running.isDone());
    assertThat(running.isDone()).as("worker ended early: %s",
        running.isDone() ? running.get() : "").isFalse();
    assertThat(provider.context.taskQueue()).isEqualTo("embedded-q");
    assertThat(provider.context.namespace()).isEqualTo("default");

    // A second client, over the real port, as another terminal would.
    Cli client = new Cli(new GrpcTemporalConnector(), List::of, Map.of("USER", "alice"));
    Cli.Result started = client.run("start", "--input-file", runbook("evolve.json").toString(),
        "--address", address, "--task-queue", "embedded-q");
    assertThat(started.exitCode()).as(started.toString()).isZero();
    assertThat(started.out()).contains("workflow id: " + ID)
        .contains("underway status " + ID + " --address " + address);

    await().atMost(Duration.ofSeconds(60)).until(
        () -> client.run("status", ID, "--address", address).out(),
        out -> out.contains("Open gate: phase-1"));
    Cli.Result approved = client.run("approve", ID, "--by", "bob", "--address", address);
    assertThat(approved.exitCode()).as(approved.toString()).isZero();
    await().atMost(Duration.ofSeconds(60)).until(
        () -> client.run("status", ID, "--address", address, "--json").out(),
        out -> out.contains("\"gate\" : \"phase-2\""));
    assertThat(provider.cluster.nodes()).isEqualTo(2);

    worker.lifecycle.requestStop();
    Cli.Result ended = running.get(60, TimeUnit.SECONDS);
    assertThat(ended.exitCode()).as(ended.toString()).isZero();
    assertThat(ended.out()).contains(
        "Embedded Temporal listening on localhost:" + port + " (in-memory, no Web UI)");
    assertThat(worker.lifecycle.isStopped()).isTrue();
    assertThat(provider.closed).isTrue();
    assertThat(portIsFree(port)).as("port %d released", port).isTrue();
    await().atMost(Duration.ofSeconds(60))
        .untilAsserted(() -> assertThat(temporalThreads(threadsBefore)).isEmpty());

    // What it served was logged, and the API key appears nowhere.
    String logged = background.logs().stream().map(ILoggingEvent::getFormattedMessage)
        .collect(Collectors.joining("\n"));
    assertThat(logged).contains("namespace default").contains("task queue embedded-q")
        .contains(address).contains("Worker stopped");
    assertThat(logged + ended.out() + ended.err() + started.out() + started.err())
        .doesNotContain(SECRET);
  }

  @Test
  void clientCannotReachTemporalExits3() throws Exception {
    int port = freePort();
    Cli client = new Cli(new GrpcTemporalConnector(), List::of, Map.of("USER", "alice"));
    Cli.Result r = client.run("status", ID, "--address", "localhost:" + port);
    assertThat(r.exitCode()).as(r.toString()).isEqualTo(3);
    assertThat(r.err()).contains("cannot reach Temporal at localhost:" + port)
        .doesNotContain("\tat ");
  }

  @Test
  void workerWithoutActivitiesExits1BeforeConnecting() {
    Cli worker = new Cli(o -> {
      throw new AssertionError("must not connect");
    }, List::of, Map.of());
    Cli.Result r = worker.run("worker");
    assertThat(r.exitCode()).as(r.toString()).isEqualTo(1);
    assertThat(r.err()).contains("ActivitiesProvider");
    assertThat(worker.connects.get()).isZero();
  }

  /**
   * The Deployment in manifests/worker runs {@code args: ["worker"]} with its env: the production
   * (Kubernetes + SQL) activities must start although another provider is on the classpath (a
   * test's here; the sandbox jar's local one there). Only TEMPORAL_ADDRESS is changed, to an
   * in-process server on this machine.
   */
  @Test
  void theWorkerDeploymentsOwnArgsStartTheProductionActivities() throws Exception {
    Container container;
    try (var in = Files.newInputStream(Path.of("..", "manifests", "worker", "deployment.yaml"))) {
      container = Serialization.unmarshal(in, Deployment.class).getSpec().getTemplate()
          .getSpec().getContainers().get(0);
    }
    Map<String, String> env = new java.util.HashMap<>();
    container.getEnv().forEach(e -> env.put(e.getName(), e.getValue()));
    int port = freePort();
    env.put("TEMPORAL_ADDRESS", "localhost:" + port);
    // no Kubernetes here: building the fabric8 client connects nowhere until an activity runs
    try (EmbeddedTemporal server = EmbeddedTemporal.start(port)) {
      try (TemporalConnection c = new GrpcTemporalConnector().connect(
          new ConnectionOptions().forEmbeddedServer("localhost:" + port))) {
        EmbeddedTemporal.registerSearchAttributes(c.operator(), "default");
      }
      Cli worker = new Cli(new GrpcTemporalConnector(), Underway::loadProviders, env);
      assertThat(Underway.loadProviders()).as("several providers on this classpath").hasSize(2);
      Future<Cli.Result> running = background.submit(
          () -> worker.run(container.getArgs().toArray(String[]::new)));
      await().atMost(Duration.ofSeconds(60))
          .until(() -> worker.lifecycle.isRunning() || running.isDone());
      assertThat(running.isDone()).as("worker ended early: %s",
          running.isDone() ? running.get() : "").isFalse();
      worker.lifecycle.requestStop();
      Cli.Result ended = running.get(60, TimeUnit.SECONDS);
      assertThat(ended.exitCode()).as(ended.toString()).isZero();
    }
    String logged = background.logs().stream().map(ILoggingEvent::getFormattedMessage)
        .collect(Collectors.joining("\n"));
    assertThat(logged).contains("activities 'kubernetes'").contains("task queue underway");
  }

  @Test
  void providersAreFoundWithTheServiceLoader() {
    assertThat(Underway.loadProviders()).extracting(ActivitiesProvider::name)
        .as("the production jar has no local provider: the sandbox jar adds it")
        .containsExactlyInAnyOrder("kubernetes", "service-loaded-in-memory");
  }

  static Path runbook(String name) throws URISyntaxException {
    return Path.of(UnderwayWorkerTest.class.getResource("/runbooks/cluster-evolution/" + name)
        .toURI());
  }
}
