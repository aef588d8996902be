package dev.underway.worker;

import static org.assertj.core.api.Assertions.assertThat;

import dev.underway.workflows.evolution.InMemoryCluster;
import io.grpc.ManagedChannel;
import io.grpc.Server;
import io.grpc.inprocess.InProcessChannelBuilder;
import io.grpc.inprocess.InProcessServerBuilder;
import io.grpc.stub.StreamObserver;
import io.temporal.api.enums.v1.IndexedValueType;
import io.temporal.api.operatorservice.v1.ListSearchAttributesRequest;
import io.temporal.api.operatorservice.v1.ListSearchAttributesResponse;
import io.temporal.api.operatorservice.v1.OperatorServiceGrpc;
import io.temporal.serviceclient.OperatorServiceStubs;
import io.temporal.serviceclient.OperatorServiceStubsOptions;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** A namespace without Underway's search attributes: the worker refuses and says how to fix. */
class SearchAttributeCheckTest {
  Server server;
  ManagedChannel channel;
  OperatorServiceStubs operator;
  CliTestEnvironment support;

  @AfterEach
  void close() throws InterruptedException {
    if (operator != null) {
      operator.shutdownNow();
    }
    if (channel != null) {
      channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
    }
    if (server != null) {
      server.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
    }
    if (support != null) {
      support.close();
    }
  }

  /** An operator service that knows only UnderwayPhase. */
  void startOperatorWithOnlyPhase() throws Exception {
    String name = "operator-" + System.nanoTime();
    server = InProcessServerBuilder.forName(name).directExecutor()
        .addService(new OperatorServiceGrpc.OperatorServiceImplBase() {
          @Override
          public void listSearchAttributes(ListSearchAttributesRequest request,
              StreamObserver<ListSearchAttributesResponse> response) {
            response.onNext(ListSearchAttributesResponse.newBuilder()
                .putCustomAttributes("UnderwayPhase", IndexedValueType.INDEXED_VALUE_TYPE_KEYWORD)
                .build());
            response.onCompleted();
          }
        }).build().start();
    channel = InProcessChannelBuilder.forName(name).directExecutor().build();
    operator = OperatorServiceStubs.newServiceStubs(OperatorServiceStubsOptions.newBuilder()
        .setChannel(channel).validateAndBuildWithDefaults());
  }

  @Test
  void workerRefusesANamespaceWithoutTheSearchAttributes() throws Exception {
    startOperatorWithOnlyPhase();
    support = new CliTestEnvironment(InMemoryCluster.atPhase0());
    InMemoryActivitiesProvider provider =
        new InMemoryActivitiesProvider(InMemoryCluster.atPhase0());
    Cli cli = new Cli(o -> TemporalConnection.borrowed(support.client, operator),
        () -> List.of(provider), Map.of());
    Cli.Result r = cli.run("worker", "--namespace", "prod", "--address", "temporal.example:7233");
    assertThat(r.exitCode()).as(r.toString()).isEqualTo(1);
    assertThat(r.err())
        .contains("namespace 'prod' at temporal.example:7233 lacks Underway's search attributes")
        .contains("UnderwayOpenGate is missing; UnderwayTarget is missing")
        .contains("temporal operator search-attribute create --name UnderwayOpenGate --type"
            + " Keyword --namespace prod --address temporal.example:7233")
        .contains("--name UnderwayTarget --type Keyword")
        .doesNotContain("--name UnderwayPhase")
        .doesNotContain("\tat ");
    assertThat(cli.lifecycle.isStopped()).isTrue();
    assertThat(provider.context).as("activities not built").isNull();
  }
}
