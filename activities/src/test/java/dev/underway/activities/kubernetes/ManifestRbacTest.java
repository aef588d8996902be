package dev.underway.activities.kubernetes;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.ServiceAccount;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.rbac.PolicyRule;
import io.fabric8.kubernetes.api.model.rbac.Role;
import io.fabric8.kubernetes.api.model.rbac.RoleBinding;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import org.junit.jupiter.api.Test;

/**
 * The worker's RBAC manifests read as files: no delete, no wildcard, the StatefulSet writable
 * only through its scale subresource, one Secret by name, the binding to the account the
 * Deployment runs as. That the Role allows every request the activities make, and grants nothing
 * they do not use, is shown against the real API server's authorizer and audit log by {@code
 * real.WorkerRoleOnRealKubernetesTest} (this class used to guess it from requests recorded by a
 * mock server).
 */
class ManifestRbacTest {

  private static final KubernetesSerialization YAML = new KubernetesSerialization();

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
      if (rule.getResources().contains("statefulsets")) {
        assertThat(rule.getVerbs()).as("the StatefulSet itself is read only: scaling goes"
            + " through statefulsets/scale").containsExactly("get");
      }
      if (rule.getResources().contains("statefulsets/scale")) {
        assertThat(rule.getVerbs()).containsExactlyInAnyOrder("get", "update");
      }
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

  private <T> T load(String path, Class<T> type) {
    try (InputStream in = getClass().getClassLoader().getResourceAsStream(path)) {
      assertThat(in).as(path).isNotNull();
      return YAML.unmarshal(in, type);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
