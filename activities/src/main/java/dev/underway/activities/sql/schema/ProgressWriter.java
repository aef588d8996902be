package dev.underway.activities.sql.schema;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.underway.workflows.schema.contract.BackfillProgress;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The backfill's progress in the table's control row: written at most once a second (and always
 * the last one, when done or paused: {@link #flush}), for the run's status to poll, read back by
 * a retried attempt. A failed write is logged and skipped: the progress is a view, the heartbeat
 * is what the backfill resumes from.
 */
final class ProgressWriter {

  private static final Logger log = LoggerFactory.getLogger(ProgressWriter.class);
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final long EVERY_NANOS = 1_000_000_000L;

  private final Connection c;
  private final TableName table;
  private long lastNanos;
  private BackfillProgress unwritten;

  ProgressWriter(Connection c, TableName table) {
    this.c = c;
    this.table = table;
  }

  void offer(BackfillProgress p) {
    long now = System.nanoTime();
    boolean done = p.etaSeconds() != null && p.etaSeconds() == 0 && p.throttle() == null;
    if (lastNanos != 0 && now - lastNanos < EVERY_NANOS && !done) {
      unwritten = p;
      return;
    }
    lastNanos = now;
    write(p);
  }

  /**
   * Writes the last progress offered if it was skipped: the last one of a backfill whose rows the
   * application's writes partly filled ends with an ETA above zero, and would be lost.
   */
  void flush() {
    if (unwritten != null) {
      write(unwritten);
    }
  }

  private void write(BackfillProgress p) {
    unwritten = null;
    try (PreparedStatement ps = c.prepareStatement(PostgresSchemaDialect.setProgress(table))) {
      ps.setString(1, JSON.writeValueAsString(p));
      ps.setString(2, table.toString());
      ps.executeUpdate();
    } catch (SQLException | JsonProcessingException e) {
      log.warn("Could not write the backfill's progress on {}: {}", table, e.getMessage());
    }
  }

  private static final ObjectMapper READ = new ObjectMapper()
      .configure(com.fasterxml.jackson.databind.DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES,
          false);

  /** The progress the backfill last wrote to the table's row; null when none. */
  static BackfillProgress read(Connection c, TableName table)
      throws SQLException {
    String json = RunMarker.read(c, table).map(RunMarker.Row::progressJson).orElse(null);
    try {
      return json == null ? null : READ.readValue(json, BackfillProgress.class);
    } catch (java.io.IOException e) {
      return null;
    }
  }

  /**
   * Where a retried backfill resumes: the further of its last heartbeat (which the SDK sends at
   * most every 0.8 heartbeat timeout) and the progress it wrote to the table's row after a batch
   * committed (at most a second old).
   */
  static BackfillProgress furthest(BackfillProgress beat, BackfillProgress row) {
    if (row == null || row.cursor() == null) {
      return beat;
    }
    return beat == null || row.rowsDone() > beat.rowsDone() ? row : beat;
  }
}
