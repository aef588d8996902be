package dev.underway.workflows.schema;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * What the backfill costs the database, as the plan says it: the rows it rewrites, how much the
 * heap and the indexes may grow, and roughly how much WAL it writes. Pure; the figures are the
 * observation's ({@code pg_relation_size}, {@code pg_indexes_size}).
 *
 * <p>A full-table UPDATE writes a new version of every row: the heap grows (VACUUM makes the old
 * versions' space reusable but does not give it back; a 128 MB table reached 201 MB), every
 * update that cannot be HOT adds an entry to each index, and the WAL carries the new versions,
 * the index entries and a full-page image of every page first changed after a checkpoint.
 */
final class BackfillCosts {
  private BackfillCosts() {}

  /**
   * The WAL written is estimated between these many times heap plus indexes. Measured on
   * PostgreSQL 17 (keyset batches of 1,000 over 1,000,000 rows, a checkpoint before): a 50 MB
   * heap and 21 MB of indexes grew to 105 MB and 43 MB and wrote 299 MB of WAL, 4.2 times.
   */
  static final int WAL_FACTOR_LOW = 2;
  static final int WAL_FACTOR_HIGH = 5;

  /** One sentence per cost; the sizes only when observed (null in older histories). */
  static List<String> of(long rows, boolean rowsExact, Long heapBytes, Long indexBytes) {
    List<String> out = new ArrayList<>();
    out.add("the backfill rewrites " + rows + (rowsExact ? "" : " (estimated)") + " row(s):"
        + " an UPDATE writes a new version of every row");
    if (heapBytes != null) {
      out.add("heap " + pretty(heapBytes) + ": may grow by up to about as much again, plus the"
          + " new column values (VACUUM makes the old versions' space reusable but does not"
          + " shrink the file; a 128 MB table reached 201 MB)");
    }
    if (indexBytes != null) {
      out.add("indexes " + pretty(indexBytes) + ": may grow by up to as much again (an update"
          + " that cannot be HOT adds an entry to every index)");
    }
    if (heapBytes != null && indexBytes != null) {
      long both = heapBytes + indexBytes;
      out.add("WAL: roughly " + pretty(WAL_FACTOR_LOW * both) + " to "
          + pretty(WAL_FACTOR_HIGH * both)
          + " (new row versions, index entries, full-page images after each checkpoint):"
          + " every standby replays it and a WAL archive keeps it");
    }
    return out;
  }

  /** Bytes about as {@code pg_size_pretty} prints them: {@code 812 bytes}, {@code 1.5 GB}. */
  static String pretty(long bytes) {
    String[] units = {"kB", "MB", "GB", "TB", "PB"};
    if (bytes < 10 * 1024) {
      return bytes + " bytes";
    }
    double v = bytes / 1024.0;
    int u = 0;
    while (v >= 1024 && u < units.length - 1) {
      v /= 1024;
      u++;
    }
    return String.format(Locale.ROOT, v >= 100 ? "%.0f %s" : "%.1f %s", v, units[u]);
  }
}
