package dev.underway.activities.sql;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.underway.kernel.Failures;
import dev.underway.targets.LocalEngine;
import dev.underway.targets.PostgresServer;
import dev.underway.workflows.evolution.model.ClusterTarget;
import io.temporal.failure.ApplicationFailure;
import java.util.Map;
import org.junit.jupiter.api.Test;

class SqlCredentialSourcesTest {

  private static final ClusterTarget TARGET = ClusterTarget.of("db", "cockroachdb", "cockroachdb-public", "app");

  @Test
  void environmentGivesUserPasswordAndReaderPassword() {
    SqlCredentials creds = new EnvironmentCredentialSource(Map.of(
        "UNDERWAY_SQL_USER", "admin", "UNDERWAY_SQL_PASSWORD", "pw-1",
        "UNDERWAY_SQL_READER_PASSWORD", "pw-2")).credentialsFor(TARGET);
    assertThat(creds.user()).isEqualTo("admin");
    assertThat(creds.passwordIfAny()).contains("pw-1");
    assertThat(creds.readerPasswordIfAny()).contains("pw-2");
    assertThat(creds.toString()).doesNotContain("pw-1").doesNotContain("pw-2");
  }

  @Test
  void passwordsAreOptional() {
    SqlCredentials creds =
        new EnvironmentCredentialSource(Map.of("UNDERWAY_SQL_USER", "root")).credentialsFor(TARGET);
    assertThat(creds.passwordIfAny()).isEmpty();
    assertThat(creds.readerPasswordIfAny()).isEmpty();
  }

  @Test
  void aMissingUserIsANonRetryableCredentialsProblemNamingTheVariable() {
    assertThatThrownBy(() -> new EnvironmentCredentialSource(
        Map.of("UNDERWAY_SQL_PASSWORD", "pw-1")).credentialsFor(TARGET))
        .isInstanceOf(ApplicationFailure.class)
        .satisfies(e -> {
          ApplicationFailure f = (ApplicationFailure) e;
          assertThat(f.getType()).isEqualTo(Failures.CREDENTIALS);
          assertThat(f.isNonRetryable()).isTrue();
          assertThat(f.getOriginalMessage()).contains("UNDERWAY_SQL_USER").doesNotContain("pw-1");
        });
  }

  @Test
  void theSecretIsUsedWhenTheTargetNamesOne() {
    CredentialSource secret = t -> new SqlCredentials("from-secret", null, null);
    CredentialSource environment = t -> new SqlCredentials("from-env", null, null);
    TargetCredentialSource source = new TargetCredentialSource(secret, environment);
    assertThat(source.credentialsFor(TARGET.withCredentialsSecret("cockroach-admin")).user())
        .isEqualTo("from-secret");
    assertThat(source.credentialsFor(TARGET).user()).isEqualTo("from-env");
    assertThat(source.credentialsFor(TARGET.withCredentialsSecret(" ")).user())
        .isEqualTo("from-env");
  }

  @Test
  void jdbcUrlCarriesNoCredentialsAndRefusesAnUnknownSslMode() {
    assertThat(ConnectionFactory.jdbcUrl(TARGET))
        .isEqualTo("jdbc:postgresql://cockroachdb-public.db.svc:26257/app?sslmode=verify-full");
    assertThatThrownBy(() -> ConnectionFactory.jdbcUrl(TARGET.withSql(null, null, "maybe")))
        .isInstanceOf(ApplicationFailure.class)
        .satisfies(e -> assertThat(((ApplicationFailure) e).getType())
            .isEqualTo(Failures.INVALID_REQUEST));
  }

  @Test
  void aPostgresServerHasItsUrlALocalEngineNone() {
    assertThat(ConnectionFactory.jdbcUrl(PostgresServer.of("::1", 5432, "shop")))
        .isEqualTo("jdbc:postgresql://[::1]:5432/shop?sslmode=verify-full");
    assertThatThrownBy(() -> ConnectionFactory.jdbcUrl(new LocalEngine("sandbox", "app")))
        .isInstanceOf(ApplicationFailure.class)
        .hasMessageContaining("local/sandbox names no SQL host: a local target is reached by the"
            + " sandbox's worker");
  }

  @Test
  void scrubRemovesKnownSecretsFromMessages() {
    SqlCredentials creds = new SqlCredentials("u", "hunter2", "reader-pw");
    assertThat(SqlDatabaseActivities.scrub("bad hunter2 and reader-pw", creds))
        .isEqualTo("bad <redacted> and <redacted>");
  }
}
