package dev.underway.kernel;

import io.temporal.activity.Activity;
import io.temporal.activity.ActivityExecutionContext;
import io.temporal.api.history.v1.HistoryEvent;
import io.temporal.worker.Worker;
import java.util.List;

/**
 * {@link DecisionSenders} for tests that build their own workers (the worker registers {@code
 * HistorySenders} through {@code Runbooks.register}): it reads the asking run's history through
 * the test server's client, as the worker's does through its server's. {@link #register} is the
 * one line a test worker adds.
 */
public final class TestSenders implements DecisionSenders {

  /** Registers the senders' activity on {@code worker}. */
  public static void register(Worker worker) {
    worker.registerActivitiesImplementations(new TestSenders());
  }

  @Override
  public Sender updateSender(String updateId) {
    return found(SenderInHistory.update(events(), updateId));
  }

  @Override
  public Sender signalSender(List<String> names, int ordinal) {
    return found(SenderInHistory.signal(events(), names, ordinal));
  }

  private static Sender found(Sender s) {
    if (s.problem() != null) {
      throw new IllegalStateException(s.problem());
    }
    return s;
  }

  private static List<HistoryEvent> events() {
    ActivityExecutionContext c = Activity.getExecutionContext();
    return c.getWorkflowClient().fetchHistory(c.getInfo().getWorkflowId(),
        c.getInfo().getWorkflowRunId()).getEvents();
  }
}
