package dev.underway.worker;

import dev.underway.kernel.SearchAttributes;
import io.temporal.api.enums.v1.IndexedValueType;
import io.temporal.api.operatorservice.v1.AddSearchAttributesRequest;
import io.temporal.serviceclient.OperatorServiceStubs;
import io.temporal.testserver.TestServer;
import java.io.IOException;
import java.io.UncheckedIOException;

/**
 * An in-process Temporal server (the SDK's Java test server, real time, in memory) bound to a
 * port, for trying Underway without installing Temporal. No Web UI, no schedules, no visibility
 * queries; everything is lost when the process ends.
 */
public final class EmbeddedTemporal implements AutoCloseable {
  private final TestServer.PortBoundTestServer server;
  private final int port;

  private EmbeddedTemporal(TestServer.PortBoundTestServer server, int port) {
    this.server = server;
    this.port = port;
  }

  /** Starts on {@code port} of every interface. */
  public static EmbeddedTemporal start(int port) {
    try {
      return new EmbeddedTemporal(TestServer.createPortBoundServer(port), port);
    } catch (RuntimeException e) {
      Throwable cause = e;
      while (cause.getCause() != null && !(cause instanceof IOException)) {
        cause = cause.getCause();
      }
      throw CommandFailure.failed("cannot start the embedded Temporal on port " + port + ": "
          + cause.getMessage() + " (is something else listening there? choose another port"
          + " with --address localhost:PORT)", e);
    }
  }

  static int portOf(String address) {
    int colon = address.lastIndexOf(':');
    try {
      int port = Integer.parseInt(address.substring(colon + 1));
      if (colon < 0 || port < 1 || port > 65535) {
        throw new NumberFormatException();
      }
      return port;
    } catch (NumberFormatException e) {
      throw CommandFailure.badInput("--address " + address
          + ": with --embedded-temporal give HOST:PORT with a port from 1 to 65535");
    }
  }

  public int port() {
    return port;
  }

  /** Registers Underway's custom search attributes, as an operator would on a real server. */
  public static void registerSearchAttributes(OperatorServiceStubs operator, String namespace) {
    AddSearchAttributesRequest.Builder r =
        AddSearchAttributesRequest.newBuilder().setNamespace(namespace);
    SearchAttributes.ALL.forEach(k ->
        r.putSearchAttributes(k.getName(), IndexedValueType.INDEXED_VALUE_TYPE_KEYWORD));
    operator.blockingStub().addSearchAttributes(r.build());
  }

  @Override
  public void close() {
    try {
      server.close();
    } catch (RuntimeException e) {
      throw e;
    } catch (Exception e) {
      throw new UncheckedIOException(new IOException(e));
    }
  }
}
