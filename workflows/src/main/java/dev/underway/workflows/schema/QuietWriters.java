package dev.underway.workflows.schema;

import dev.underway.workflows.schema.contract.TableChange;
import dev.underway.workflows.schema.contract.WriterEvidence;
import dev.underway.kernel.DecideCommands;
import dev.underway.kernel.DecisionRefused;
import dev.underway.kernel.ExactText;
import dev.underway.kernel.Run;
import dev.underway.kernel.Timeline;
import dev.underway.targets.PostgresTarget;
import io.temporal.workflow.Promise;
import io.temporal.workflow.TimerOptions;
import io.temporal.workflow.Workflow;
import java.time.Duration;

/**
 * Evidence before a drop: the run holds until the database shows, for the quiet period, no write
 * the writes flag no longer allows and no session naming a column that is about to go (the sync
 * trigger's count and {@code pg_stat_activity}: {@link WriterEvidence}), or until a person
 * overrides with the typed confirmation. The contract waits so for old-shape writers before it
 * drops the old columns, a rollback for new-shape writers before it drops the new ones. A timer
 * alone would drop a column under an application that never read the flags.
 */
final class QuietWriters {

  /** The step's name on the run's page and in the timeline. */
  static final String STEP = "writers";
  /** The update that drops despite writers, with the typed confirmation. */
  static final String OVERRIDE = "override";
  /** How often the evidence is read again while holding. */
  static final Duration RECHECK = Duration.ofSeconds(10);

  private final Run run;
  private final PostgresTarget target;
  private final TableChange change;
  private final Duration window;
  /** What an override must type while holding; null when not holding. */
  private String confirm;
  private String overriddenBy;
  private WriterEvidence last;

  QuietWriters(Run run, PostgresTarget target, TableChange change, Duration window) {
    this.run = run;
    this.target = target;
    this.change = change;
    this.window = window;
  }

  /** The evidence now, for a gate's text; null when it could not be read. */
  WriterEvidence read() {
    try {
      last = SchemaStubs.of(SchemaStubs.QUICK, "writers · evidence")
          .writers(target, change, window.toMillis());
    } catch (io.temporal.failure.ActivityFailure e) {
      return null;
    }
    return last;
  }

  /**
   * Holds at {@code stage}/{@value #STEP} until the writers are quiet for the window or an
   * override typed {@code confirmText}. An abort stops the run; in a rollback ({@code rollback}
   * true: the abort is what started it) only quiet or an override end it.
   *
   * @param side which writers are waited for, e.g. "old-shape" (for the messages)
   */
  void await(String stage, String side, String confirmText, boolean rollback) {
    run.timeline().step(stage, STEP);
    confirm = confirmText;
    overriddenBy = null;
    boolean held = false;
    try {
      while (true) {
        WriterEvidence ev = SchemaStubs.of(SchemaStubs.OBSERVE, stage + " · writers")
            .writers(target, change, window.toMillis());
        last = ev;
        if (ev.quietMillis() >= window.toMillis() || overriddenBy != null) {
          break;
        }
        String why = "Holding at " + stage + ": " + side + " writers were seen within the"
            + " last " + window.toSeconds() + " s (" + ev.summary() + "). The columns are"
            + " dropped once none has been seen for " + window.toSeconds() + " s; to drop"
            + " despite them (replace " + DecideCommands.NAME_PLACEHOLDER + " and the reason): "
            + run.commands().update(Workflow.getInfo().getWorkflowId(), OVERRIDE, "{\"by\": \""
                + DecideCommands.NAME_PLACEHOLDER + "\", \"reason\": \""
                + DecideCommands.COMMENT_PLACEHOLDER + "\", \"confirm\": \"" + confirmText
                + "\"}") + (rollback ? "" : "; or abort");
        run.holding(why);
        held = true;
        run.timeline().progress(ev.summary());
        Duration wait = RECHECK;
        Promise<Void> timer = Workflow.newTimer(wait, TimerOptions.newBuilder()
            .setSummary(stage + " · hold: " + side + " writers seen").build());
        Workflow.await(() -> timer.isCompleted() || overriddenBy != null
            || (!rollback && run.abortRequested()));
        if (!rollback && run.abortRequested()) {
          run.timeline().finish(Timeline.ABORTED, "aborted while waiting for " + side
              + " writers to stop: " + ev.summary());
          run.stopIfAborted();
        }
      }
    } finally {
      confirm = null;
      if (held) {
        run.released();
      }
    }
    run.timeline().done(overriddenBy != null ? "overridden by " + overriddenBy + ": "
        + last.summary() : "no " + side + " writer for " + window.toSeconds() + " s ("
        + last.summary() + ")");
  }

  /** The last evidence read, or null. */
  WriterEvidence last() {
    return last;
  }

  /** The override's validator: only while holding, with the confirmation typed exactly. */
  void validateOverride(OperatorCommand c) {
    if (c == null || c.by() == null || c.by().isBlank()) {
      throw new DecisionRefused("say who overrides: {\"by\": \"" + DecideCommands.NAME_PLACEHOLDER
          + "\", \"reason\": \"" + DecideCommands.COMMENT_PLACEHOLDER + "\","
          + " \"confirm\": \"...\"}");
    }
    if (confirm == null) {
      throw new DecisionRefused("the run is not waiting for writers to stop: nothing to"
          + " override");
    }
    if (!confirm.equals(c.confirm())) {
      throw new DecisionRefused("dropping despite writers needs \"confirm\": \"" + confirm
          + "\", typed exactly" + ExactText.difference(confirm, c.confirm()));
    }
  }

  String override(OperatorCommand c) {
    overriddenBy = c.by() + (c.reason() == null ? "" : " (" + c.reason() + ")");
    return "dropping despite writers, by " + overriddenBy;
  }
}
