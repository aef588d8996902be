package dev.underway.temporal;

import static org.assertj.core.api.Assertions.assertThat;

import dev.underway.workflows.evolution.SearchAttributes;
import io.temporal.api.operatorservice.v1.ListSearchAttributesRequest;
import io.temporal.serviceclient.OperatorServiceStubs;
import io.temporal.serviceclient.OperatorServiceStubsOptions;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Runs the REAL Temporal dev server. Needs the {@code temporal} binary (see {@link
 * TemporalDevServer#findBinary}); without it the test is skipped, saying how to get it.
 */
class TemporalDevServerTest {

  static Path binaryOrSkip() {
    Optional<Path> binary = TemporalDevServer.findBinary(null, System.getenv());
    Assumptions.assumeTrue(binary.isPresent(), "temporal binary not found: install it with"
        + " `go install github.com/temporalio/cli/cmd/temporal@v1.5.1` (or set "
        + TemporalDevServer.BINARY_ENV + ") to run the dev-server tests");
    return binary.get();
  }

  @Test
  void startsWithUiAndSearchAttributesThenStopsLeavingNothing(@TempDir Path dir) throws Exception {
    try (TemporalDevServer server = TemporalDevServer.start(binaryOrSkip(), dir, true,
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
  void findsTheBinaryOnlyWhereItIs(@TempDir Path dir) {
    assertThat(TemporalDevServer.findBinary(null, Map.of("PATH", dir.toString()))).isEmpty();
    assertThat(TemporalDevServer.findBinary(dir.resolve("nope"), Map.of())).isEmpty();
  }
}
