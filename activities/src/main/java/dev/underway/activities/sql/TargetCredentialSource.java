package dev.underway.activities.sql;

import dev.underway.targets.SqlEndpoint;
import java.util.Objects;

/**
 * Chooses where credentials come from per target: the Kubernetes Secret source when the target
 * names {@link SqlEndpoint#credentialsSecret()}, the environment source otherwise.
 */
public final class TargetCredentialSource implements CredentialSource {

  private final CredentialSource secretSource;
  private final CredentialSource environmentSource;

  public TargetCredentialSource(CredentialSource secretSource, CredentialSource environmentSource) {
    this.secretSource = Objects.requireNonNull(secretSource, "secretSource");
    this.environmentSource = Objects.requireNonNull(environmentSource, "environmentSource");
  }

  @Override
  public SqlCredentials credentialsFor(SqlEndpoint target) {
    boolean fromSecret =
        target.credentialsSecret() != null && !target.credentialsSecret().isBlank();
    return (fromSecret ? secretSource : environmentSource).credentialsFor(target);
  }
}
