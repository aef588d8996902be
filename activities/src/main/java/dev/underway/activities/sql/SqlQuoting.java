package dev.underway.activities.sql;

import java.sql.Connection;
import java.sql.SQLException;
import org.postgresql.PGConnection;

/**
 * Quoting of identifiers and literals for SQL text where bind parameters are not allowed (DDL).
 * Public for the schema-change package ({@code sql.schema}).
 */
public final class SqlQuoting {
  private SqlQuoting() {}

  /** A double-quoted identifier: {@code a"b} becomes {@code "a""b"}. Empty or NUL refused. */
  public static String identifier(String name) {
    if (name == null || name.isEmpty()) {
      throw new IllegalArgumentException("empty SQL identifier");
    }
    if (name.indexOf('\0') >= 0) {
      throw new IllegalArgumentException("SQL identifier contains NUL");
    }
    return "\"" + name.replace("\"", "\"\"") + "\"";
  }

  /**
   * A string literal for DDL such as {@code WITH PASSWORD '...'}. Uses pgjdbc's escaping, which
   * follows the server's {@code standard_conforming_strings}; without a pgjdbc connection, refuses
   * backslashes rather than guess how the server reads them.
   */
  public static String literal(Connection connection, String value) throws SQLException {
    if (value.indexOf('\0') >= 0) {
      throw new IllegalArgumentException("SQL literal contains NUL");
    }
    if (connection.isWrapperFor(PGConnection.class)) {
      // pgjdbc escapes the content (quotes, and backslashes when the server needs it) only
      return "'" + connection.unwrap(PGConnection.class).escapeLiteral(value) + "'";
    }
    if (value.indexOf('\\') >= 0) {
      throw new IllegalArgumentException("SQL literal contains a backslash");
    }
    return "'" + value.replace("'", "''") + "'";
  }
}
