package dev.underway.temporal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.underway.kernel.SearchAttributes;
import dev.underway.local.PortTakenException;
import dev.underway.local.Ports;
import io.temporal.api.operatorservice.v1.ListSearchAttributesRequest;
import io.temporal.serviceclient.OperatorServiceStubs;
import io.temporal.serviceclient.OperatorServiceStubsOptions;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Runs the REAL Temporal dev server (see {@link DevServerBinary}). */
class TemporalDevServerTest {

  @Test
  void startsWithUiAndSearchAttributesThenStopsLeavingNothing(@TempDir Path dir) throws Exception {
    try (TemporalDevServer server = TemporalDevServer.start(DevServerBinary.requireOrSkip(), dir, true,
        Duration.ofSeconds(60))) {
      OperatorServiceStubs operator = OperatorServiceStubs.newServiceStubs(
          OperatorServiceStubsOptions.newBuilder().setTarget(server.address())
              .validateAndBuildWithDefaults());
      try {
        Map<String, ?> attributes = operator.blockingStub().listSearchAttributes(
            ListSearchAttributesRequest.newBuilder().setNamespace("default").build())
            .getCustomAttributesMap();
        assertThat(attributes).containsKeys(SearchAttributes.ALL.stream()
            .map(k -> k.getName()).toArray(String[]::new));
      } finally {
        operator.shutdownNow();
      }
      HttpResponse<String> ui = HttpClient.newHttpClient().send(
          HttpRequest.newBuilder(URI.create(server.uiUrl())).timeout(Duration.ofSeconds(10))
              .build(), HttpResponse.BodyHandlers.ofString());
      assertThat(ui.statusCode()).isEqualTo(200);
      assertThat(ui.body()).containsIgnoringCase("<html");
      long pid = server.pid();
      server.close();
      assertThat(ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false)).isFalse();
    }
  }

  @Test
  void aPortTakenBeforeTheServerBindsItIsReplacedByAnother(@TempDir Path dir) throws Exception {
    Path binary = DevServerBinary.requireOrSkip();
    try (ServerSocket squatter = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      // the first port handed out is taken by someone else by the time the server starts
      Deque<Integer> ports = new ArrayDeque<>(List.of(squatter.getLocalPort()));
      TemporalDevServer.PortSource source =
          () -> ports.isEmpty() ? Ports.freeLoopbackPort() : ports.pop();
      try (TemporalDevServer server = TemporalDevServer.start(binary, dir, false,
          Duration.ofSeconds(60), source)) {
        assertThat(server.isAlive()).isTrue();
        assertThat(server.address()).isNotEqualTo("127.0.0.1:" + squatter.getLocalPort());
      }
      assertThat(Files.readString(dir.resolve("temporal-server.log")))
          .contains("address already in use");
    }
  }

  @Test
  void givesUpAfterSoManyTakenPorts(@TempDir Path dir) throws Exception {
    Path binary = DevServerBinary.requireOrSkip();
    try (ServerSocket squatter = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      assertThatThrownBy(() -> TemporalDevServer.start(binary, dir, false,
          Duration.ofSeconds(60), squatter::getLocalPort))
          .isInstanceOf(PortTakenException.class)
          .hasMessageContaining("address already in use");
    }
  }

  @Test
  void findsTheBinaryOnlyWhereItIs(@TempDir Path dir) {
    assertThat(TemporalDevServer.findBinary(null, Map.of("PATH", dir.toString()))).isEmpty();
    assertThat(TemporalDevServer.findBinary(dir.resolve("nope"), Map.of())).isEmpty();
  }
}
