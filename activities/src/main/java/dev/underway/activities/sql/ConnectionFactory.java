package dev.underway.activities.sql;

import dev.underway.kernel.Failures;
import dev.underway.targets.SqlEndpoint;
import dev.underway.targets.TargetPatterns;
import io.temporal.failure.ApplicationFailure;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.util.Properties;
import java.util.Set;

/** Opens a JDBC connection to a target's database with the given credentials. */
@FunctionalInterface
public interface ConnectionFactory {

  Connection open(SqlEndpoint target, SqlCredentials credentials) throws SQLException;

  /** The one list of {@code sslmode}s, the request validation's. */
  Set<String> SSL_MODES = TargetPatterns.SSL_MODES;

  /**
   * pgjdbc (CockroachDB speaks the PostgreSQL wire protocol): {@code
   * jdbc:postgresql://host:port/database?sslmode=...}. User and password travel in {@link
   * Properties}, never in the URL, so they cannot leak through a logged URL.
   */
  static ConnectionFactory jdbc() {
    return (target, credentials) ->
        DriverManager.getConnection(jdbcUrl(target), properties(credentials));
  }

  /** The driver properties of a production connection: {@link JdbcProperties.Timeouts#REMOTE}. */
  static Properties properties(SqlCredentials credentials) {
    return JdbcProperties.of(credentials, "underway", JdbcProperties.Timeouts.REMOTE);
  }

  static String jdbcUrl(SqlEndpoint target) {
    if (target.database() == null || target.database().isBlank()) {
      throw ApplicationFailure.newNonRetryableFailure(
          "target.database is required", Failures.INVALID_REQUEST);
    }
    String sslMode = target.sslModeOrDefault();
    if (!SSL_MODES.contains(sslMode)) {
      throw ApplicationFailure.newNonRetryableFailure(
          "sslMode '" + sslMode + "' is not one of " + SSL_MODES, Failures.INVALID_REQUEST);
    }
    String host = target.sqlHostOrDefault();
    if (host == null || host.isBlank()) {
      throw ApplicationFailure.newNonRetryableFailure(target.key() + " names no SQL host: a"
          + " local target is reached by the sandbox's worker, not by this one",
          Failures.INVALID_REQUEST);
    }
    if (host.contains(":") && !host.startsWith("[")) {
      host = "[" + host + "]";
    }
    return "jdbc:postgresql://" + host + ":" + target.sqlPortOrDefault() + "/"
        + URLEncoder.encode(target.database(), StandardCharsets.UTF_8).replace("+", "%20")
        + "?sslmode=" + sslMode;
  }
}
