package dev.underway.activities.kubernetes;

import static dev.underway.activities.kubernetes.ClusterFixture.NAMESPACE;
import static dev.underway.activities.kubernetes.ClusterFixture.TARGET;
import static org.assertj.core.api.Assertions.assertThat;

import dev.underway.activities.PlatformActivities;
import io.fabric8.kubernetes.api.model.ServiceAccount;
import io.fabric8.kubernetes.api.model.SecretBuilder;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.rbac.PolicyRule;
import io.fabric8.kubernetes.api.model.rbac.Role;
import io.fabric8.kubernetes.api.model.rbac.RoleBinding;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.EnableKubernetesMockClient;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import io.fabric8.mockwebserver.http.RecordedRequest;
import io.temporal.activity.ActivityOptions;
import io.temporal.common.RetryOptions;
import io.temporal.testing.TestActivityEnvironment;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Least privilege, proven rather than asserted: every Kubernetes activity and the Secret
 * credential source run against the mock API server; every HTTP request they make is recorded,
 * mapped to (apiGroup, resource, verb, name) as the API server's authorizer would, and checked
 * against the worker's Role in manifests/worker/role.yaml. Then the other way round: every
 * (apiGroup, resource, verb) the Role grants must have been used.
 */
@EnableKubernetesMockClient(crud = true)
class ManifestRbacTest {

  KubernetesMockServer server;
  KubernetesClient client;

  private TestActivityEnvironment testEnv;
  private PlatformActivities activities;
  private ClusterFixture cluster;
  private int requestsTaken;

  /** One API request as RBAC sees it. */
  record Access(String apiGroup, String resource, String verb, String name, String request) {}

  @BeforeEach
  void setUp() {
    cluster = new ClusterFixture(client);
    testEnv = TestActivityEnvironment.newInstance();
    testEnv.registerActivitiesImplementations(
        new KubernetesPlatformActivities(client, Duration.ofMillis(50)));
    activities = testEnv.newActivityStub(PlatformActivities.class, ActivityOptions.newBuilder()
        .setStartToCloseTimeout(Duration.ofSeconds(30))
        .setHeartbeatTimeout(Duration.ofSeconds(1))
        .setRetryOptions(RetryOptions.newBuilder().setMaximumAttempts(1).build())
        .build());
  }

  @AfterEach
  void tearDown() {
    testEnv.close();
  }

  @Test
  void theRoleAllowsEveryRequestTheActivitiesMakeAndNothingMore() throws Exception {
    Role role = load("manifests/worker/role.yaml", Role.class);
    List<Access> used = new ArrayList<>();

    // Setup by the test (not recorded): a 1-node cluster, its pod Ready (no controllers in the
    // mock, so the test sets status), the credentials Secret.
    cluster.createStatefulSet(1);
    cluster.createPod(0);
    cluster.setPodReady(0, true);
    cluster.setReadyReplicas(1);
    client.secrets().inNamespace(NAMESPACE).resource(new SecretBuilder().withNewMetadata()
        .withName(TARGET.credentialsSecret()).endMetadata()
        .withStringData(Map.of("username", "u", "password", "p")).build()).create();

    used.addAll(recorded(() -> {
      activities.observe(TARGET);
      activities.scaleNodes(TARGET, 2);
      activities.scaleNodes(TARGET, 2);
      activities.applyDisruptionBudget(TARGET, 0); // create
      activities.applyDisruptionBudget(TARGET, 1); // patch
      activities.ensureReaderService(TARGET); // create
      activities.observe(TARGET);
      new SecretCredentialSource(client).credentialsFor(TARGET);
    }));

    // Second node Ready, the reader Service drifted: set by the test, not recorded.
    cluster.createPod(1);
    cluster.setPodReady(1, true);
    cluster.setReadyReplicas(2);
    client.services().inNamespace(NAMESPACE).withName(TARGET.readerServiceOrDefault())
        .edit(s -> {
          s.getSpec().getPorts().get(0).setPort(5432);
          return s;
        });

    used.addAll(recorded(() -> {
      activities.awaitNodesReady(TARGET, 2);
      activities.ensureReaderService(TARGET); // patch
    }));

    assertThat(used).isNotEmpty();
    assertThat(used).allSatisfy(access -> assertThat(allows(role, access))
        .as("Role allows %s", access).isTrue());

    Set<String> usedTriples = new LinkedHashSet<>();
    used.forEach(a -> usedTriples.add(a.apiGroup() + "|" + a.resource() + "|" + a.verb()));
    Set<String> granted = new LinkedHashSet<>();
    for (PolicyRule rule : role.getRules()) {
      for (String group : rule.getApiGroups()) {
        for (String resource : rule.getResources()) {
          for (String verb : rule.getVerbs()) {
            granted.add(group + "|" + resource + "|" + verb);
          }
        }
      }
    }
    assertThat(usedTriples).as("what the activities used").containsExactlyInAnyOrderElementsOf(granted);
  }

