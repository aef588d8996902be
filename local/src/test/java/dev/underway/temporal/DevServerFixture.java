package dev.underway.temporal;

import io.temporal.client.WorkflowClient;
import io.temporal.serviceclient.WorkflowServiceStubs;
import io.temporal.serviceclient.WorkflowServiceStubsOptions;
import io.temporal.worker.Worker;
import io.temporal.worker.WorkerFactory;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

/**
 * A test's real Temporal dev server with a client of it and, when the test wants them, workers
 * in this JVM: started together (the test is skipped, or fails where end-to-end tests are
 * required, without the {@code temporal} binary: {@link DevServerBinary}) and stopped together,
 * workers first, then the client, then the server.
 */
public final class DevServerFixture implements AutoCloseable {

  private final Path binary;
  private final TemporalDevServer server;
  private final WorkflowServiceStubs service;
  private final WorkflowClient client;
  private WorkerFactory workers;

  private DevServerFixture(Path binary, TemporalDevServer server) {
    this.binary = binary;
    this.server = server;
    this.service = WorkflowServiceStubs.newServiceStubs(
        WorkflowServiceStubsOptions.newBuilder().setTarget(server.address()).build());
    this.client = WorkflowClient.newInstance(service);
  }

  /** A dev server with its database in {@code dir}; {@code ui}: with its Web UI. */
  public static DevServerFixture start(Path dir, boolean ui) throws IOException {
    Path binary = DevServerBinary.requireOrSkip();
    return new DevServerFixture(binary,
        TemporalDevServer.start(binary, dir, ui, Duration.ofSeconds(90)));
  }

  /** The {@code temporal} binary the server runs from (also the CLI a test may run). */
  public Path binary() {
    return binary;
  }

  public TemporalDevServer server() {
    return server;
  }

  public WorkflowClient client() {
    return client;
  }

  /** A worker on {@code taskQueue}, to register on; {@link #startWorkers()} starts them all. */
  public synchronized Worker newWorker(String taskQueue) {
    if (workers == null) {
      workers = WorkerFactory.newInstance(client);
    }
    return workers.newWorker(taskQueue);
  }

  public synchronized void startWorkers() {
    workers.start();
  }

  @Override
  public void close() {
    try {
      if (workers != null) {
        workers.shutdownNow();
        workers.awaitTermination(20, TimeUnit.SECONDS);
      }
    } finally {
      service.shutdownNow();
      server.close();
    }
  }
}
