package dev.underway.worker;

import io.grpc.netty.shaded.io.grpc.netty.GrpcSslContexts;
import io.grpc.netty.shaded.io.netty.handler.ssl.SslContextBuilder;
import io.temporal.client.WorkflowClient;
import io.temporal.client.WorkflowClientOptions;
import io.temporal.serviceclient.OperatorServiceStubs;
import io.temporal.serviceclient.OperatorServiceStubsOptions;
import io.temporal.serviceclient.WorkflowServiceStubs;
import io.temporal.serviceclient.WorkflowServiceStubsOptions;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLException;

/** Connects over gRPC, with TLS / mTLS / API key as the options say. */
public final class GrpcTemporalConnector implements TemporalConnector {

  /** How long to wait for the server to answer before saying it cannot be reached. */
  static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(10);

  @Override
  public TemporalConnection connect(ConnectionOptions o) {
    WorkflowServiceStubsOptions stubOptions = stubOptions(o);
    WorkflowServiceStubs stubs =
        WorkflowServiceStubs.newConnectedServiceStubs(stubOptions, CONNECT_TIMEOUT);
    WorkflowClient client = WorkflowClient.newInstance(stubs,
        WorkflowClientOptions.newBuilder().setNamespace(o.namespace())
            .setIdentity(ClientIdentity.ofThisProcess()).build());
    return new TemporalConnection(client,
        () -> OperatorServiceStubs.newServiceStubs(
            OperatorServiceStubsOptions.newBuilder(stubOptions).validateAndBuildWithDefaults()),
        () -> {
          stubs.shutdown();
          stubs.awaitTermination(5, TimeUnit.SECONDS);
        });
  }

  static WorkflowServiceStubsOptions stubOptions(ConnectionOptions o) {
    WorkflowServiceStubsOptions.Builder b =
        WorkflowServiceStubsOptions.newBuilder().setTarget(o.address());
    if (o.useTls()) {
      if (o.tlsCert() != null || o.tlsKey() != null || o.tlsCa() != null) {
        b.setSslContext(sslContext(o));
      } else {
        b.setEnableHttps(true);
      }
    } else {
      // explicit: the SDK otherwise turns TLS on by itself when an API key is set
      b.setEnableHttps(false);
    }
    String key = o.apiKey();
    if (key != null) {
      b.addApiKey(() -> key);
    }
    return b.build();
  }

  private static io.grpc.netty.shaded.io.netty.handler.ssl.SslContext sslContext(
      ConnectionOptions o) {
    if ((o.tlsCert() == null) != (o.tlsKey() == null)) {
      throw CommandFailure.badInput(
          "--tls-cert and --tls-key go together: give both for mutual TLS, or neither");
    }
    try {
      SslContextBuilder ssl = GrpcSslContexts.forClient();
      if (o.tlsCa() != null) {
        ssl.trustManager(readable(o.tlsCa(), "--tls-ca").toFile());
      }
      if (o.tlsCert() != null) {
        ssl.keyManager(readable(o.tlsCert(), "--tls-cert").toFile(),
            readable(o.tlsKey(), "--tls-key").toFile());
      }
      return ssl.build();
    } catch (SSLException | IllegalArgumentException e) {
      throw CommandFailure.badInput("cannot use the TLS files: " + e.getMessage(), e);
    }
  }

  private static Path readable(Path p, String option) {
    if (!Files.isReadable(p)) {
      throw CommandFailure.badInput(option + " " + p + ": no such readable file");
    }
    try {
      if (Files.size(p) == 0) {
        throw CommandFailure.badInput(option + " " + p + " is empty");
      }
    } catch (IOException e) {
      throw CommandFailure.badInput(option + " " + p + ": " + e.getMessage(), e);
    }
    return p;
  }
}