  @Test
  void theRoleHasNoDeleteVerbsNoWildcardsAndSecretsOnlyByName() {
    Role role = load("manifests/worker/role.yaml", Role.class);
    assertThat(role.getRules()).isNotEmpty();
    for (PolicyRule rule : role.getRules()) {
      assertThat(rule.getVerbs()).doesNotContain("delete", "deletecollection", "*", "escalate",
          "bind", "impersonate");
      assertThat(rule.getApiGroups()).doesNotContain("*");
      assertThat(rule.getResources()).doesNotContain("*").noneMatch(r -> r.contains("*"));
      assertThat(rule.getResourceNames()).doesNotContain("*");
      assertThat(rule.getNonResourceURLs()).isNullOrEmpty();
      if (rule.getResources().contains("secrets")) {
        assertThat(rule.getResources()).containsExactly("secrets");
        assertThat(rule.getResourceNames()).containsExactly("cockroachdb-underway");
        assertThat(rule.getVerbs()).containsExactly("get");
      }
    }
  }

  @Test
  void theWorkerRunsAsTheBoundServiceAccount() {
    Role role = load("manifests/worker/role.yaml", Role.class);
    RoleBinding binding = load("manifests/worker/rolebinding.yaml", RoleBinding.class);
    ServiceAccount account = load("manifests/worker/serviceaccount.yaml", ServiceAccount.class);
    Deployment worker = load("manifests/worker/deployment.yaml", Deployment.class);

    assertThat(account.getMetadata().getName()).isEqualTo("underway-worker");
    assertThat(binding.getRoleRef().getKind()).isEqualTo("Role");
    assertThat(binding.getRoleRef().getName()).isEqualTo(role.getMetadata().getName());
    assertThat(binding.getSubjects()).singleElement().satisfies(s -> {
      assertThat(s.getKind()).isEqualTo("ServiceAccount");
      assertThat(s.getName()).isEqualTo(account.getMetadata().getName());
    });
    assertThat(worker.getSpec().getTemplate().getSpec().getServiceAccountName())
        .isEqualTo(account.getMetadata().getName());
  }

  // ---- request recording and RBAC evaluation --------------------------------------------------

  /** Runs {@code calls} and returns the API requests they made (earlier requests are skipped). */
  private List<Access> recorded(Runnable calls) throws InterruptedException {
    drain();
    calls.run();
    List<Access> out = new ArrayList<>();
    int total = server.getRequestCount();
    while (requestsTaken < total) {
      RecordedRequest request = server.takeRequest(5, TimeUnit.SECONDS);
      assertThat(request).as("recorded request %d of %d", requestsTaken + 1, total).isNotNull();
      requestsTaken++;
      out.add(access(request.getMethod(), request.getPath()));
    }
    return out;
  }

  private void drain() throws InterruptedException {
    int total = server.getRequestCount();
    while (requestsTaken < total) {
      assertThat(server.takeRequest(5, TimeUnit.SECONDS)).isNotNull();
      requestsTaken++;
    }
  }

  private static final Pattern NAMESPACED = Pattern.compile(
      "^/(?:api/v1|apis/([^/]+)/[^/]+)/namespaces/[^/]+/([^/]+)(?:/([^/]+)(?:/([^/]+))?)?$");

  /** (method, path) to what the API server's RBAC authorizer checks. */
  static Access access(String method, String pathAndQuery) {
    URI uri = URI.create(pathAndQuery);
    String path = uri.getPath();
    String query = uri.getQuery() == null ? "" : uri.getQuery();
    Matcher m = NAMESPACED.matcher(path);
    assertThat(m.matches()).as("a namespaced resource request (a Role grants nothing else): %s %s",
        method, pathAndQuery).isTrue();
    String group = m.group(1) == null ? "" : m.group(1);
    String resource = m.group(2) + (m.group(4) == null ? "" : "/" + m.group(4));
    String name = m.group(3);
    String verb = switch (method) {
      case "GET" -> name != null ? "get" : query.contains("watch=true") ? "watch" : "list";
      case "POST" -> "create";
      case "PUT" -> "update";
      case "PATCH" -> "patch";
      case "DELETE" -> name != null ? "delete" : "deletecollection";
      default -> throw new AssertionError("unexpected method " + method + " " + pathAndQuery);
    };
    return new Access(group, resource, verb, name, method + " " + pathAndQuery);
  }

  static boolean allows(Role role, Access access) {
    return role.getRules().stream().anyMatch(rule ->
        rule.getApiGroups().contains(access.apiGroup())
            && rule.getResources().contains(access.resource())
            && rule.getVerbs().contains(access.verb())
            && (rule.getResourceNames() == null || rule.getResourceNames().isEmpty()
                || rule.getResourceNames().contains(access.name())));
  }

  private <T> T load(String path, Class<T> type) {
    try (InputStream in = getClass().getClassLoader().getResourceAsStream(path)) {
      assertThat(in).as(path).isNotNull();
      return client.getKubernetesSerialization().unmarshal(in, type);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
