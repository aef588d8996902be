package dev.underway.activities.support;

import dev.underway.kernel.Failures;
import dev.underway.workflows.evolution.model.NodesReady;
import io.temporal.activity.Activity;
import io.temporal.activity.ActivityExecutionContext;
import io.temporal.failure.ApplicationFailure;
import java.time.Duration;
import java.util.Optional;
import java.util.function.IntSupplier;
import java.util.function.Predicate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The loop of every waiting activity (nodes ready, nodes live, replication done, on every
 * backend): take a reading, send it as the heartbeat, stop when it is done, else look again after
 * the poll interval. The reading is the wait's progress and its heartbeat detail at once, so a
 * retried attempt (its worker died, say) resumes from the last heartbeat of the attempt before:
 * what that reading carried (clean readings in a row, when readings start to count, a replay
 * mark) carries on instead of starting again.
 *
 * <p>A cancellation the server answers a heartbeat with propagates; an interrupt (the worker
 * shutting down) fails the attempt, which Temporal retries.
 */
public final class HeartbeatWait {
  private HeartbeatWait() {}

  private static final Logger log = LoggerFactory.getLogger(HeartbeatWait.class);

  /** One reading, given the last one. */
  @FunctionalInterface
  public interface Reading<P> {
    /**
     * @param last the previous reading of this attempt, or the last heartbeat of the attempt
     *     before; null at the very start of a wait
     */
    P next(P last);
  }

  /**
   * Reads until {@code done}, heartbeating every reading; returns the last one.
   *
   * @param what the wait in the log, e.g. {@code the replication wait of db/cockroachdb}
   * @param progress the readings' type (the heartbeat detail's)
   */
  public static <P> P until(String what, Class<P> progress, Duration pollInterval,
      Predicate<P> done, Reading<P> reading) {
    ActivityExecutionContext context = Activity.getExecutionContext();
    Optional<P> resumed = context.getHeartbeatDetails(progress);
    resumed.ifPresent(p -> log.info("Resuming {} (attempt {}) from its last heartbeat: {}", what,
        context.getInfo().getAttempt(), p));
    P last = resumed.orElse(null);
    while (true) {
      P next = reading.next(last);
      context.heartbeat(next);
      if (done.test(next)) {
        return next;
      }
      log.debug("{}: {}; waiting", what, next);
      last = next;
      Polling.pause(pollInterval);
    }
  }

  /**
   * Until {@code count} says {@code nodes} nodes are {@code state} (ready, live): the node waits.
   * Fewer than 1 node is refused before anything is read.
   *
   * @param target the target in the log
   */
  public static NodesReady forNodes(String state, String target, int nodes,
      Duration pollInterval, IntSupplier count) {
    if (nodes < 1) {
      throw ApplicationFailure.newNonRetryableFailure("nodes must be at least 1, got " + nodes,
          Failures.INVALID_REQUEST);
    }
    NodesReady done = until("the wait for " + nodes + " " + state + " nodes of " + target,
        NodesReady.class, pollInterval, NodesReady::done,
        last -> new NodesReady(count.getAsInt(), nodes));
    log.info("{}: {} of {} nodes {}", target, done.ready(), nodes, state);
    return done;
  }
}
