package dev.underway.worker;

import dev.underway.activities.kubernetes.KubernetesPlatformActivities;
import dev.underway.activities.kubernetes.SecretCredentialSource;
import dev.underway.activities.sql.CockroachDialect;
import dev.underway.activities.sql.ConnectionFactory;
import dev.underway.activities.sql.EnvironmentCredentialSource;
import dev.underway.activities.sql.SqlDatabaseActivities;
import dev.underway.activities.sql.TargetCredentialSource;
import dev.underway.activities.sql.schema.PostgresSchemaChangeActivities;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.function.Supplier;

/**
 * The production activities: the cluster's nodes through the Kubernetes API (fabric8, configured
 * the usual way: in-cluster ServiceAccount, {@code KUBECONFIG} or {@code ~/.kube/config}) and
 * CockroachDB over JDBC, with SQL credentials from the target's Secret or the worker's
 * environment; and the schema-change activities against a target's PostgreSQL, with the same
 * connections and credentials.
 *
 * <p>{@code UNDERWAY_POLL_INTERVAL} (ISO-8601, default {@code PT5S}) sets how often the waits
 * look again; {@code UNDERWAY_REPLICATION_SETTLE} (ISO-8601, default {@code PT20S}: two range
 * metric intervals) how long after the replication wait begins its readings start to count.
 */
public final class KubernetesActivitiesProvider implements ActivitiesProvider {

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
        + " and CockroachDB over JDBC (PostgreSQL for schema changes)";
  }

  @Override
  public List<Object> activities(WorkerContext context) {
    Duration poll = context.pollInterval();
    Duration settle = replicationSettle(context);
    client = clients.get();
    TargetCredentialSource credentials = new TargetCredentialSource(
        new SecretCredentialSource(client), new EnvironmentCredentialSource(context.environment()));
    return List.of(
        new KubernetesPlatformActivities(client, poll),
        new SqlDatabaseActivities(ConnectionFactory.jdbc(), credentials, new CockroachDialect(),
            poll, null, settle, Clock.systemUTC()),
        new PostgresSchemaChangeActivities(ConnectionFactory.jdbc(), credentials));
  }

  static final String REPLICATION_SETTLE = "UNDERWAY_REPLICATION_SETTLE";

  /** {@code UNDERWAY_REPLICATION_SETTLE} (ISO-8601), default {@code PT20S}; zero allowed. */
  static Duration replicationSettle(WorkerContext context) {
    return context.duration(REPLICATION_SETTLE, SqlDatabaseActivities.DEFAULT_SETTLE, true,
        "PT20S");
  }

  @Override
  public void close() {
    if (client != null) {
      client.close();
    }
  }
}
