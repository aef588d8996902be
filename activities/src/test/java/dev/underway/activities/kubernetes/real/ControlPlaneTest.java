package dev.underway.activities.kubernetes.real;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.api.model.ServiceAccountBuilder;
import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.readiness.Readiness;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/** The test control plane itself: real components, RBAC on, a fake node, ports retried. */
@ExtendWith(RealKubernetes.class)
class ControlPlaneTest {

  @Test
  void theApiServerIsTheReleaseBuiltWithRbacAndAReadyKwokNode(ControlPlane plane) {
    KubernetesClient admin = plane.admin();
    assertThat(admin.getKubernetesVersion().getGitVersion()).isEqualTo("v1.36.3");
    Node node = admin.nodes().withName(ControlPlane.NODE).get();
    assertThat(Readiness.isNodeReady(node)).isTrue();

    // RBAC is the authorizer: an account nobody granted anything may not even list pods
    String ns = "underway-rbac-check";
    admin.namespaces().resource(new NamespaceBuilder().withNewMetadata().withName(ns)
        .endMetadata().build()).serverSideApply();
    admin.serviceAccounts().inNamespace(ns).resource(new ServiceAccountBuilder()
        .withNewMetadata().withName("nobody").endMetadata().build()).serverSideApply();
    try (KubernetesClient nobody = plane.clientAs(ns, "nobody")) {
      assertThatThrownBy(() -> nobody.pods().inNamespace(ns).list())
          .isInstanceOfSatisfying(KubernetesClientException.class,
              e -> assertThat(e.getCode()).isEqualTo(403));
    }
  }

  @Test
  void aComponentWhosePortWasTakenIsStartedAgainOnAnother(@TempDir Path dir) throws Exception {
    KubeBinaries binaries = KubeBinaries.requireOrSkip();
    try (ServerSocket squatter = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      List<Integer> used = new java.util.ArrayList<>();
      try (KubeProcess etcd = KubeProcess.withPortRetries("etcd", attempt -> {
        int client = attempt == 1 ? squatter.getLocalPort() : KubeProcess.freePort();
        int peer = KubeProcess.freePort();
        used.add(client);
        return KubeProcess.start("etcd", List.of(binaries.etcd().toString(),
            "--data-dir=" + dir.resolve("data-" + attempt),
            "--listen-client-urls=http://127.0.0.1:" + client,
            "--advertise-client-urls=http://127.0.0.1:" + client,
            "--listen-peer-urls=http://127.0.0.1:" + peer,
            "--initial-advertise-peer-urls=http://127.0.0.1:" + peer,
            "--initial-cluster=default=http://127.0.0.1:" + peer),
            dir.resolve("etcd-" + attempt + ".log"), Duration.ofSeconds(60),
            () -> Files.readString(dir.resolve("etcd-" + attempt + ".log"))
                .contains("serving client traffic insecurely"));
      })) {
        assertThat(etcd.isAlive()).isTrue();
        assertThat(used).hasSize(2).first().isEqualTo(squatter.getLocalPort());
        assertThat(Files.readString(dir.resolve("etcd-1.log"))).contains("address already in use");
      }
    }
  }

  @Test
  void aStoppedControlPlaneLeavesNoProcessBehind() throws IOException {
    ControlPlane own = ControlPlane.start(KubeBinaries.requireOrSkip());
    List<Long> pids;
    Path dir = own.workDirectory();
    try {
      pids = own.pids();
      assertThat(pids).hasSize(5);
    } finally {
      own.close();
    }
    assertThat(pids).allSatisfy(pid -> assertThat(ProcessHandle.of(pid)
        .map(ProcessHandle::isAlive).orElse(false)).as("pid %d alive", pid).isFalse());
    assertThat(dir).doesNotExist();
  }
}
