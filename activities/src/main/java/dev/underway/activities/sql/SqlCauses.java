package dev.underway.activities.sql;

import dev.underway.kernel.Failures;
import dev.underway.targets.SqlEndpoint;
import io.temporal.failure.ApplicationFailure;
import java.net.UnknownHostException;
import java.security.cert.CertificateException;
import java.sql.SQLException;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Predicate;
import javax.net.ssl.SSLHandshakeException;
import javax.net.ssl.SSLPeerUnverifiedException;

/**
 * The one table of SQL failures no retry can fix: a retry would open the same connection with
 * the same settings and meet the same answer, so the step stops at once, non-retryable, with a
 * sentence that names the cause and what to change. Every JDBC entry point of the SQL activities
 * (the cluster evolution's and the schema change's) asks it first. Read by SQLSTATE, by the
 * exception types in the cause chain, and for pgjdbc's own connection errors (which all share
 * SQLSTATE 08004 or 08006) by their wording:
 *
 * <table>
 *   <tr><th>cause</th><th>seen as</th><th>failure type</th></tr>
 *   <tr><td>wrong password, no such user</td><td>28P01</td><td>{@code CredentialsProblem}</td></tr>
 *   <tr><td>login refused (pg_hba.conf)</td><td>28000</td><td>{@code CredentialsProblem}, or
 *       {@code TlsProblem} when the server wants TLS and {@code sslMode} turned it off</td></tr>
 *   <tr><td>no such database</td><td>3D000</td><td>{@code TargetNotFound}</td></tr>
 *   <tr><td>TLS refused, not supported</td><td>08004 "does not support SSL" (or channel
 *       binding)</td><td>{@code TlsProblem}</td></tr>
 *   <tr><td>authentication the driver cannot do</td><td>08004 otherwise</td><td>{@code
 *       CredentialsProblem}</td></tr>
 *   <tr><td>certificate not trusted, host name not in it, no root certificate</td><td>{@link
 *       SSLHandshakeException}, {@link CertificateException}, {@link SSLPeerUnverifiedException},
 *       pgjdbc's "SSL error"/"SSL root certificate"</td><td>{@code TlsProblem}</td></tr>
 *   <tr><td>unknown host</td><td>{@link UnknownHostException}</td><td>{@code TargetNotFound}</td></tr>
 * </table>
 *
 * Anything else stays retryable: a connection refused while a server restarts (08001 with a
 * {@code ConnectException}), a connection lost mid-statement (08006 "An I/O error occurred"),
 * 40001, 40P01, 55P03, 57014, 57P01, 57P03, 53300. A missing table or column (42P01, 42703) is
 * the statement's business: the schema change's observation refuses a table or column the
 * request names that is not there ({@code TargetNotFound}), and its steps stop on class 42 at
 * once ({@code SqlErrors}). No sentence carries a password: the server's words are scrubbed of
 * the known ones.
 */
public final class SqlCauses {
  private SqlCauses() {}

  /** What the operator changes, worded for one failure: the target, the login, the error. */
  @FunctionalInterface
  interface Wording {
    String sentence(SqlEndpoint target, SqlCredentials creds, String serverSays);
  }

  /** A cause no retry can fix: its failure type and its sentence. */
  record Cause(String type, Wording wording) {}

  static final Cause WRONG_LOGIN = new Cause(Failures.CREDENTIALS, (t, c, m) ->
      "SQL authentication failed for " + where(t, c) + " (SQLSTATE 28P01: the password is wrong"
          + " or the user does not exist): fix " + credentials(t));

  static final Cause LOGIN_REFUSED = new Cause(Failures.CREDENTIALS, (t, c, m) ->
      "the server refused the login of " + where(t, c) + " (SQLSTATE 28000: " + m + "): allow"
          + " this user from the worker's address in the server's pg_hba.conf, or fix "
          + credentials(t));

  static final Cause TLS_REQUIRED = new Cause(Failures.TLS, (t, c, m) ->
      "the server refused the login of " + where(t, c) + " without TLS (SQLSTATE 28000: " + m
          + "), and target.sslMode is \"" + t.sslModeOrDefault() + "\": set target.sslMode to"
          + " \"verify-full\" (with the server's CA in the worker's ~/.postgresql/root.crt) or"
          + " \"require\"");

  static final Cause NO_DATABASE = new Cause(Failures.TARGET_NOT_FOUND, (t, c, m) ->
      "database \"" + t.database() + "\" does not exist on " + address(t) + " (SQLSTATE 3D000):"
          + " fix target.database, or create the database first");

  static final Cause NO_TLS = new Cause(Failures.TLS, (t, c, m) ->
      "the server at " + address(t) + " does not accept TLS, and target.sslMode is \""
          + t.sslModeOrDefault() + "\" (SQLSTATE 08004: " + m + "): set target.sslMode to"
          + " \"disable\" for a local server without TLS (or \"prefer\": TLS when the server"
          + " offers it), or turn TLS on at the server; keep \"verify-full\" for a server"
          + " reached over a network");

  static final Cause SETUP_REFUSED = new Cause(Failures.CREDENTIALS, (t, c, m) ->
      "the connection to " + where(t, c) + " was refused while logging in (SQLSTATE 08004: " + m
          + "): fix " + credentials(t) + ", or the server's pg_hba.conf");

