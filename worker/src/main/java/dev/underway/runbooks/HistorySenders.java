package dev.underway.runbooks;

import dev.underway.kernel.DecisionSenders;
import dev.underway.kernel.Sender;
import dev.underway.kernel.SenderInHistory;
import io.temporal.activity.Activity;
import io.temporal.activity.ActivityExecutionContext;
import io.temporal.activity.ActivityInfo;
import io.temporal.api.history.v1.HistoryEvent;
import java.util.List;

/**
 * Who sent a decision, read from the history of the run that asks, through the worker's own
 * Temporal client (so it sees what that server recorded). Read-only: running it twice answers
 * the same. A sender not found yet is retried (the kernel gives up after a few attempts and
 * records why).
 */
public final class HistorySenders implements DecisionSenders {

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
    ActivityExecutionContext context = Activity.getExecutionContext();
    ActivityInfo info = context.getInfo();
    return context.getWorkflowClient()
        .fetchHistory(info.getWorkflowId(), info.getWorkflowRunId()).getEvents();
  }
}
