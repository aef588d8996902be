package dev.underway.activities.sql.schema;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.underway.activities.schema.BackfillProgress;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Writes the backfill's progress into the table's control row at most once a second (and always
 * the last one, when done or paused), for the run's status to poll. A failed write is logged and
 * skipped: the progress is a view, the heartbeat is what the backfill resumes from.
 */
final class ProgressWriter {

  private static final Logger log = LoggerFactory.getLogger(ProgressWriter.class);
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final long EVERY_NANOS = 1_000_000_000L;

  private final Connection c;
  private final TableName table;
  private long lastNanos;

  ProgressWriter(Connection c, TableName table) {
    this.c = c;
    this.table = table;
  }

  void offer(BackfillProgress p) {
    long now = System.nanoTime();
    boolean done = p.etaSeconds() != null && p.etaSeconds() == 0 && p.throttle() == null;
    if (lastNanos != 0 && now - lastNanos < EVERY_NANOS && !done) {
      return;
    }
    lastNanos = now;
    try (PreparedStatement ps = c.prepareStatement(PostgresSchemaDialect.setProgress(table))) {
      ps.setString(1, JSON.writeValueAsString(p));
      ps.setString(2, table.toString());
      ps.executeUpdate();
    } catch (SQLException | JsonProcessingException e) {
      log.warn("Could not write the backfill's progress on {}: {}", table, e.getMessage());
    }
  }
}
