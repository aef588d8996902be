package dev.underway.activities.sql.schema;

import dev.underway.activities.sql.SqlCauses;
import dev.underway.activities.sql.SqlCredentials;
import dev.underway.activities.sql.SqlDatabaseActivities;
import dev.underway.kernel.FailureKind;
import dev.underway.targets.PostgresTarget;
import dev.underway.workflows.schema.contract.SchemaFailures;
import java.sql.SQLException;

/**
 * Which SQL errors of a schema-change step no retry can fix, as the failure the step ends with.
 * A retry runs the same statements on the same rows, so these stop the step at once, with a
 * sentence that says why. First the connection's causes, the same for every SQL activity
 * ({@link SqlCauses}: the login, TLS, an unknown host, a missing database); then the statement's:
 *
 * <ul>
 *   <li>class 42 (syntax error or access rule violation): 42501 a privilege the SQL user lacks
 *       ({@code InsufficientPrivilege}, a refusal); any other, e.g. 42883 no such function or
 *       operator for these types (json has no {@code =}), 42601 a syntax error, 42703 no such
 *       column, 42P01 no such table: {@code StatementInvalid};
 *   <li>class 22 (data exception), 23 (integrity constraint violation), P0 (a PL/pgSQL {@code
 *       RAISE}): a row the expressions or the table's constraints reject: {@code
 *       ExpressionFailed}.
 * </ul>
 *
 * Everything else stays retryable: a unique violation on a system catalog (two sessions
 * creating the same object at once), a lost connection (08), a serialization failure or deadlock
 * (40001, 40P01), a lock not granted in time (55P03), a statement cancelled by its timeout
 * (57014), a server shutting down (57P01).
 */
final class SqlErrors {
  private SqlErrors() {}

  static final String INSUFFICIENT_PRIVILEGE = "42501";

  /** The failure a step reports for {@code e}, raised while doing {@code what}. */
  static RuntimeException translate(PostgresTarget target, SqlCredentials creds, String what,
      SQLException e) {
    var lasting = SqlCauses.lasting(target, creds, e);
    if (lasting.isPresent()) {
      return lasting.get(); // the login, TLS, the host, the database: the connection's causes
    }
    String state = e.getSQLState() == null ? "" : e.getSQLState();
    String message = SqlDatabaseActivities.scrub(e.getMessage(), creds);
    if (INSUFFICIENT_PRIVILEGE.equals(state)) {
      return FailureKind.INSUFFICIENT_PRIVILEGE.refuse(what + ": the SQL user " + creds.user()
          + " lacks a privilege (" + message + ")");
    }
    if (state.startsWith("42")) {
      return SchemaFailures.STATEMENT_INVALID.failure(what + " failed: " + invalid(state)
          + " (SQLSTATE " + state + ": " + message + "). Retrying would run the same statement"
          + " again, so the step stops here; nothing of this step was committed.");
    }
    if (state.startsWith("22") || (state.startsWith("23") && !catalogRace(state, message))
        || state.startsWith("P0")) {
      return SchemaFailures.EXPRESSION_FAILED.failure(what + " failed: " + rejected(state)
          + " (SQLSTATE " + state + ": " + message + "). Retrying would meet the same row"
          + " again, so the step stops here; fix the rows or the expression, or abort.");
    }
    return SqlDatabaseActivities.translate(target, creds, what, e);
  }

  /**
   * A unique violation on a system catalog's index: two sessions creating the same object at
   * once (e.g. two runs' {@code CREATE TABLE IF NOT EXISTS underway_flags}); a retry finds it.
   */
  private static boolean catalogRace(String state, String message) {
    return "23505".equals(state) && message.contains("\"pg_");
  }

  private static String invalid(String state) {
    return switch (state) {
      case "42883" -> "a function or operator it needs does not exist for these types (json,"
          + " xml and point, for one, have no =)";
      case "42601" -> "a statement or expression has a syntax error";
      case "42703" -> "a column it names does not exist";
      case "42P01" -> "a table it names does not exist";
      case "42804" -> "an expression has the wrong type for its column";
      default -> "a statement is not valid on the database as it is now";
    };
  }

  private static String rejected(String state) {
    if (state.startsWith("22")) {
      return "a value cannot be computed or stored (a data exception: division by zero, a"
          + " value out of range, a bad cast, ...) on a row of the table";
    }
    if (state.startsWith("23")) {
      return "a row breaks a constraint of the table (NOT NULL, CHECK, UNIQUE or a foreign key)";
    }
    return "a PL/pgSQL function raised an error on a row of the table";
  }
}
