package dev.underway.activities.sql;

import dev.underway.workflows.evolution.model.TargetRef;
import java.util.Objects;

/**
 * Chooses where credentials come from per target: the Kubernetes Secret source when the target
 * names {@link TargetRef#credentialsSecret()}, the environment source otherwise.
 */
public final class TargetCredentialSource implements CredentialSource {

  private final CredentialSource secretSource;
  private final CredentialSource environmentSource;

  public TargetCredentialSource(CredentialSource secretSource, CredentialSource environmentSource) {
    this.secretSource = Objects.requireNonNull(secretSource, "secretSource");
    this.environmentSource = Objects.requireNonNull(environmentSource, "environmentSource");
  }

  @Override
  public SqlCredentials credentialsFor(TargetRef target) {
    boolean fromSecret =
        target.credentialsSecret() != null && !target.credentialsSecret().isBlank();
    return (fromSecret ? secretSource : environmentSource).credentialsFor(target);
  }
}
