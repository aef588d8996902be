package dev.underway.activities.sql;

import static org.assertj.core.api.Assertions.assertThat;

import dev.underway.kernel.Failures;
import dev.underway.targets.PostgresServer;
import io.temporal.failure.ApplicationFailure;
import java.io.FileNotFoundException;
import java.net.ConnectException;
import java.net.SocketException;
import java.net.UnknownHostException;
import java.security.cert.CertificateException;
import java.sql.SQLException;
import javax.net.ssl.SSLHandshakeException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.postgresql.util.PSQLException;
import org.postgresql.util.PSQLState;

/**
 * The table of causes no retry can fix, row by row, with pgjdbc's own words and exception types
 * (42.7: the messages its connection factory and TLS set-up throw), and the transient causes that
 * must stay retryable.
 */
class SqlCausesTest {

  private static final String PASSWORD = "s3cret-Pa55";
  private static final PostgresServer TARGET = PostgresServer.of("orders-db.internal", 5432,
      "shop");
  private static final SqlCredentials CREDS = new SqlCredentials("underway", PASSWORD, null);

  private static ApplicationFailure lasting(SQLException e) {
    return SqlCauses.lasting(TARGET, CREDS, e).orElseThrow(
        () -> new AssertionError("not taken as lasting: " + e));
  }

  @Test
  void aWrongPasswordNamesTheLoginAndWhereTheWorkerTakesItFrom() {
    ApplicationFailure f = lasting(new PSQLException(
        "FATAL: password authentication failed for user \"underway\"", PSQLState.INVALID_PASSWORD));

    assertThat(f.getType()).isEqualTo(Failures.CREDENTIALS);
    assertThat(f.isNonRetryable()).isTrue();
    assertThat(f.getOriginalMessage()).startsWith("SQL authentication failed for"
        + " underway@orders-db.internal:5432/shop (SQLSTATE 28P01")
        .contains("UNDERWAY_SQL_USER / UNDERWAY_SQL_PASSWORD").contains("No retry can fix this");
  }

  @Test
  void aLoginFromASecretNamesTheSecret() {
    ApplicationFailure f = SqlCauses.lasting(
        TARGET.withCredentialsSecret("underway", "orders-db-underway"), CREDS,
        new PSQLException("FATAL: password authentication failed", PSQLState.INVALID_PASSWORD))
        .orElseThrow();

    assertThat(f.getOriginalMessage()).contains("Secret underway/orders-db-underway");
  }

  @Test
  void theServersWordsNeverCarryThePassword() {
    ApplicationFailure f = lasting(new SQLException("FATAL: role \"x\" is not permitted to log"
        + " in with " + PASSWORD, "28000"));

    assertThat(f.getType()).isEqualTo(Failures.CREDENTIALS);
    assertThat(f.getOriginalMessage()).doesNotContain(PASSWORD).contains("<redacted>")
        .contains("pg_hba.conf");
  }

  @Test
  void aServerThatWantsTlsAndASslModeThatTurnedItOffIsATlsProblem() {
    ApplicationFailure f = SqlCauses.lasting(TARGET.withSslMode("disable"), CREDS,
        new SQLException("FATAL: no pg_hba.conf entry for host \"10.0.0.7\", user \"underway\","
            + " database \"shop\", no encryption", "28000")).orElseThrow();

    assertThat(f.getType()).isEqualTo(Failures.TLS);
    assertThat(f.getOriginalMessage()).contains("target.sslMode is \"disable\"")
        .contains("set target.sslMode to \"verify-full\"");
  }

  @Test
  void aMissingDatabaseIsATargetNotFound() {
    ApplicationFailure f = lasting(new SQLException("FATAL: database \"shop\" does not exist",
        "3D000"));

    assertThat(f.getType()).isEqualTo(Failures.TARGET_NOT_FOUND);
    assertThat(f.getOriginalMessage()).startsWith("database \"shop\" does not exist on"
        + " orders-db.internal:5432 (SQLSTATE 3D000): fix target.database");
  }

