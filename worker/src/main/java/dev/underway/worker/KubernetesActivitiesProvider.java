package dev.underway.worker;

import dev.underway.activities.kubernetes.KubernetesPlatformActivities;
import dev.underway.activities.kubernetes.SecretCredentialSource;
import dev.underway.activities.sql.CockroachDialect;
import dev.underway.activities.sql.ConnectionFactory;
import dev.underway.activities.sql.CredentialSource;
import dev.underway.activities.sql.EnvironmentCredentialSource;
import dev.underway.activities.sql.SqlDatabaseActivities;
import dev.underway.activities.sql.TargetCredentialSource;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.Supplier;

/**
 * The production activities: the cluster's nodes through the Kubernetes API (fabric8, configured
 * the usual way: in-cluster ServiceAccount, {@code KUBECONFIG} or {@code ~/.kube/config}) and
 * CockroachDB over JDBC, with SQL credentials from the target's Secret or the worker's
 * environment; and the schema-change activities against a target's PostgreSQL, with the same
 * connections and credentials, when their implementation is on the classpath.
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
    List<Object> activities = new ArrayList<>(List.of(
        new KubernetesPlatformActivities(client, poll),
        new SqlDatabaseActivities(ConnectionFactory.jdbc(), credentials, new CockroachDialect(),
            poll, null, settle, Clock.systemUTC())));
    schemaChangeActivities(POSTGRES_SCHEMA_CHANGE, ConnectionFactory.jdbc(), credentials)
        .ifPresent(activities::add);
    return List.copyOf(activities);
  }

  /**
   * The PostgreSQL implementation of the schema-change activities (the activities module's
   * {@code sql.schema} package), built with the worker's JDBC connections and credentials.
   */
  static final String POSTGRES_SCHEMA_CHANGE =
      "dev.underway.activities.sql.schema.PostgresSchemaChangeActivities";

  /**
   * {@code className}'s instance, built with its {@code (ConnectionFactory, CredentialSource)}
   * constructor, when the class is on the classpath; empty when it is not (the worker then does
   * not serve the schema-change runbook, and its log says which runbooks it serves).
   */
  static Optional<Object> schemaChangeActivities(String className,
      ConnectionFactory connections, CredentialSource credentials) {
    Class<?> type;
    try {
      type = Class.forName(className);
    } catch (ClassNotFoundException e) {
      return Optional.empty();
    }
    try {
      return Optional.of(type.getConstructor(ConnectionFactory.class, CredentialSource.class)
          .newInstance(connections, credentials));
    } catch (ReflectiveOperationException e) {
      throw new IllegalStateException(className + " has no usable (ConnectionFactory,"
          + " CredentialSource) constructor", e);
    }
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
