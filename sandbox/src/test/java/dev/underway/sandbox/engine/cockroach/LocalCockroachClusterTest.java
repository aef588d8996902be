package dev.underway.sandbox.engine.cockroach;

import static dev.underway.sandbox.engine.EngineTests.assertTwice;
import static dev.underway.sandbox.engine.EngineTests.assertRefused;
import static dev.underway.sandbox.engine.EngineTests.alive;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import com.sun.net.httpserver.HttpServer;
import dev.underway.sandbox.engine.EngineTests;
import dev.underway.sandbox.engine.LocalPlatformActivities;
import dev.underway.kernel.Failures;
import dev.underway.workflows.evolution.contract.EvolutionFailures;
import dev.underway.workflows.evolution.contract.PlatformActivities;
import dev.underway.sandbox.engine.cockroach.LocalCockroachCluster.Node;
import dev.underway.kernel.ChangeResult.Outcome;
import dev.underway.workflows.evolution.model.PlatformState;
import dev.underway.workflows.evolution.model.ClusterTarget;
import dev.underway.sandbox.engine.ClusterState;
import dev.underway.sandbox.engine.Engine;
import io.temporal.activity.ActivityOptions;
import io.temporal.testing.TestActivityEnvironment;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The CockroachDB engine's logic without a {@code cockroach} binary: command lines, the state
 * file, validation, credentials, readiness over HTTP, and attach/scale/close with stand-in node
 * processes (a shell script that runs until SIGTERM) and stand-in {@code /health} endpoints.
 * Always runs; the real thing is {@link LocalCockroachEvolutionTest}.
 */
class LocalCockroachClusterTest {

  private static final ClusterTarget TARGET = EngineTests.TARGET;
  private static final Duration POLL = Duration.ofMillis(50);
  private static final ActivityOptions OPTIONS = EngineTests.OPTIONS;

  @TempDir Path tmp;

  private final List<HttpServer> healthServers = new ArrayList<>();
  private final List<Process> extraProcesses = new ArrayList<>();

  @AfterEach
  void cleanUp() {
    healthServers.forEach(s -> s.stop(0));
    extraProcesses.forEach(Process::destroyForcibly);
  }

  // ---- command lines --------------------------------------------------------------------------

