package dev.underway.activities.kubernetes.real;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowable;
import static org.awaitility.Awaitility.await;

import dev.underway.kernel.Failures;
import dev.underway.workflows.evolution.contract.PlatformActivities;
import dev.underway.activities.kubernetes.KubernetesPlatformActivities;
import dev.underway.activities.kubernetes.SecretCredentialSource;
import dev.underway.kernel.ChangeResult.Outcome;
import dev.underway.workflows.evolution.model.PlatformState;
import dev.underway.workflows.evolution.model.ClusterTarget;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.SecretBuilder;
import io.fabric8.kubernetes.api.model.rbac.PolicyRule;
import io.fabric8.kubernetes.api.model.rbac.Role;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.temporal.activity.ActivityOptions;
import io.temporal.common.RetryOptions;
import io.temporal.failure.ApplicationFailure;
import io.temporal.testing.TestActivityEnvironment;
import java.time.Duration;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.assertj.core.api.ThrowableAssert.ThrowingCallable;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The worker's Role ({@code manifests/worker/role.yaml}), enforced by the real RBAC authorizer:
 * every Kubernetes activity and the credentials Secret read run as the worker's ServiceAccount
 * (a TokenRequest token for the account the manifests create). The API server's audit log then
 * says what was asked and answered: everything the evolution needs was allowed, and every rule
 * of the Role was used (nothing granted in vain). Requests outside the Role are forbidden.
 */
@ExtendWith(RealKubernetes.class)
class WorkerRoleOnRealKubernetesTest {

  static final String NS = "underway-rbac";

  static ControlPlane plane;
  static DemoNamespace ns;
  static TestActivityEnvironment testEnv;
  static PlatformActivities activities;

  @BeforeAll
  static void setUp(ControlPlane controlPlane) {
    plane = controlPlane;
    ns = DemoNamespace.create(plane, NS, 0);
    testEnv = TestActivityEnvironment.newInstance();
    testEnv.registerActivitiesImplementations(
        new KubernetesPlatformActivities(ns.worker(), Duration.ofMillis(100)));
    activities = testEnv.newActivityStub(PlatformActivities.class, ActivityOptions.newBuilder()
        .setStartToCloseTimeout(Duration.ofSeconds(90))
        .setRetryOptions(RetryOptions.newBuilder().setMaximumAttempts(1).build())
        .build());
  }

  @AfterAll
  static void tearDown() {
    testEnv.close();
    ns.close();
  }

  @Test
  void everythingTheEvolutionNeedsIsAllowedAndEveryRuleOfTheRoleIsUsed() {
    ClusterTarget target = ns.target();
    AuditLog audit = new AuditLog(plane.auditLog());
    String user = AuditLog.serviceAccountUser(NS, DemoNamespace.WORKER_ACCOUNT);
    int earlier = audit.requestsBy(user).size();
    // the overlay created the budget; remove it so the create path runs too
    ns.admin().policy().v1().podDisruptionBudget().inNamespace(NS)
        .withName(target.disruptionBudgetName()).delete();
    await().until(() -> ns.admin().policy().v1().podDisruptionBudget().inNamespace(NS)
        .withName(target.disruptionBudgetName()).get() == null);

    assertThat(activities.observe(target)).isEqualTo(new PlatformState(1, 1, false, null));
    assertThat(activities.scaleNodes(target, 2).outcome()).isEqualTo(Outcome.UPDATED);
    assertThat(activities.scaleNodes(target, 2).outcome()).isEqualTo(Outcome.UNCHANGED);
    assertThat(activities.awaitNodesReady(target, 2).done()).isTrue();
    assertThat(activities.applyDisruptionBudget(target, 0).outcome()).isEqualTo(Outcome.CREATED);
    assertThat(activities.applyDisruptionBudget(target, 1).outcome()).isEqualTo(Outcome.UPDATED);
    assertThat(activities.ensureReaderService(target).outcome()).isEqualTo(Outcome.CREATED);
    ns.admin().services().inNamespace(NS).withName(target.readerServiceOrDefault()).edit(s -> {
      s.getSpec().getPorts().get(0).setPort(5432);
      return s;
    });
    assertThat(activities.ensureReaderService(target).outcome()).isEqualTo(Outcome.UPDATED);
    assertThat(activities.observe(target)).isEqualTo(new PlatformState(2, 2, true, 1));
    assertThat(new SecretCredentialSource(ns.worker()).credentialsFor(target).user())
        .isEqualTo("root");

    List<AuditLog.Request> all = audit.requestsBy(user);
    List<AuditLog.Request> requests = all.subList(earlier, all.size());
    assertThat(requests).isNotEmpty().allSatisfy(r -> {
      assertThat(r.decision()).as("%s %s", r.verb(), r.uri()).isEqualTo("allow");
      assertThat(r.code()).as("%s %s (a 404 is an allowed look-up)", r.verb(), r.uri())
          .isNotEqualTo(403);
      assertThat(r.namespace()).isEqualTo(NS);
    });
    Set<String> used = new LinkedHashSet<>();
    requests.forEach(r -> used.add(r.grant()));
    assertThat(used).as("what the activities asked for, as the API server saw it")
        .containsExactlyInAnyOrderElementsOf(granted(liveRole()));
  }

