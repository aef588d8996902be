package dev.underway.worker;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.underway.workflows.evolution.contract.DatabaseActivities;
import dev.underway.runbooks.Runbooks;
import dev.underway.workflows.evolution.contract.PlatformActivities;
import dev.underway.activities.sql.SqlDatabaseActivities;
import dev.underway.activities.sql.schema.PostgresSchemaChangeActivities;
import dev.underway.workflows.evolution.model.PlatformState;
import dev.underway.workflows.evolution.model.ClusterTarget;
import io.fabric8.kubernetes.api.model.apps.StatefulSetBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.EnableKubernetesMockClient;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The production provider wires the real activity classes. Kubernetes here is fabric8's mock API
 * server (CRUD mode); the SQL side is only constructed (it is exercised against PostgreSQL in
 * the activities module).
 */
@EnableKubernetesMockClient(crud = true)
class KubernetesActivitiesProviderTest {

  KubernetesClient client;

  @Test
  void buildsPlatformAndDatabaseActivitiesOnTheGivenClient() throws Exception {
    client.apps().statefulSets().inNamespace("db").resource(new StatefulSetBuilder()
        .withNewMetadata().withName("crdb").withNamespace("db").endMetadata()
        .withNewSpec().withReplicas(2).withNewSelector().addToMatchLabels("app", "crdb")
        .endSelector().endSpec().build()).create();
    KubernetesActivitiesProvider provider = new KubernetesActivitiesProvider(() -> client);
    List<Object> activities = provider.activities(
        new WorkerContext("default", "underway", Map.of("UNDERWAY_POLL_INTERVAL", "PT1S")));

    assertThat(activities).hasSize(3);
    assertThat(Runbooks.ALL).as("the production activities serve every runbook")
        .allSatisfy(r -> assertThat(r.missingActivities(activities)).as(r.name()).isEmpty());
    assertThat(activities).anyMatch(a -> a instanceof PostgresSchemaChangeActivities);
    assertThat(activities).anyMatch(a -> a instanceof DatabaseActivities);
    PlatformActivities platform = activities.stream()
        .filter(PlatformActivities.class::isInstance).map(PlatformActivities.class::cast)
        .findFirst().orElseThrow();
    PlatformState state = platform.observe(ClusterTarget.of("db", "crdb", "crdb-public", "app"));
    assertThat(state.desiredNodes()).isEqualTo(2);
    assertThat(provider.name()).isEqualTo("kubernetes");
    assertThat(provider.description()).contains("Kubernetes API at ");
  }

  @Test
  void theReplicationSettleTimeComesFromTheEnvironmentAndIsChecked() {
    KubernetesActivitiesProvider provider = new KubernetesActivitiesProvider(() -> client);
    SqlDatabaseActivities db = provider.activities(new WorkerContext("default", "underway",
            Map.of("UNDERWAY_REPLICATION_SETTLE", "PT45S"))).stream()
        .filter(SqlDatabaseActivities.class::isInstance).map(SqlDatabaseActivities.class::cast)
        .findFirst().orElseThrow();
    assertThat(db.settle()).isEqualTo(Duration.ofSeconds(45));
    assertThat(KubernetesActivitiesProvider.replicationSettle(context(null)))
        .isEqualTo(Duration.ofSeconds(20));
    assertThat(KubernetesActivitiesProvider.replicationSettle(context("PT0S"))).isZero();
    assertThatThrownBy(() -> KubernetesActivitiesProvider.replicationSettle(context("-PT1S")))
        .hasMessageContaining("UNDERWAY_REPLICATION_SETTLE must be zero or more");
    assertThatThrownBy(() -> KubernetesActivitiesProvider.replicationSettle(context("20")))
        .hasMessageContaining("not an ISO-8601 duration such as PT20S");
  }

  private static WorkerContext context(String settle) {
    return new WorkerContext("default", "underway",
        settle == null ? Map.of() : Map.of("UNDERWAY_REPLICATION_SETTLE", settle));
  }

  @Test
  void pollIntervalComesFromTheEnvironmentAndIsChecked() {
    assertThat(poll(null)).isEqualTo(Duration.ofSeconds(5));
    assertThat(poll("PT0.5S")).isEqualTo(Duration.ofMillis(500));
    assertThatThrownBy(() -> poll("5s"))
        .hasMessageContaining("UNDERWAY_POLL_INTERVAL '5s' is not an ISO-8601 duration");
    assertThatThrownBy(() -> poll("PT0S"))
        .hasMessageContaining("must be positive");
  }

  private static Duration poll(String value) {
    return new WorkerContext("default", "underway",
        value == null ? Map.of() : Map.of("UNDERWAY_POLL_INTERVAL", value)).pollInterval();
  }
}