  static final Cause TLS_FAILED = new Cause(Failures.TLS, (t, c, m) ->
      "TLS with " + address(t) + " failed, target.sslMode \"" + t.sslModeOrDefault() + "\" ("
          + m + "): the worker does not trust the server's certificate or the certificate does"
          + " not name " + t.sqlHostOrDefault() + ". Give the worker the server's CA"
          + " (~/.postgresql/root.crt) and connect by a name the certificate holds, or set"
          + " target.sslMode to \"require\" (encrypted, not verified) or \"disable\" for a local"
          + " server without TLS");

  static final Cause UNKNOWN_HOST = new Cause(Failures.TARGET_NOT_FOUND, (t, c, m) ->
      "host \"" + t.sqlHostOrDefault() + "\" is unknown: no address resolves for it from the"
          + " worker (" + m + "): fix target.sqlHost (for a server on the worker's machine:"
          + " \"localhost\" or \"127.0.0.1\")");

  /** By SQLSTATE: each state's causes, the first whose test the server's words pass. */
  static final Map<String, List<Map.Entry<Predicate<String>, Cause>>> BY_STATE = Map.of(
      "28P01", List.of(Map.entry(m -> true, WRONG_LOGIN)),
      "28000", List.of(Map.entry(m -> m.contains("no encryption"), TLS_REQUIRED),
          Map.entry(m -> true, LOGIN_REFUSED)),
      "3D000", List.of(Map.entry(m -> true, NO_DATABASE)),
      "08004", List.of(Map.entry(m -> m.contains("SSL") || m.contains("Channel binding"),
          NO_TLS), Map.entry(m -> true, SETUP_REFUSED)));

  /** By the type of an exception in the cause chain, the first that matches. */
  static final List<Map.Entry<Class<? extends Throwable>, Cause>> BY_TYPE = List.of(
      Map.entry(UnknownHostException.class, UNKNOWN_HOST),
      Map.entry(SSLHandshakeException.class, TLS_FAILED),
      Map.entry(SSLPeerUnverifiedException.class, TLS_FAILED),
      Map.entry(CertificateException.class, TLS_FAILED));

  /**
   * pgjdbc's own TLS set-up failures, all SQLSTATE 08006 like a connection lost mid-statement:
   * told apart by their words, which only the TLS set-up uses.
   */
  static final List<String> TLS_SETUP_WORDS = List.of("SSL error:", "SSL root certificate",
      "SSL certificate", "SSL key file", "could not be verified by hostnameverifier");

  /** The cause no retry can fix behind {@code e}, if it is one. */
  static Optional<Cause> of(SQLException e) {
    String state = e.getSQLState() == null ? "" : e.getSQLState();
    String words = e.getMessage() == null ? "" : e.getMessage();
    for (Map.Entry<Predicate<String>, Cause> row : BY_STATE.getOrDefault(state, List.of())) {
      if (row.getKey().test(words)) {
        return Optional.of(row.getValue());
      }
    }
    for (Throwable t = e; t != null; t = t.getCause() == t ? null : t.getCause()) {
      for (Map.Entry<Class<? extends Throwable>, Cause> row : BY_TYPE) {
        if (row.getKey().isInstance(t)) {
          return Optional.of(row.getValue());
        }
      }
    }
    if (state.startsWith("08") && TLS_SETUP_WORDS.stream().anyMatch(words::contains)) {
      return Optional.of(TLS_FAILED);
    }
    return Optional.empty();
  }

  /**
   * The non-retryable failure for {@code e} when no retry can fix it: its type from the table,
   * its message the operator's sentence (no password: the server's words are scrubbed).
   */
  public static Optional<ApplicationFailure> lasting(SqlEndpoint target, SqlCredentials creds,
      SQLException e) {
    return of(e).map(cause -> ApplicationFailure.newNonRetryableFailure(
        cause.wording().sentence(target, creds, serverSays(e, creds)) + ". No retry can fix"
            + " this, so the step stopped at its first attempt.", cause.type()));
  }

  /** The server's (or the driver's) words, without a password, and the innermost cause's. */
  private static String serverSays(SQLException e, SqlCredentials creds) {
    String says = SqlDatabaseActivities.scrub(e.getMessage(), creds).strip();
    Throwable root = e;
    while (root.getCause() != null && root.getCause() != root) {
      root = root.getCause();
    }
    if (root != e && root.getMessage() != null && !says.contains(root.getMessage())) {
      says = says + " " + root.getClass().getSimpleName() + ": "
          + SqlDatabaseActivities.scrub(root.getMessage(), creds);
    }
    return says.endsWith(".") ? says.substring(0, says.length() - 1) : says;
  }

  private static String where(SqlEndpoint t, SqlCredentials c) {
    return c.user() + "@" + address(t) + "/" + t.database();
  }

  private static String address(SqlEndpoint t) {
    return t.sqlHostOrDefault() + ":" + t.sqlPortOrDefault();
  }

  /** Where the worker takes the login for {@code t} from. */
  private static String credentials(SqlEndpoint t) {
    return t.credentialsSecret() == null || t.credentialsSecret().isBlank()
        ? "the worker's " + EnvironmentCredentialSource.USER + " / "
            + EnvironmentCredentialSource.PASSWORD + " (the target names no credentialsSecret)"
        : "the keys username and password of Secret " + (t.namespace() == null ? ""
            : t.namespace() + "/") + t.credentialsSecret();
  }
}
