package dev.underway.kernel;

import io.temporal.activity.ActivityOptions;
import io.temporal.common.RetryOptions;
import io.temporal.failure.ActivityFailure;
import io.temporal.failure.TemporalFailure;
import io.temporal.workflow.Workflow;
import java.time.Duration;
import java.util.List;

/**
 * Asks who sent a decision ({@link DecisionSenders}) for the runs that record it: from {@link
 * Sequence#SENDERS} on, every decision the run receives, refused ones too. Counts the decision
 * signals it is handed, which Temporal delivers in the history's order, so that the n-th one
 * here is the n-th in the history.
 */
final class SenderLookup {

  /** The signals that carry decisions, as the history names them. */
  static final List<String> SIGNALS = List.of(DecisionHandlers.SIGNAL_APPROVE,
      DecisionHandlers.SIGNAL_REJECT, DecisionHandlers.SIGNAL_ABORT);

  private static final ActivityOptions OPTIONS = ActivityOptions.newBuilder()
      .setStartToCloseTimeout(Duration.ofSeconds(10))
      .setScheduleToCloseTimeout(Duration.ofMinutes(1))
      .setRetryOptions(RetryOptions.newBuilder().setInitialInterval(Duration.ofMillis(500))
          .setMaximumAttempts(5).build())
      .build();

  private int signals;
  private boolean records;

  /**
   * Decides, once, at the start of the run, whether it records senders: a marker at the start
   * of every new run, none in a run recorded before (which then never looks them up, even for
   * decisions that reach it after an upgrade, so that its history replays either way).
   */
  void decide() {
    records = Workflow.getVersion(Sequence.SENDERS, Workflow.DEFAULT_VERSION, 1) >= 1;
  }

  /** A decision signal arrived: its place among the run's decision signals (1-based). */
  int signalReceived() {
    return ++signals;
  }

  /** Whether this run records senders (see {@link #decide()}). */
  boolean records() {
    return records;
  }

  /** The sender of the {@code ordinal}-th decision signal. */
  Sender ofSignal(int ordinal) {
    return ask(a -> a.signalSender(SIGNALS, ordinal));
  }

  /** The sender of the update being handled. */
  Sender ofUpdate() {
    String id = Workflow.getCurrentUpdateInfo().map(u -> u.getUpdateId()).orElse(null);
    return id == null ? Sender.unknown("no update is being handled") : ask(a -> a.updateSender(id));
  }

  private static Sender ask(java.util.function.Function<DecisionSenders, Sender> call) {
    try {
      Sender s = call.apply(Workflow.newActivityStub(DecisionSenders.class, OPTIONS));
      return s == null ? Sender.unknown("no answer") : s;
    } catch (ActivityFailure e) {
      Throwable cause = e.getCause() == null ? e : e.getCause();
      return Sender.unknown(cause instanceof TemporalFailure t ? t.getOriginalMessage()
          : cause.getMessage());
    }
  }
}
