package dev.underway.example.reindex;

import dev.underway.kernel.ChangeResult;
import dev.underway.targets.PostgresTarget;
import io.temporal.activity.Activity;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * An in-memory FAKE of {@link ReindexActivities}, for the example's workflow tests: the example
 * shows the workflow side of a runbook. A real implementation runs the SQL against PostgreSQL
 * and is tested there, twice.
 */
final class InMemoryIndex implements ReindexActivities {

  final List<String> calls = new CopyOnWriteArrayList<>();
  /** Counted down when a rebuild starts. */
  final CountDownLatch rebuilding = new CountDownLatch(1);
  volatile boolean exists = true;
  volatile boolean validAfterRebuild = true;
  private volatile long bytes = 8192;
  private volatile boolean valid = true;
  private final CountDownLatch finish;

  /** A fake whose rebuild goes on (heartbeating) until {@code finish} is counted down. */
  static InMemoryIndex slow(CountDownLatch finish) {
    return new InMemoryIndex(finish);
  }

  InMemoryIndex() {
    this(new CountDownLatch(0));
  }

  private InMemoryIndex(CountDownLatch finish) {
    this.finish = finish;
  }

  @Override
  public IndexState observe(PostgresTarget target, String index) {
    calls.add("observe");
    return new IndexState(exists, exists ? bytes : 0, exists && valid);
  }

  @Override
  public ChangeResult rebuild(PostgresTarget target, String index) {
    calls.add("rebuild");
    rebuilding.countDown();
    try {
      while (!finish.await(100, TimeUnit.MILLISECONDS)) {
        Activity.getExecutionContext().heartbeat(null);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw Activity.wrap(e);
    }
    bytes = 4096;
    valid = validAfterRebuild;
    return new ChangeResult("index " + index, ChangeResult.Outcome.UPDATED,
        "rebuilt concurrently");
  }
}
