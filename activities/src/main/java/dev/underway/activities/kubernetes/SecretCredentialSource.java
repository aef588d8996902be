package dev.underway.activities.kubernetes;

import dev.underway.kernel.Failures;
import dev.underway.activities.sql.CredentialSource;
import dev.underway.activities.sql.SqlCredentials;
import dev.underway.targets.SqlEndpoint;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.temporal.failure.ApplicationFailure;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Map;
import java.util.Objects;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * SQL credentials from the Secret named by {@link SqlEndpoint#credentialsSecret()} in the
 * target's namespace: keys {@code username}, {@code password}, optional {@code readerPassword}
 * (in {@code data}, base64, or {@code stringData}). Failures name the Secret and the key, never a value; no
 * value is ever logged.
 */
public class SecretCredentialSource implements CredentialSource {
  private static final Logger log = LoggerFactory.getLogger(SecretCredentialSource.class);

  static final String USERNAME = "username";
  static final String PASSWORD = "password";
  static final String READER_PASSWORD = "readerPassword";

  private final KubernetesClient client;

  public SecretCredentialSource(KubernetesClient client) {
    this.client = Objects.requireNonNull(client, "client");
  }

  @Override
  public SqlCredentials credentialsFor(SqlEndpoint target) {
    if (target == null || target.credentialsSecret() == null || target.credentialsSecret().isBlank()) {
      throw failure("no credentials Secret named in target.credentialsSecret");
    }
    String where = "Secret " + target.namespace() + "/" + target.credentialsSecret();
    Secret secret;
    try {
      secret = client.secrets().inNamespace(target.namespace())
          .withName(target.credentialsSecret()).get();
    } catch (KubernetesClientException e) {
      if (e.getCode() == 403) {
        // the worker's Role reads one Secret by name: another name is refused, not missing
        throw failure("the worker may not read " + where + " (its Role in manifests/worker"
            + " grants get on one Secret by name, cockroachdb-underway, in its own namespace):"
            + " name that Secret in target.credentialsSecret, or add this one to the Role");
      }
      throw e;
    }
    if (secret == null) {
      throw failure(where + " not found (create it with keys username, password"
          + " and optionally readerPassword)");
    }
    String user = value(secret, USERNAME);
    String password = value(secret, PASSWORD);
    if (user == null || user.isBlank()) {
      throw failure(where + " has no key '" + USERNAME + "' (or it is empty)");
    }
    if (password == null) {
      throw failure(where + " has no key '" + PASSWORD + "'");
    }
    String readerPassword = value(secret, READER_PASSWORD);
    log.info("Read SQL credentials for user {} from {} (reader password {})", user, where,
        readerPassword == null ? "not given" : "given");
    return new SqlCredentials(user, password, readerPassword);
  }

  /** A key's decoded value: stringData wins (as the API server would merge it), then data. */
  private static String value(Secret secret, String key) {
    Map<String, String> stringData = secret.getStringData();
    if (stringData != null && stringData.containsKey(key)) {
      return stringData.get(key);
    }
    Map<String, String> data = secret.getData();
    if (data != null && data.containsKey(key)) {
      String encoded = data.get(key);
      if (encoded == null) {
        return null;
      }
      try {
        return new String(Base64.getDecoder().decode(encoded.trim()), StandardCharsets.UTF_8);
      } catch (IllegalArgumentException e) {
        // Do not chain e: its message could echo part of the value.
        throw failure("Secret " + secret.getMetadata().getNamespace() + "/"
            + secret.getMetadata().getName() + " key '" + key + "' is not valid base64");
      }
    }
    return null;
  }

  private static ApplicationFailure failure(String message) {
    return ApplicationFailure.newNonRetryableFailure(message, Failures.CREDENTIALS);
  }
}
