package dev.underway.activities.sql.schema;

import dev.underway.guard.GuardSettings;
import dev.underway.workflows.schema.contract.BackfillSettings;
import java.sql.Connection;
import java.sql.SQLException;

/**
 * The latency guard of a {@link Backfill} run outside the activity, for {@link Backfill}'s
 * constructor: the same guard and probe the activity opens (the settings' guard, else what an
 * older run's budget says; the probe on a connection of its own, none when the guard is off).
 * The sandbox's benchmark runs the backfill at several guard settings this way after a run, with
 * the settings {@link #normal normalized} as the activity does.
 */
public final class BackfillGuarding {
  private BackfillGuarding() {}

  /** Opens the probe's own connection to the table's database. */
  @FunctionalInterface
  public interface ProbeConnection {
    Connection open() throws SQLException;
  }

  /** {@code s} as the activity runs it: defaults where missing, batches within its bounds. */
  public static BackfillSettings normal(BackfillSettings s) {
    return Settings.normal(s);
  }

  public static Backfill.Guarding of(BackfillSettings settings, ProbeConnection probe,
      TableName table, TableKey key) {
    GuardSettings guard = StepGuard.of(settings);
    return (state, changes) -> StepGuard.open(guard,
        guard.isOff() ? null : GuardProbes.open(probe.open(), guard, table, key), state, changes);
  }
}
