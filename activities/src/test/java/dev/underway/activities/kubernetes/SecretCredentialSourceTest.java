package dev.underway.activities.kubernetes;

import static dev.underway.activities.kubernetes.ClusterFixture.NAMESPACE;
import static dev.underway.activities.kubernetes.ClusterFixture.TARGET;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import dev.underway.kernel.Failures;
import dev.underway.activities.sql.SqlCredentials;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.SecretBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.EnableKubernetesMockClient;
import io.temporal.failure.ApplicationFailure;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

/**
 * Credentials from a Secret in the CRUD mock; no secret value may leak into failures or logs.
 * These cases are about the Secret's content, some in shapes only a mock can serve (stringData
 * on a read, data that is not base64: a real API server refuses to store it). Reading the Secret
 * as the worker's ServiceAccount, and being refused any other, is tested against a real API
 * server in {@code real.WorkerRoleOnRealKubernetesTest}.
 */
@EnableKubernetesMockClient(crud = true)
class SecretCredentialSourceTest {

  private static final String SECRET = "cockroachdb-underway";
  private static final String PASSWORD = "s3cr3t-Adm1n-Pa55";
  private static final String READER_PASSWORD = "r3ader-Pa55-xyz";

  KubernetesClient client;

  private SecretCredentialSource source;
  private ListAppender<ILoggingEvent> logs;
  private Logger logger;

  @BeforeEach
  void setUp() {
    source = new SecretCredentialSource(client);
    logger = (Logger) LoggerFactory.getLogger(SecretCredentialSource.class);
    logs = new ListAppender<>();
    logs.start();
    logger.addAppender(logs);
  }

  @AfterEach
  void noSecretValueWasLogged() {
    logger.detachAppender(logs);
    assertThat(logs.list).map(ILoggingEvent::getFormattedMessage)
        .noneMatch(line -> line.contains(PASSWORD) || line.contains(READER_PASSWORD));
  }

  @Test
  void readsBase64DataKeys() {
    createSecret(Map.of("username", "underway_admin", "password", PASSWORD,
        "readerPassword", READER_PASSWORD), false);

    SqlCredentials credentials = source.credentialsFor(TARGET);

    assertThat(credentials.user()).isEqualTo("underway_admin");
    assertThat(credentials.password()).isEqualTo(PASSWORD);
    assertThat(credentials.readerPassword()).isEqualTo(READER_PASSWORD);
    assertThat(credentials.toString()).doesNotContain(PASSWORD).doesNotContain(READER_PASSWORD);
    assertThat(logs.list).map(ILoggingEvent::getFormattedMessage)
        .anySatisfy(line -> assertThat(line).contains("underway_admin").contains(SECRET));
  }

  @Test
  void readsStringDataAndTreatsReaderPasswordAsOptional() {
    createSecret(Map.of("username", "underway_admin", "password", PASSWORD), true);

    SqlCredentials credentials = source.credentialsFor(TARGET);

    assertThat(credentials.user()).isEqualTo("underway_admin");
    assertThat(credentials.password()).isEqualTo(PASSWORD);
    assertThat(credentials.readerPassword()).isNull();
  }

  @Test
  void aMissingSecretIsACredentialsProblemNamingIt() {
    ApplicationFailure failure = failureOf();

    assertThat(failure.getType()).isEqualTo(Failures.CREDENTIALS);
    assertThat(failure.isNonRetryable()).isTrue();
    assertThat(failure.getOriginalMessage()).contains(NAMESPACE + "/" + SECRET).contains("not found");
  }

  @Test
  void aMissingUsernameKeyIsACredentialsProblemNamingTheKeyButNoValue() {
    createSecret(Map.of("password", PASSWORD, "readerPassword", READER_PASSWORD), false);

    ApplicationFailure failure = failureOf();

    assertThat(failure.getType()).isEqualTo(Failures.CREDENTIALS);
    assertThat(failure.isNonRetryable()).isTrue();
    assertThat(failure.getOriginalMessage()).contains(SECRET).contains("'username'");
    assertNoSecretIn(failure);
  }

  @Test
  void aMissingPasswordKeyIsACredentialsProblemNamingTheKeyButNoValue() {
    createSecret(Map.of("username", "underway_admin", "readerPassword", READER_PASSWORD), false);

    ApplicationFailure failure = failureOf();

    assertThat(failure.getType()).isEqualTo(Failures.CREDENTIALS);
    assertThat(failure.getOriginalMessage()).contains(SECRET).contains("'password'");
    assertNoSecretIn(failure);
  }

  @Test
  void aValueThatIsNotBase64IsRefusedWithoutEchoingIt() {
    Secret secret = new SecretBuilder().withNewMetadata().withName(SECRET).withNamespace(NAMESPACE)
        .endMetadata()
        .withData(Map.of("username", b64("underway_admin"), "password", "!!" + PASSWORD + "!!"))
        .build();
    client.secrets().inNamespace(NAMESPACE).resource(secret).create();

    ApplicationFailure failure = failureOf();

    assertThat(failure.getType()).isEqualTo(Failures.CREDENTIALS);
    assertThat(failure.getOriginalMessage()).contains("'password'").contains("base64");
    assertNoSecretIn(failure);
  }

  private ApplicationFailure failureOf() {
    return catchThrowableOfType(ApplicationFailure.class, () -> source.credentialsFor(TARGET));
  }

  private static void assertNoSecretIn(ApplicationFailure failure) {
    StringWriter trace = new StringWriter();
    failure.printStackTrace(new PrintWriter(trace));
    assertThat(failure.getMessage()).doesNotContain(PASSWORD).doesNotContain(READER_PASSWORD);
    assertThat(failure.toString()).doesNotContain(PASSWORD).doesNotContain(READER_PASSWORD);
    assertThat(trace.toString()).doesNotContain(PASSWORD).doesNotContain(READER_PASSWORD);
  }

  private void createSecret(Map<String, String> values, boolean asStringData) {
    SecretBuilder builder = new SecretBuilder()
        .withNewMetadata().withName(SECRET).withNamespace(NAMESPACE).endMetadata();
    if (asStringData) {
      builder.withStringData(values);
    } else {
      Map<String, String> data = new LinkedHashMap<>();
      values.forEach((k, v) -> data.put(k, b64(v)));
      builder.withData(data);
    }
    client.secrets().inNamespace(NAMESPACE).resource(builder.build()).create();
  }

  private static String b64(String value) {
    return Base64.getEncoder().encodeToString(value.getBytes(StandardCharsets.UTF_8));
  }
}
