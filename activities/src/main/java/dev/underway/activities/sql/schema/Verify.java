package dev.underway.activities.sql.schema;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;

/**
 * Checks every row, in chunks over the key: each new column {@code IS NOT DISTINCT FROM} its
 * {@code up} of the old columns. Mismatches are counted, the first few keys kept as samples.
 * Only reads.
 */
public final class Verify {

  /** How many mismatching keys are kept. */
  public static final int SAMPLES = 10;

  /**
   * @param rowsChecked every row read
   * @param mismatches rows whose new columns differ from {@code up}
   * @param sampleKeys the first mismatching keys (each key's columns as text, joined by ", ")
   */
  public record Result(long rowsChecked, long mismatches, List<String> sampleKeys) {
    public Result {
      sampleKeys = List.copyOf(sampleKeys);
    }

    public boolean clean() {
      return mismatches == 0;
    }
  }

  private final int chunk;

  public Verify(int chunk) {
    this.chunk = chunk;
  }

  /** Verifies every row; {@code progress} is told the rows checked after every chunk. */
  public Result run(Connection c, ChangeSpec spec, TableKey key, Consumer<Long> progress)
      throws SQLException {
    List<String> cursor = List.of();
    long checked = 0;
    long bad = 0;
    List<String> samples = new ArrayList<>();
    int width = key.columns().size();
    while (true) {
      int rows = 0;
      try (PreparedStatement ps = c.prepareStatement(
          PostgresSchemaDialect.verifyChunk(spec, key, !cursor.isEmpty()))) {
        int i = 1;
        for (String v : cursor) {
          ps.setString(i++, v);
        }
        ps.setInt(i, chunk);
        List<String> last = cursor;
        try (ResultSet rs = ps.executeQuery()) {
          while (rs.next()) {
            rows++;
            List<String> k = new ArrayList<>(width);
            for (int col = 1; col <= width; col++) {
              k.add(rs.getString(col));
            }
            last = k;
            if (rs.getBoolean(width + 1)) {
              bad++;
              if (samples.size() < SAMPLES) {
                samples.add(String.join(", ", k));
              }
            }
          }
        }
        cursor = last;
      }
      checked += rows;
      progress.accept(checked);
      if (rows < chunk) {
        return new Result(checked, bad, samples);
      }
    }
  }
}
