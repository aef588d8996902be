package dev.underway.worker;

import dev.underway.activities.kubernetes.KubernetesPlatformActivities;
import dev.underway.activities.kubernetes.SecretCredentialSource;
import dev.underway.activities.sql.CockroachDialect;
import dev.underway.activities.sql.ConnectionFactory;
import dev.underway.activities.sql.EnvironmentCredentialSource;
import dev.underway.activities.sql.SqlDatabaseActivities;
import dev.underway.activities.sql.TargetCredentialSource;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.util.List;
import java.util.function.Supplier;

/**
 * The production activities: the cluster's nodes through the Kubernetes API (fabric8, configured
 * the usual way: in-cluster ServiceAccount, {@code KUBECONFIG} or {@code ~/.kube/config}) and
 * CockroachDB over JDBC, with SQL credentials from the target's Secret or the worker's
 * environment.
 *
 * <p>{@code UNDERWAY_POLL_INTERVAL} (ISO-8601, default {@code PT5S}) sets how often the waits
 * look again.
 */
public final class KubernetesActivitiesProvider implements ActivitiesProvider {

  static final Duration DEFAULT_POLL_INTERVAL = Duration.ofSeconds(5);

  private final Supplier<KubernetesClient> clients;
  private KubernetesClient client;

  public KubernetesActivitiesProvider() {
    this(() -> new KubernetesClientBuilder().build());
  }

  KubernetesActivitiesProvider(Supplier<KubernetesClient> clients) {
    this.clients = clients;
  }

  @Override
  public String name() {
    return "kubernetes";
  }

  /** What {@code underway worker} runs without {@code --activities}. */
  @Override
  public boolean production() {
    return true;
  }

  @Override
  public String description() {
    return "Kubernetes API" + (client == null ? "" : " at " + client.getMasterUrl())
        + " and CockroachDB over JDBC";
  }

  @Override
  public List<Object> activities(WorkerContext context) {
    Duration poll = pollInterval(context.environment().get("UNDERWAY_POLL_INTERVAL"));
    client = clients.get();
    TargetCredentialSource credentials = new TargetCredentialSource(
        new SecretCredentialSource(client), new EnvironmentCredentialSource(context.environment()));
    return List.of(
        new KubernetesPlatformActivities(client, poll),
        new SqlDatabaseActivities(ConnectionFactory.jdbc(), credentials, new CockroachDialect(),
            poll));
  }

  static Duration pollInterval(String value) {
    if (value == null || value.isBlank()) {
      return DEFAULT_POLL_INTERVAL;
    }
    try {
      Duration d = Duration.parse(value.trim());
      if (d.isNegative() || d.isZero()) {
        throw new IllegalArgumentException(
            "UNDERWAY_POLL_INTERVAL must be positive, got " + value);
      }
      return d;
    } catch (DateTimeParseException e) {
      throw new IllegalArgumentException("UNDERWAY_POLL_INTERVAL '" + value
          + "' is not an ISO-8601 duration such as PT5S", e);
    }
  }

  @Override
  public void close() {
    if (client != null) {
      client.close();
    }
  }
}
