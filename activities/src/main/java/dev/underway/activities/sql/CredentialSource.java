package dev.underway.activities.sql;

import dev.underway.targets.SqlEndpoint;

/**
 * Where the worker finds SQL credentials for a target: the Kubernetes Secret named by {@link
 * SqlEndpoint#credentialsSecret()}, or the worker's environment. Implementations throw a
 * non-retryable {@code CredentialsProblem} ApplicationFailure, naming where they looked but never
 * a secret value, when nothing usable is found.
 */
@FunctionalInterface
public interface CredentialSource {
  SqlCredentials credentialsFor(SqlEndpoint target);
}
