package dev.underway.kernel;

import io.temporal.api.common.v1.Principal;
import io.temporal.api.history.v1.HistoryEvent;
import io.temporal.api.update.v1.Request;
import java.util.List;

/**
 * Finds a decision's sender in a run's history events: what a {@link DecisionSenders}
 * implementation answers once it has read them. Pure.
 *
 * <p>A signal's sender is on its {@code WorkflowExecutionSignaled} event (the identity its client
 * declared and, on a server that stamps one, the authenticated principal). An update's is in the
 * request its acceptance carries ({@code WorkflowExecutionUpdateAccepted}, or the {@code
 * WorkflowExecutionUpdateAdmitted} event when the acceptance refers to one); the acceptance is
 * written by the worker's call, so a principal stamped on it would be the worker's and is not
 * taken.
 */
public final class SenderInHistory {
  private SenderInHistory() {}

  /** The sender of update {@code updateId}. */
  public static Sender update(List<HistoryEvent> events, String updateId) {
    for (HistoryEvent e : events) {
      if (e.hasWorkflowExecutionUpdateAcceptedEventAttributes()) {
        Request r = e.getWorkflowExecutionUpdateAcceptedEventAttributes().getAcceptedRequest();
        if (r.getMeta().getUpdateId().equals(updateId)) {
          return new Sender(r.getMeta().getIdentity(), null, null);
        }
      }
      if (e.hasWorkflowExecutionUpdateAdmittedEventAttributes()) {
        Request r = e.getWorkflowExecutionUpdateAdmittedEventAttributes().getRequest();
        if (r.getMeta().getUpdateId().equals(updateId)) {
          return new Sender(r.getMeta().getIdentity(), null, null);
        }
      }
    }
    return Sender.unknown("update " + updateId + " is not in the run's history");
  }

  /** The sender of the {@code ordinal}-th (1-based) signal named one of {@code names}. */
  public static Sender signal(List<HistoryEvent> events, List<String> names, int ordinal) {
    int seen = 0;
    for (HistoryEvent e : events) {
      if (e.hasWorkflowExecutionSignaledEventAttributes()
          && names.contains(e.getWorkflowExecutionSignaledEventAttributes().getSignalName())
          && ++seen == ordinal) {
        return new Sender(e.getWorkflowExecutionSignaledEventAttributes().getIdentity(),
            e.hasPrincipal() ? principal(e.getPrincipal()) : null, null);
      }
    }
    return Sender.unknown("the run's history has " + seen + " decision signal(s), not "
        + ordinal);
  }

  private static String principal(Principal p) {
    if (p.getName().isEmpty()) {
      return null;
    }
    return p.getType().isEmpty() ? p.getName() : p.getType() + ":" + p.getName();
  }
}