  @Test
  void aServerWithoutTlsNamesTheSslModeAndTheValueToSet() {
    ApplicationFailure f = lasting(new PSQLException("The server does not support SSL.",
        PSQLState.CONNECTION_REJECTED));

    assertThat(f.getType()).isEqualTo(Failures.TLS);
    assertThat(f.getOriginalMessage()).startsWith("the server at orders-db.internal:5432 does"
        + " not accept TLS, and target.sslMode is \"verify-full\" (SQLSTATE 08004: The server"
        + " does not support SSL): set target.sslMode to \"disable\" for a local server without"
        + " TLS");
  }

  @Test
  void anAuthenticationTheDriverCannotDoIsACredentialsProblem() {
    ApplicationFailure f = lasting(new PSQLException("The server requested SCRAM-based"
        + " authentication, but no password was provided.", PSQLState.CONNECTION_REJECTED));

    assertThat(f.getType()).isEqualTo(Failures.CREDENTIALS);
  }

  @Test
  void anUntrustedCertificateIsATlsProblemWhateverItsSqlState() {
    SSLHandshakeException handshake = new SSLHandshakeException("PKIX path building failed");
    ApplicationFailure f = lasting(new PSQLException("SSL error: PKIX path building failed",
        PSQLState.CONNECTION_FAILURE, handshake));

    assertThat(f.getType()).isEqualTo(Failures.TLS);
    assertThat(f.getOriginalMessage()).contains("does not trust the server's certificate")
        .contains("~/.postgresql/root.crt").contains("\"require\"");
    assertThat(lasting(new SQLException("x", "08006", new CertificateException("expired")))
        .getType()).isEqualTo(Failures.TLS);
  }

  @Test
  void noRootCertificateForVerifyFullIsATlsProblem() {
    ApplicationFailure f = lasting(new PSQLException("Could not open SSL root certificate file"
        + " /home/underway/.postgresql/root.crt.", PSQLState.CONNECTION_FAILURE,
        new FileNotFoundException("/home/underway/.postgresql/root.crt")));

    assertThat(f.getType()).isEqualTo(Failures.TLS);
  }

  @Test
  void anUnknownHostIsATargetNotFoundNamingTheHost() {
    ApplicationFailure f = lasting(new PSQLException("The connection attempt failed.",
        PSQLState.CONNECTION_UNABLE_TO_CONNECT,
        new UnknownHostException("orders-db.internal")));

    assertThat(f.getType()).isEqualTo(Failures.TARGET_NOT_FOUND);
    assertThat(f.getOriginalMessage()).startsWith("host \"orders-db.internal\" is unknown")
        .contains("fix target.sqlHost");
  }

  @ParameterizedTest(name = "{0} stays retryable")
  @CsvSource(delimiter = '|', value = {
      "40001|could not serialize access due to concurrent update",
      "40P01|deadlock detected",
      "55P03|canceling statement due to lock timeout",
      "57014|canceling statement due to statement timeout",
      "57P01|terminating connection due to administrator command",
      "57P03|the database system is starting up",
      "53300|sorry, too many clients already",
      "08006|An I/O error occurred while sending to the backend.",
      "42P01|relation \"crdb_internal.gossip_nodes\" does not exist"})
  void transientCausesStayRetryable(String state, String message) {
    assertThat(SqlCauses.of(new SQLException(message, state, new SocketException("reset"))))
        .isEmpty();
  }

  @Test
  void aConnectionRefusedWhileTheServerRestartsStaysRetryable() {
    assertThat(SqlCauses.of(new PSQLException("Connection to localhost:5432 refused. Check that"
        + " the hostname and port are correct and that the postmaster is accepting TCP/IP"
        + " connections.", PSQLState.CONNECTION_UNABLE_TO_CONNECT,
        new ConnectException("Connection refused")))).isEmpty();
  }
}
