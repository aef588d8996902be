package dev.underway.kernel;

import io.temporal.workflow.Workflow;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * Every step of a run, in order, as the status shows it: where the run is (its stage and step),
 * when each step started and how it ended. Workflow-side bookkeeping only: no commands.
 */
public final class Timeline {

  /** Step states. Gates end {@code approved}, {@code rejected}, {@code aborted} or expired. */
  public static final String STARTED = "started";
  public static final String COMPLETED = "done";
  public static final String SKIPPED = "skipped";
  public static final String FAILED = "failed";
  public static final String EXPIRED = "expired";
  /** A recheck that found the target moved since its plan was computed: the gate reopens. */
  public static final String CHANGED = "changed";
  /** A step an abort stopped. */
  public static final String ABORTED = "aborted";
  /** Compensation steps: an undo that ran. */
  public static final String UNDONE = "undone";
  /** A gate whose wait the runbook ended without a decision (see {@code Run.interruptGate}). */
  public static final String INTERRUPTED = "interrupted";

  /** The stage name of run-level steps (validate, the abort, compensation). */
  public static final String RUN = "run";

  private final List<TimelineEntry> entries = new ArrayList<>();
  private String stage;
  private String step;
  private Runnable onChange = () -> { };

  /** Called after every change (the run refreshes its page). */
  void onChange(Runnable listener) {
    onChange = listener;
  }

  /** The run moves on to {@code stageName}; its first step has not started yet. */
  public void enter(String stageName) {
    stage = stageName;
    onChange.run();
  }

  /** Starts a step; a {@link #RUN}-level step keeps the current stage. */
  public void step(String stageName, String stepName) {
    stage = RUN.equals(stageName) ? stage : stageName;
    step = stepName;
    entries.add(new TimelineEntry(stageName, stepName, STARTED, now(), null));
    onChange.run();
  }

  public void done(String detail) {
    finish(COMPLETED, detail);
  }

  public void skipped(String detail) {
    finish(SKIPPED, detail);
  }

  /**
   * Ends the step in progress with {@code state}: the last one started, even when entries were
   * {@link #record recorded} after it (an operator's command handled while the step ran); the
   * last entry when none is in progress.
   */
  public void finish(String state, String detail) {
    int i = inProgress();
    int at = i >= 0 ? i : entries.size() - 1;
    TimelineEntry e = entries.get(at);
    entries.set(at, new TimelineEntry(e.phase(), e.step(), state, e.at(), detail));
    onChange.run();
  }

  /** The index of the last entry still {@link #STARTED}, or -1. */
  private int inProgress() {
    for (int i = entries.size() - 1; i >= 0; i--) {
      if (STARTED.equals(entries.get(i).state())) {
        return i;
      }
    }
    return -1;
  }

  /** Says how the step in progress is going, without ending it. */
  public void progress(String detail) {
    finish(STARTED, detail);
  }

  /** Adds a step that is already over (an abort, an undo). */
  public void record(String stageName, String stepName, String state, String detail) {
    entries.add(new TimelineEntry(stageName, stepName, state, now(), detail));
    onChange.run();
  }

  /** Marks the step in progress failed, if one is. */
  public void failInProgress(String detail) {
    if (inProgress() >= 0) {
      finish(FAILED, detail);
    }
  }

  /** Leaves the last stage: the run is between stages (or done). */
  public void leave() {
    stage = null;
    step = null;
    onChange.run();
  }

  public String stage() {
    return stage;
  }

  public String step() {
    return step;
  }

  /** {@code stage/step}, e.g. {@code phase-1/scale}: where a run stopped. */
  public String position() {
    return (stage == null ? RUN : stage) + "/" + (step == null ? "start" : step);
  }

  public List<TimelineEntry> entries() {
    return List.copyOf(entries);
  }

  static String now() {
    return Instant.ofEpochMilli(Workflow.currentTimeMillis()).toString();
  }
}
