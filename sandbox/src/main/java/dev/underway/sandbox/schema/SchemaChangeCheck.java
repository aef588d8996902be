package dev.underway.sandbox.schema;

import dev.underway.kernel.RunState;
import dev.underway.sandbox.Scenario;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * What the schema-change scenario checked at the end, at the database.
 *
 * @param state how the run ended
 * @param rows rows in the table
 * @param mismatches rows whose {@code full_name} differs from {@code up} of their names
 * @param columnChecked whether {@code full_name} exists (it does not after a rollback)
 * @param operations the application's successful operations per name and shape ({@code
 *     update-old}, {@code insert-both}, {@code read-new}, ...)
 * @param rawUpdate the benchmark's raw batched update, when it ran; else null
 * @param mismatchesBeforeRawUpdate when the raw update ran: the mismatches found just before it
 *     (it rewrites every {@code full_name}, so the check after it alone would hide the
 *     application's); else null
 * @param guardRuns the benchmark's backfills at several guard settings, when they ran; else empty
 * @param backfillBaselineMillis how long the run's backfill sampled the guard's baseline before
 *     its first batch (in its result's time, not in its work); null when unknown or none
 */
public record SchemaChangeCheck(RunState state, long rows, long mismatches,
    boolean columnChecked, Map<String, Long> operations, RawUpdateFigures rawUpdate,
    Long mismatchesBeforeRawUpdate, List<GuardRunFigures> guardRuns,
    Long backfillBaselineMillis)
    implements Scenario.Check {

  public SchemaChangeCheck {
    operations = Map.copyOf(operations);
    guardRuns = guardRuns == null ? List.of() : List.copyOf(guardRuns);
  }

  /** The raw batched update: rows and how long it took. */
  public record RawUpdateFigures(long rows, long millis, double rowsPerSecond) {}

  /**
   * The backfill at one guard setting ({@code guard-1.25}, ..., {@code guard-off}, also its load
   * phase): the guard's ratio (null: off), rows and the time it worked.
   */
  public record GuardRunFigures(String setting, Double ratio, long rows, long millis,
      double rowsPerSecond) {}

  /** Successful operations of one shape: names ending {@code -old}, {@code -both}, {@code -new}. */
  public long operationsOfShape(String shape) {
    return operations.entrySet().stream().filter(e -> e.getKey().endsWith("-" + shape))
        .mapToLong(Map.Entry::getValue).sum();
  }

  @Override
  public boolean passed() {
    return columnChecked ? mismatches == 0
        && (mismatchesBeforeRawUpdate == null || mismatchesBeforeRawUpdate == 0)
        : state != RunState.COMPLETED;
  }

  @Override
  public String text() {
    StringBuilder b = new StringBuilder();
    if (columnChecked) {
      b.append(String.format(Locale.ROOT, "Checked at the database: %d row(s), %d with %s"
          + " different from %s: %s.%n", rows, mismatches, CustomersTable.NEW_COLUMN,
          CustomersTable.UP, mismatches == 0 ? "all equal" : "MISMATCHES"));
      if (mismatchesBeforeRawUpdate != null) {
        b.append(String.format(Locale.ROOT, "Before the benchmark's raw update: %d mismatch(es)."
            + "%n", mismatchesBeforeRawUpdate));
      }
    } else {
      b.append(String.format(Locale.ROOT, "Checked at the database: %d row(s); %s is not there"
          + " (the run ended %s).%n", rows, CustomersTable.NEW_COLUMN, state));
    }
    b.append("The application's operations by shape: ").append(operations).append('\n');
    return b.toString();
  }
}
