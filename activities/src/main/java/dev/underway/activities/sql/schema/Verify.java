package dev.underway.activities.sql.schema;

import dev.underway.activities.schema.VerifyResult;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;

/**
 * Checks every row, in chunks over the key: each new column {@code IS NOT DISTINCT FROM} its
 * {@code up} of the old columns, and each replaced column with a {@code down} from the new ones.
 * Mismatches are counted, the first few keys kept as samples ({@code (42)}). Only reads. Its
 * progress (the cursor and the counts) is told after every chunk, and a verify given one resumes
 * after its cursor.
 */
public final class Verify {

  /** Where a verify is. */
  public record Progress(List<String> cursor, long rowsChecked, long mismatches,
      List<String> sampleKeys) {
    public Progress {
      cursor = cursor == null ? List.of() : List.copyOf(cursor);
      sampleKeys = sampleKeys == null ? List.of() : List.copyOf(sampleKeys);
    }

    public static final Progress START = new Progress(List.of(), 0, 0, List.of());
  }

  /** Told the progress after every chunk; may throw to stop. */
  @FunctionalInterface
  public interface Listener {
    void progress(Progress progress);
  }

  private final int chunk;
  private final int sampleLimit;
  private final LongStatement chunks;

  public Verify(int chunk, int sampleLimit) {
    this(chunk, sampleLimit, LongStatement.unwatched());
  }

  /** @param chunks how each chunk runs: bounded, heartbeating while it runs */
  public Verify(int chunk, int sampleLimit, LongStatement chunks) {
    this.chunk = chunk;
    this.sampleLimit = sampleLimit;
    this.chunks = chunks;
  }

  public VerifyResult run(Connection c, ChangeSpec spec, TableKey key, Progress from,
      Listener listener) throws SQLException {
    Progress at = from == null ? Progress.START : from;
    int width = key.columns().size();
    while (true) {
      Progress before = at;
      at = chunks.run(c, cc -> chunk(cc, spec, key, before, width));
      listener.progress(at);
      if (at.rowsChecked() - before.rowsChecked() < chunk) {
        return new VerifyResult(at.rowsChecked(), at.mismatches(), at.sampleKeys());
      }
    }
  }

  /** One chunk after {@code at}'s cursor: where the verify is after it. */
  private Progress chunk(Connection c, ChangeSpec spec, TableKey key, Progress at, int width)
      throws SQLException {
    List<String> cursor = at.cursor();
    long checked = at.rowsChecked();
    long bad = at.mismatches();
    List<String> samples = new ArrayList<>(at.sampleKeys());
    try (PreparedStatement ps = c.prepareStatement(
        PostgresSchemaDialect.verifyChunk(spec, key, !cursor.isEmpty()))) {
      int i = 1;
      for (String v : cursor) {
        ps.setString(i++, v);
      }
      ps.setInt(i, chunk);
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          checked++;
          List<String> k = new ArrayList<>(width);
          for (int col = 1; col <= width; col++) {
            k.add(rs.getString(col));
          }
          cursor = k;
          if (rs.getBoolean(width + 2)) {
            bad++;
            if (samples.size() < sampleLimit) {
              samples.add(rs.getString(width + 1));
            }
          }
        }
      }
    }
    return new Progress(cursor, checked, bad, samples);
  }
}
