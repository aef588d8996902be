package dev.underway.activities.sql;

import dev.underway.kernel.Failures;
import dev.underway.targets.SqlEndpoint;
import io.temporal.failure.ApplicationFailure;
import java.util.Map;
import java.util.Objects;

/**
 * Credentials from the worker's environment: {@value #USER} (required), {@value #PASSWORD} (absent
 * for clusters that authenticate otherwise) and {@value #READER_PASSWORD} (the password given to
 * a newly created read-only user).
 */
public final class EnvironmentCredentialSource implements CredentialSource {

  public static final String USER = "UNDERWAY_SQL_USER";
  public static final String PASSWORD = "UNDERWAY_SQL_PASSWORD";
  public static final String READER_PASSWORD = "UNDERWAY_SQL_READER_PASSWORD";

  private final Map<String, String> environment;

  public EnvironmentCredentialSource() {
    this(System.getenv());
  }

  public EnvironmentCredentialSource(Map<String, String> environment) {
    this.environment = Objects.requireNonNull(environment, "environment");
  }

  @Override
  public SqlCredentials credentialsFor(SqlEndpoint target) {
    String user = environment.get(USER);
    if (user == null || user.isBlank()) {
      throw ApplicationFailure.newNonRetryableFailure(
          "No SQL credentials for " + target.key() + ": the target names no credentialsSecret and"
              + " the worker's environment variable " + USER + " is not set",
          Failures.CREDENTIALS);
    }
    return new SqlCredentials(user.strip(), environment.get(PASSWORD),
        environment.get(READER_PASSWORD));
  }
}
