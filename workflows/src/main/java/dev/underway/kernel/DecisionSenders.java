package dev.underway.kernel;

import io.temporal.activity.ActivityInterface;
import io.temporal.activity.ActivityMethod;

/**
 * Who sent a decision, as Temporal recorded it in the run's history: the kernel asks before it
 * records a decision, because the SDK gives workflow code the payload of a signal or an update
 * but not the identity its client declared. Read-only and idempotent. The worker registers an
 * implementation for every runbook ({@code Runbooks.register}); it reads the history of the run
 * that asks (the activity's own workflow).
 */
@ActivityInterface
public interface DecisionSenders {

  /** Activity type names, as the history shows them. */
  String UPDATE = "Underway.UpdateSender";
  String SIGNAL = "Underway.SignalSender";

  /** The sender of the update {@code updateId} (its acceptance in the history). */
  @ActivityMethod(name = UPDATE)
  Sender updateSender(String updateId);

  /**
   * The sender of the {@code ordinal}-th (1-based) signal named one of {@code names} in the
   * history: the run counts the decision signals it receives, which Temporal delivers in the
   * history's order.
   */
  @ActivityMethod(name = SIGNAL)
  Sender signalSender(java.util.List<String> names, int ordinal);
}
