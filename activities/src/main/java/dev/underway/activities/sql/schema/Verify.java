package dev.underway.activities.sql.schema;

import dev.underway.guard.GuardSettings;
import dev.underway.guard.GuardState;
import dev.underway.workflows.schema.contract.VerifyResult;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * Checks every row, in chunks over the key: each new column {@code IS NOT DISTINCT FROM} its
 * {@code up} of the old columns, and each replaced column with a {@code down} from the new ones.
 * Mismatches are counted, the first few keys kept as samples ({@code (42)}). Only reads, but its
 * reads compete with the foreground's, so the latency guard paces it as it paces the backfill:
 * it samples the baseline before the first chunk (a resumed verify keeps the one its progress
 * carries) and after every chunk rests as the guard says, telling its progress meanwhile. Its
 * progress (the cursor, the counts, the guard's state) is told after every chunk, and a verify
 * given one resumes after its cursor.
 */
public final class Verify {

  /** Where a verify is, and the guard's state (null: none yet, or recorded before the guard). */
  @com.fasterxml.jackson.annotation.JsonIgnoreProperties(ignoreUnknown = true)
  public record Progress(List<String> cursor, long rowsChecked, long mismatches,
      List<String> sampleKeys, GuardState guard) {
    public Progress {
      cursor = cursor == null ? List.of() : List.copyOf(cursor);
      sampleKeys = sampleKeys == null ? List.of() : List.copyOf(sampleKeys);
    }

    public Progress(List<String> cursor, long rowsChecked, long mismatches,
        List<String> sampleKeys) {
      this(cursor, rowsChecked, mismatches, sampleKeys, null);
    }

    public static final Progress START = new Progress(List.of(), 0, 0, List.of());

    Progress with(GuardState state) {
      return new Progress(cursor, rowsChecked, mismatches, sampleKeys, state);
    }
  }

  /** Told the progress after every chunk; may throw to stop. */
  @FunctionalInterface
  public interface Listener {
    void progress(Progress progress);
  }

  private final int chunk;
  private final int sampleLimit;
  private final LongStatement chunks;
  private final Backfill.Guarding guarding;

  public Verify(int chunk, int sampleLimit) {
    this(chunk, sampleLimit, LongStatement.unwatched());
  }

  /** @param chunks how each chunk runs: bounded, heartbeating while it runs */
  public Verify(int chunk, int sampleLimit, LongStatement chunks) {
    this(chunk, sampleLimit, chunks,
        (state, changes) -> StepGuard.open(GuardSettings.disabled(), null, null, null));
  }

  /** @param guarding opens the latency guard that paces the chunks */
  public Verify(int chunk, int sampleLimit, LongStatement chunks, Backfill.Guarding guarding) {
    this.chunk = chunk;
    this.sampleLimit = sampleLimit;
    this.chunks = chunks;
    this.guarding = guarding;
  }

  public VerifyResult run(Connection c, ChangeSpec spec, TableKey key, Progress from,
      Listener listener) throws SQLException {
    Progress start = from == null ? Progress.START : from;
    int width = key.columns().size();
    java.util.Set<String> asText = withoutEquality(c, spec);
    try (StepGuard guard = guarding.open(start.guard(), null)) {
      guard.awaitBaseline(s -> listener.progress(start.with(s)));
      Progress at = start.with(guard.state());
      while (true) {
        Progress before = at;
        long t0 = System.nanoTime();
        Progress after = chunks.run(c, cc -> chunk(cc, spec, key, before, width, asText));
        Duration rest = guard.restFor(Duration.ofNanos(System.nanoTime() - t0));
        at = after.with(guard.state());
        listener.progress(at);
        if (at.rowsChecked() - before.rowsChecked() < chunk) {
          return new VerifyResult(at.rowsChecked(), at.mismatches(), at.sampleKeys());
        }
        Progress resting = at;
        guard.rest(rest, () -> listener.progress(resting.with(guard.state())));
      }
    }
  }

  /** One chunk after {@code at}'s cursor: where the verify is after it. */
  private Progress chunk(Connection c, ChangeSpec spec, TableKey key, Progress at, int width,
      java.util.Set<String> asText) throws SQLException {
    List<String> cursor = at.cursor();
    long checked = at.rowsChecked();
    long bad = at.mismatches();
    List<String> samples = new ArrayList<>(at.sampleKeys());
    try (PreparedStatement ps = c.prepareStatement(
        PostgresSchemaDialect.verifyChunk(spec, key, !cursor.isEmpty(), asText))) {
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

  /**
   * The changed columns whose type has no {@code =} (json, xml, point): compared as text. Asked
   * of the server, one probe per type, in autocommit (a failed probe leaves the session usable).
   */
  static java.util.Set<String> withoutEquality(Connection c, ChangeSpec spec)
      throws SQLException {
    java.util.Map<String, String> types = new java.util.LinkedHashMap<>();
    TableCatalogue cat = TableCatalogue.read(c, TableObserver.oid(c, spec.table()));
    for (String col : spec.addedColumns()) {
      cat.column(col).ifPresent(x -> types.put(col, x.type()));
    }
    for (String col : spec.dropped()) {
      cat.column(col).ifPresent(x -> types.put(col, x.type()));
    }
    java.util.Set<String> out = new java.util.HashSet<>();
    java.util.Map<String, Boolean> known = new java.util.HashMap<>();
    for (var e : types.entrySet()) {
      Boolean comparable = known.get(e.getValue());
      if (comparable == null) {
        comparable = comparable(c, e.getValue());
        known.put(e.getValue(), comparable);
      }
      if (!comparable) {
        out.add(e.getKey());
      }
    }
    return out;
  }

  /** Whether the type has {@code =}: the probe fails with 42883 (no operator) when not. */
  private static boolean comparable(Connection c, String type) throws SQLException {
    try (java.sql.Statement s = c.createStatement()) {
      s.execute(PostgresSchemaDialect.equalityProbe(type));
      return true;
    } catch (SQLException e) {
      if ("42883".equals(e.getSQLState())) {
        return false;
      }
      throw e;
    }
  }
}