  @Test
  void startCommandRunsAnInsecureForegroundNodeOnLoopbackJoiningNodeOne() {
    Node n1 = new Node("node1", 26001, 8001);
    Node n2 = new Node("node2", 26002, 8002);
    assertThat(LocalCockroachCluster.startCommand(Path.of("/opt/cockroach"), Path.of("/data/c"),
        n2, List.of(n1, n2), "128MiB", "96MiB"))
        .containsExactly("/opt/cockroach", "start", "--insecure",
            "--store=path=/data/c/node2/store",
            "--listen-addr=127.0.0.1:26002",
            "--http-addr=127.0.0.1:8002",
            "--join=127.0.0.1:26001,127.0.0.1:26002",
            "--cache=128MiB",
            "--max-sql-memory=96MiB")
        .doesNotContain("--background");
    assertThatThrownBy(() -> LocalCockroachCluster.startCommand(Path.of("/opt/cockroach"),
        Path.of("/data/c"), n1, List.of(), "1", "1"))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void initTargetsNodeOneAndAnAlreadyInitializedClusterCountsAsDone() {
    assertThat(LocalCockroachCluster.initCommand(Path.of("/opt/cockroach"),
        new Node("node1", 26001, 8001)))
        .containsExactly("/opt/cockroach", "init", "--insecure", "--host=127.0.0.1:26001");
    assertThat(LocalCockroachCluster.saysAlreadyInitialized(
        "ERROR: cluster has already been initialized")).isTrue();
    assertThat(LocalCockroachCluster.saysAlreadyInitialized(
        "ERROR: server closed the connection. Is this a CockroachDB node?")).isFalse();
    assertThat(LocalCockroachCluster.saysAlreadyInitialized(null)).isFalse();
  }

  @Test
  void writerAndReaderUrlsCoverEveryNodeWithoutPasswords() {
    List<Node> nodes = List.of(new Node("node1", 26001, 8001), new Node("node2", 26002, 8002));
    assertThat(LocalCockroachCluster.jdbcUrl(nodes, "app", false)).isEqualTo(
        "jdbc:postgresql://127.0.0.1:26001,127.0.0.1:26002/app?sslmode=disable"
            + "&targetServerType=any");
    assertThat(LocalCockroachCluster.jdbcUrl(nodes, "app", true)).isEqualTo(
        "jdbc:postgresql://127.0.0.1:26001,127.0.0.1:26002/app?sslmode=disable"
            + "&targetServerType=any&loadBalanceHosts=true");
  }

  @Test
  void optionsRefuseWhatWouldBreakTheCommandLineOrTheSql() {
    assertThatThrownBy(() -> LocalCockroachCluster.Options.in(tmp.resolve("a,b")))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("comma");
    assertThatThrownBy(() -> LocalCockroachCluster.Options.in(tmp).withDatabase("app; DROP"))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("identifier");
    LocalCockroachCluster.Options o = LocalCockroachCluster.Options.in(tmp);
    assertThat(o.database()).isEqualTo("app");
    assertThat(o.cache()).isEqualTo("128MiB");
    assertThat(o.stopOnJvmExit()).isTrue();
    assertThat(o.keepDirectory()).isFalse();
  }

  @Test
  void findsTheBinaryOnPathAndRefusesOneThatIsNotExecutable() throws Exception {
    Path bin = Files.createDirectories(tmp.resolve("bin"));
    assertThat(LocalCockroachCluster.onPath("cockroach", bin.toString())).isEmpty();
    Path fake = fakeCockroach();
    Files.copy(fake, bin.resolve("cockroach"));
    assertThat(LocalCockroachCluster.onPath("cockroach", "/nonexistent:" + bin))
        .contains(bin.resolve("cockroach"));
    assertThat(LocalCockroachCluster.onPath("cockroach", null)).isEmpty();
    Path plain = Files.writeString(tmp.resolve("not-executable"), "x");
    assertThatThrownBy(() -> LocalCockroachCluster.resolveBinary(
        LocalCockroachCluster.Options.in(tmp).withBinary(plain)))
        .isInstanceOf(IOException.class).hasMessageContaining("not executable");
  }

  // ---- an existing directory -------------------------------------------------------------------------

  @Test
  void createRefusesADirectoryThatAlreadyHoldsACluster() throws Exception {
    state("app", List.of(new Node("node1", 26001, 8001)), Map.of(), true,
        false, null).write(tmp);
    assertThatThrownBy(() -> LocalCockroachCluster.create(LocalCockroachCluster.Options.in(tmp)))
        .isInstanceOf(IOException.class).hasMessageContaining("attach to it instead");
    assertThat(tmp.resolve(ClusterState.FILE)).exists();
  }

  // ---- readiness ------------------------------------------------------------------------------

  @Test
  void readyMeansHealthReadyAnswers200() throws Exception {
    // the endpoints are bound before their ports are used: a port looked up and released
    // first can be taken by anyone in between (it was, once, in CI)
    Node up = new Node("node1", freePort(), healthEndpoint(200).port());
    Node down = new Node("node2", freePort(), healthEndpoint(503).port());
    assertThat(LocalCockroachCluster.healthReady(up, Duration.ofSeconds(2))).isTrue();
    assertThat(LocalCockroachCluster.healthReady(down, Duration.ofSeconds(2))).isFalse();
    assertThat(LocalCockroachCluster.healthReady(new Node("node3", freePort(), freePort()),
        Duration.ofSeconds(2))).isFalse();
  }

  // ---- attach, scale, close with stand-in processes -------------------------------------------

  @Test
  void attachAdoptsRunningNodesStartsStoppedOnesThenScalesAndCloses() throws Exception {
    Path fake = fakeCockroach();
    Path dir = tmp.resolve("cluster");
    Files.createDirectories(dir);
    HealthEndpoint health1 = healthEndpoint(200);
    HealthEndpoint health2 = healthEndpoint(503);
    Node n1 = new Node("node1", freePort(), health1.port());
    Node n2 = new Node("node2", freePort(), health2.port());
    // node1 still runs from a worker that crashed; node2 is recorded but not running
    Process previous = new ProcessBuilder(LocalCockroachCluster.startCommand(fake, dir, n1,
        List.of(n1), "1", "1")).redirectErrorStream(true)
        .redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
    extraProcesses.add(previous);
    state("app", List.of(n1, n2), Map.of("node1", previous.pid()), true, false,
        0).write(dir);

    List<Long> pids = new ArrayList<>();
    LocalCockroachCluster.Options options = LocalCockroachCluster.Options.in(dir)
        .withBinary(fake).withTimeouts(Duration.ofSeconds(20), Duration.ofSeconds(5));
    LocalCockroachCluster cluster = LocalCockroachCluster.attach(options);
    TestActivityEnvironment env = TestActivityEnvironment.newInstance();
    try {
      assertThat(cluster.nodes()).containsExactly(n1, n2);
      assertThat(cluster.pid("node1")).isEqualTo(previous.pid());
      long node2Pid = cluster.pid("node2");
      assertThat(node2Pid).isNotEqualTo(previous.pid());
      assertThat(ProcessHandle.of(node2Pid).orElseThrow().info().arguments().orElseThrow())
          .contains("--join=" + n1.address() + "," + n2.address());
      assertThat(ClusterState.read(dir, Engine.COCKROACH).pids())
          .containsEntry("node1", previous.pid()).containsEntry("node2", node2Pid);
      pids.add(previous.pid());
      pids.add(node2Pid);

      // root, no password, anywhere
      assertThat(cluster.adminProperties()).containsOnlyKeys("user")
          .containsEntry("user", "root");
      assertThat(cluster.readerProperties()).containsOnlyKeys("user");
      assertThat(cluster.sqlCredentials().passwordIfAny()).isEmpty();
      assertThat(cluster.sqlCredentials().readerPasswordIfAny()).isEmpty();
      assertThat(cluster.credentialSource().credentialsFor(TARGET).user()).isEqualTo("root");
      assertThat(cluster.writerJdbcUrl()).startsWith("jdbc:postgresql://" + n1.address() + ","
          + n2.address() + "/app?sslmode=disable").doesNotContain("password");
      assertThat(cluster.readerJdbcUrl()).isEmpty();

      env.registerActivitiesImplementations(new LocalPlatformActivities(cluster, POLL));
      PlatformActivities platform = env.newActivityStub(PlatformActivities.class, OPTIONS);
      assertThat(platform.observe(TARGET)).isEqualTo(new PlatformState(2, 1, false, 0, PlatformState.LOCAL));
      health2.answer(200);
      assertThat(platform.awaitNodesReady(TARGET, 2).ready()).isEqualTo(2);

      assertRefused(() -> platform.scaleNodes(TARGET, 1),
          EvolutionFailures.SCALE_DOWN_REFUSED.type());
      assertRefused(() -> platform.scaleNodes(TARGET, 0), Failures.INVALID_REQUEST);
      assertThat(cluster.nodeCount()).isEqualTo(2);
      assertTwice(() -> platform.scaleNodes(TARGET, 3), Outcome.UPDATED);
      Node n3 = cluster.nodes().get(2);
      assertThat(n3.name()).isEqualTo("node3");
      assertThat(List.of(n3.port(), n3.httpPort()))
          .doesNotContainAnyElementsOf(List.of(n1.port(), n1.httpPort(), n2.port(), n2.httpPort()));
      pids.add(cluster.pid("node3"));
      assertThat(platform.observe(TARGET).readyNodes()).isEqualTo(2);
      healthEndpoint(n3.httpPort(), 200); // node3's ports are the cluster's own choice
      assertThat(platform.awaitNodesReady(TARGET, 3).ready()).isEqualTo(3);

      assertTwice(() -> platform.applyDisruptionBudget(TARGET, 1), Outcome.UPDATED);
      assertTwice(() -> platform.ensureReaderService(TARGET), Outcome.CREATED);
      assertThat(cluster.readerJdbcUrl()).contains(
          LocalCockroachCluster.jdbcUrl(cluster.nodes(), "app", true));
      assertThat(platform.observe(TARGET)).isEqualTo(new PlatformState(3, 3, true, 1, PlatformState.LOCAL));

      // a node that died is started again by the next scale request, on its ports
      ProcessHandle.of(cluster.pid("node2")).orElseThrow().destroy();
      await().atMost(Duration.ofSeconds(10)).until(() -> !alive(node2Pid));
      assertThat(platform.scaleNodes(TARGET, 3).outcome()).isEqualTo(Outcome.UNCHANGED);
      assertThat(cluster.pid("node2")).isNotEqualTo(node2Pid);
      assertThat(cluster.nodes().get(1)).isEqualTo(n2);
      pids.add(cluster.pid("node2"));

      // a worker crash: the next one attaches to the same processes and the same records
      cluster.detach();
      assertThat(List.of(previous.pid(), pids.get(2), pids.get(3)))
          .allSatisfy(p -> assertThat(alive(p)).as("pid %d after detach()", p).isTrue());
      try (LocalCockroachCluster again = LocalCockroachCluster.attach(options)) {
        assertThat(again.nodes()).containsExactly(n1, n2, n3);
        assertThat(again.pid("node1")).isEqualTo(previous.pid());
        assertThat(again.pid("node3")).isEqualTo(pids.get(2));
        assertThat(again.readerPublished()).isTrue();
        assertThat(again.disruptionBudget()).contains(1);
      }
      // close() stopped every node (SIGTERM) and removed the directory
      assertThat(pids).allSatisfy(p -> assertThat(alive(p)).as("pid %d", p).isFalse());
      assertThat(dir).doesNotExist();
    } finally {
      env.close();
      cluster.close();
      pids.forEach(p -> ProcessHandle.of(p).ifPresent(ProcessHandle::destroyForcibly));
    }
  }

  @Test
  void aRecordedPidOfAnotherProgramIsNotAdopted() throws Exception {
    Path fake = fakeCockroach();
    Path dir = tmp.resolve("cluster");
    Files.createDirectories(dir);
    Node n1 = new Node("node1", freePort(), healthEndpoint(200).port());
    Process stranger = new ProcessBuilder("sleep", "60").start();
    extraProcesses.add(stranger);
    state("app", List.of(n1), Map.of("node1", stranger.pid()), true, false,
        null).write(dir);
    try (LocalCockroachCluster cluster = LocalCockroachCluster.attach(
        LocalCockroachCluster.Options.in(dir).withBinary(fake)
            .withTimeouts(Duration.ofSeconds(20), Duration.ofSeconds(5)))) {
      assertThat(cluster.pid("node1")).isNotEqualTo(stranger.pid());
      assertThat(LocalCockroachCluster.isNodeProcess(stranger.toHandle(),
          "--store=path=" + dir.resolve("node1/store"))).isFalse();
    }
    assertThat(stranger.isAlive()).as("attach and close leave other programs alone").isTrue();
  }

  // ---- helpers --------------------------------------------------------------------------------

  /** Stands in for {@code cockroach}: {@code init} succeeds, {@code start} runs until SIGTERM. */
  private Path fakeCockroach() throws IOException {
    Path script = tmp.resolve("fake-cockroach");
    if (!Files.exists(script)) {
      Files.writeString(script, String.join("\n",
          "#!/bin/sh",
          "if [ \"$1\" = init ]; then echo 'Cluster successfully initialized'; exit 0; fi",
          "trap 'exit 0' TERM INT",
          "while :; do sleep 0.1; done",
          ""), StandardCharsets.UTF_8);
      Files.setPosixFilePermissions(script, PosixFilePermissions.fromString("rwxr-xr-x"));
    }
    return script;
  }

  /** A stand-in for a node's {@code /health} endpoint, on a port the system chose. */
  private HealthEndpoint healthEndpoint(int status) throws IOException {
    return healthEndpoint(0, status);
  }

  private HealthEndpoint healthEndpoint(int port, int status) throws IOException {
    HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", port), 0);
    HealthEndpoint endpoint = new HealthEndpoint(server, new AtomicInteger(status));
    server.createContext("/health", exchange -> {
      boolean ready = "ready=1".equals(exchange.getRequestURI().getQuery());
      int code = ready ? endpoint.status().get() : 200;
      exchange.sendResponseHeaders(code, -1);
      exchange.close();
    });
    server.start();
    healthServers.add(server);
    return endpoint;
  }

  private record HealthEndpoint(HttpServer server, AtomicInteger status) {
    int port() {
      return server.getAddress().getPort();
    }

    void answer(int code) {
      status.set(code);
    }
  }

  /** The state a cluster of these nodes records. */
  private static ClusterState state(String database, List<Node> nodes, Map<String, Long> pids,
      boolean initialized, boolean readerPublished, Integer budget) {
    return new ClusterState(Engine.COCKROACH, database, nodes.stream()
        .map(n -> new ClusterState.Node(n.name(), n.port(), n.httpPort())).toList(), pids,
        initialized, readerPublished, budget);
  }

  private static int freePort() throws IOException {
    try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      return s.getLocalPort();
    }
  }
}
