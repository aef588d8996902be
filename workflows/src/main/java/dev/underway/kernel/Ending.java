package dev.underway.kernel;

/**
 * How a run ends, as its runbook words it: the body returns one when it completes and throws
 * one ({@link RunStopped}) when it stops early; the template hands the final one, its text the
 * run's final message, to the runbook's {@code result}.
 *
 * @param state how it ended
 * @param stoppedAt where it stopped ({@code stage/step}); null when it completed
 * @param text the runbook's sentence; null for an abort, which the kernel words ("Aborted by
 *     ... at ...") followed by the runbook's {@code afterAbort}
 */
public record Ending(RunState state, String stoppedAt, String text) {

  public static Ending completed(String text) {
    return new Ending(RunState.COMPLETED, null, text);
  }

  public static Ending dryRunCompleted(String text) {
    return new Ending(RunState.DRY_RUN_COMPLETED, null, text);
  }

  public static Ending rejected(String stoppedAt, String text) {
    return new Ending(RunState.REJECTED, stoppedAt, text);
  }

  public static Ending expired(String stoppedAt, String text) {
    return new Ending(RunState.EXPIRED, stoppedAt, text);
  }

  /** An accepted abort, worded by the kernel where the run is when it ends. */
  public static Ending aborted() {
    return new Ending(RunState.ABORTED, null, null);
  }

  /** Whether the run reached its goal (or completed its dry run). */
  public boolean completed() {
    return state == RunState.COMPLETED || state == RunState.DRY_RUN_COMPLETED;
  }

  /** The same ending with the run's final message. */
  public Ending withText(String finalText) {
    return new Ending(state, stoppedAt, finalText);
  }

  /** This ending, thrown from anywhere in the body: {@code throw ending.stop()}. */
  public RunStopped stop() {
    return new RunStopped(this);
  }
}
