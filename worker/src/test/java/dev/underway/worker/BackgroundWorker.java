package dev.underway.worker;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.slf4j.LoggerFactory;

/**
 * A test's {@code underway worker} on a thread of its own, with every log line captured while
 * the test runs: {@code @RegisterExtension final BackgroundWorker background = new
 * BackgroundWorker();}. After the test the capture stops and the thread is stopped.
 */
final class BackgroundWorker implements BeforeEachCallback, AfterEachCallback {

  private final ExecutorService executor = Executors.newSingleThreadExecutor();
  private final ListAppender<ILoggingEvent> logs = new ListAppender<>();
  private final Logger root =
      (Logger) LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);

  @Override
  public void beforeEach(ExtensionContext context) {
    logs.start();
    root.addAppender(logs);
  }

  @Override
  public void afterEach(ExtensionContext context) throws InterruptedException {
    root.detachAppender(logs);
    executor.shutdownNow();
    executor.awaitTermination(30, TimeUnit.SECONDS);
  }

  /** Runs {@code command} (a worker, usually) on the background thread. */
  <T> Future<T> submit(Callable<T> command) {
    return executor.submit(command);
  }

  /** What was logged so far. */
  List<ILoggingEvent> logs() {
    return List.copyOf(logs.list);
  }
}