  @Test
  void requestsOutsideTheRoleAreForbidden() {
    KubernetesClient worker = ns.worker();
    String image = ns.statefulSet().getSpec().getTemplate().getSpec().getContainers().get(0)
        .getImage();
    ns.admin().secrets().inNamespace(NS).resource(new SecretBuilder().withNewMetadata()
        .withName("someone-elses").endMetadata().withStringData(Map.of("k", "v")).build())
        .serverSideApply();

    List<ThrowingCallable> outside = List.of(
        // writing the StatefulSet itself (its pod template: image, command) — scale only
        () -> worker.apps().statefulSets().inNamespace(NS).withName("cockroachdb").edit(s -> {
          s.getSpec().getTemplate().getSpec().getContainers().get(0).setImage("evil:1");
          return s;
        }),
        () -> worker.apps().statefulSets().inNamespace(NS).withName("cockroachdb").delete(),
        () -> worker.secrets().inNamespace(NS).withName("someone-elses").get(),
        () -> worker.secrets().inNamespace(NS).list(),
        () -> worker.pods().inNamespace(NS).resource(new PodBuilder().withNewMetadata()
            .withName("intruder").endMetadata().withNewSpec().addNewContainer().withName("x")
            .withImage("x:1").endContainer().endSpec().build()).create(),
        () -> worker.rbac().roles().inNamespace(NS).withName("underway-worker").edit(r -> {
          r.getRules().get(0).getVerbs().add("delete");
          return r;
        }),
        () -> worker.apps().statefulSets().inNamespace("underway-demo").withName("cockroachdb")
            .get(),
        () -> worker.services().inNamespace(NS).withName("cockroachdb-public").delete());
    for (ThrowingCallable call : outside) {
      assertThatThrownBy(call).isInstanceOfSatisfying(KubernetesClientException.class,
          e -> assertThat(e.getCode()).as(e.getMessage()).isEqualTo(403));
    }
    assertThat(ns.statefulSet().getSpec().getTemplate().getSpec().getContainers().get(0)
        .getImage()).isEqualTo(image);
    assertThat(new AuditLog(plane.auditLog())
        .requestsBy(AuditLog.serviceAccountUser(NS, DemoNamespace.WORKER_ACCOUNT)))
        .filteredOn(r -> r.decision().equals("forbid")).extracting(AuditLog.Request::verb)
        .contains("patch", "delete", "get", "list", "create");
  }

  @Test
  void aCredentialsSecretTheRoleDoesNotNameIsACredentialsProblemNotARetry() {
    ClusterTarget misnamed = ns.target().withCredentialsSecret("someone-elses");
    ns.admin().secrets().inNamespace(NS).resource(new SecretBuilder().withNewMetadata()
        .withName("someone-elses").endMetadata().withStringData(Map.of("username", "x",
            "password", "hidden-value")).build()).serverSideApply();

    Throwable thrown = catchThrowable(
        () -> new SecretCredentialSource(ns.worker()).credentialsFor(misnamed));

    assertThat(thrown).isInstanceOfSatisfying(ApplicationFailure.class, f -> {
      assertThat(f.getType()).isEqualTo(Failures.CREDENTIALS);
      assertThat(f.isNonRetryable()).isTrue();
      assertThat(f.getOriginalMessage()).contains("may not read Secret " + NS + "/someone-elses")
          .contains("cockroachdb-underway").doesNotContain("hidden-value");
    });
  }

  private static Role liveRole() {
    Role role = ns.admin().rbac().roles().inNamespace(NS).withName("underway-worker").get();
    assertThat(role).as("the worker kustomization's Role").isNotNull();
    return role;
  }

  private static Set<String> granted(Role role) {
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
    return granted;
  }
}
