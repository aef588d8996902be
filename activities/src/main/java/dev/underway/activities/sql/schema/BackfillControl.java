package dev.underway.activities.sql.schema;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.util.Optional;

/**
 * The operator's live control of a running backfill (gh-ost's interactive commands), read before
 * every batch: {@code throttle} pauses it until {@code unthrottle}; {@code set-batch} sets the
 * batch size (adapting then starts from it).
 */
@FunctionalInterface
public interface BackfillControl {

  /** The control now. */
  Control read(Connection c) throws SQLException;

  /**
   * @param throttled whether the operator paused the backfill
   * @param batchSize the batch size the operator set; null: none set
   * @param serial changes whenever {@code batchSize} is set again (so the same size set twice,
   *     after adapting moved away from it, applies again); 0 when none
   */
  record Control(boolean throttled, Integer batchSize, long serial) {
    public static final Control NONE = new Control(false, null, 0);
  }

  /** No control: never throttled, no batch size set. */
  static BackfillControl none() {
    return c -> Control.NONE;
  }

  String THROTTLE = "backfill-throttle";
  String BATCH = "backfill-batch";

  /**
   * Control rows beside the flags ({@code underway_flags}: {@code
   * schema-change:<schema>.<table>:backfill-throttle} = {@code true}/{@code false}, {@code
   * ...:backfill-batch} = a number), which the workflow's {@code throttle}, {@code unthrottle}
   * and {@code set-batch} write through a short activity ({@link #throttle}, {@link #setBatch}).
   * A durable row, rather than the heartbeat's response, survives a worker's crash and reaches
   * the backfill's next attempt, and an operator can set it with plain SQL too.
   */
  static BackfillControl fromFlags(TableName table) {
    return c -> {
      boolean throttled = Flags.get(c, Flags.key(table, THROTTLE)).map("true"::equals)
          .orElse(false);
      Optional<String> batch = Flags.get(c, Flags.key(table, BATCH));
      Integer size = null;
      long serial = 0;
      if (batch.isPresent()) {
        // "<size>@<serial>"
        String[] parts = batch.get().split("@", 2);
        try {
          size = Integer.valueOf(parts[0].trim());
          serial = parts.length > 1 ? Long.parseLong(parts[1].trim()) : 1;
        } catch (NumberFormatException e) {
          size = null;
        }
      }
      return new Control(throttled, size, serial);
    };
  }

  /** Pauses ({@code true}) or resumes ({@code false}) the table's backfill. */
  static void throttle(Connection c, TableName table, boolean throttled) throws SQLException {
    Flags.set(c, table, THROTTLE, Boolean.toString(throttled));
  }

  /** Sets the table's backfill batch size (at least 1). */
  static void setBatch(Connection c, TableName table, int size) throws SQLException {
    if (size < 1) {
      throw dev.underway.kernel.FailureKind.INVALID_REQUEST.failure(
          "batch size must be at least 1, not " + size);
    }
    Flags.set(c, table, BATCH, size + "@" + System.currentTimeMillis());
  }

  /** Removes the table's control rows. */
  static void clear(Connection c, TableName table) throws SQLException {
    try (PreparedStatement ps = c.prepareStatement(PostgresSchemaDialect.DELETE_FLAG_KEYS)) {
      ps.setString(1, Flags.key(table, THROTTLE));
      ps.setString(2, Flags.key(table, BATCH));
      ps.executeUpdate();
    }
  }
}
