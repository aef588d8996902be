package dev.underway.activities.kubernetes.real;

import static org.awaitility.Awaitility.await;

import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.api.model.NodeBuilder;
import io.fabric8.kubernetes.api.model.PersistentVolumeBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.authentication.TokenRequestBuilder;
import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.ConfigBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.fabric8.kubernetes.client.readiness.Readiness;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;
import org.awaitility.core.ConditionTimeoutException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A real Kubernetes control plane on 127.0.0.1, from the binaries {@code tools/kube/build.sh}
 * builds: etcd, kube-apiserver (RBAC, a serving certificate and a service-account key made here,
 * an audit log of every service account's requests), kube-controller-manager, kube-scheduler, and
 * kwok with one fake node (kwok plays the kubelet: it marks scheduled pods Running and Ready, and
 * Job pods Succeeded). No container runs and no volume is provisioned: {@link
 * #provideVolumes} creates the PersistentVolumes a StatefulSet's claims bind to.
 *
 * <p>Started once per test run by {@link RealKubernetes}; {@link #close} stops the components in
 * reverse order (the API server before etcd) and removes the working directory.
 */
public final class ControlPlane implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(ControlPlane.class);

  /** The fake node every pod is scheduled to. */
  public static final String NODE = "underway-kwok-node";

  private static final Duration START_TIMEOUT = Duration.ofSeconds(90);

  private final KubeBinaries binaries;
  private final Path dir;
  private final Pki pki = new Pki();
  private final List<KubeProcess> processes = new ArrayList<>();
  private final Thread shutdownHook = new Thread(this::stopProcesses, "control-plane-stop");
  private String url;
  private Path adminKubeconfig;
  private KubernetesClient admin;

  private ControlPlane(KubeBinaries binaries, Path dir) {
    this.binaries = binaries;
    this.dir = dir;
  }

  /** Starts every component and waits until a pod can be scheduled and become Ready. */
  public static ControlPlane start(KubeBinaries binaries) throws IOException {
    Instant began = Instant.now();
    ControlPlane plane = new ControlPlane(binaries, Files.createTempDirectory("underway-kube-"));
    Runtime.getRuntime().addShutdownHook(plane.shutdownHook);
    try {
      plane.startAll();
    } catch (IOException | RuntimeException e) {
      plane.close();
      throw e;
    }
    log.info("Kubernetes control plane ready at {} in {} ms (work dir {})", plane.url,
        Duration.between(began, Instant.now()).toMillis(), plane.dir);
    return plane;
  }

  private void startAll() throws IOException {
    Path ca = Pki.write(dir.resolve("ca.crt"), pki.ca().certificatePem());
    Pki.Issued serving = pki.server("kube-apiserver");
    Path serverCert = Pki.write(dir.resolve("apiserver.crt"), serving.certificatePem());
    Path serverKey = Pki.write(dir.resolve("apiserver.key"), serving.privateKeyPem());
    Path[] sa = pki.writeServiceAccountKeys(dir);
    Path auditPolicy = copyResource("audit-policy.yaml");

    int[] etcdPort = new int[1];
    processes.add(KubeProcess.withPortRetries("etcd", attempt -> {
      int client = KubeProcess.freePort();
      int peer = KubeProcess.freePort();
      etcdPort[0] = client;
      String peerUrl = "http://127.0.0.1:" + peer;
      String clientUrl = "http://127.0.0.1:" + client;
      return KubeProcess.start("etcd", List.of(binaries.etcd().toString(),
          "--name=underway-test", "--data-dir=" + dir.resolve("etcd-" + attempt),
          "--listen-client-urls=" + clientUrl, "--advertise-client-urls=" + clientUrl,
          "--listen-peer-urls=" + peerUrl, "--initial-advertise-peer-urls=" + peerUrl,
          "--initial-cluster=underway-test=" + peerUrl,
          // a test cluster: losing it in a power cut costs nothing, fsync costs every write
          "--unsafe-no-fsync=true", "--log-level=warn"),
          dir.resolve("etcd.log"), START_TIMEOUT,
          () -> get(HttpClient.newHttpClient(), clientUrl + "/health").contains("true"));
    }));

    HttpClient tls = tlsClient();
    processes.add(KubeProcess.withPortRetries("kube-apiserver", attempt -> {
      int port = KubeProcess.freePort();
      url = "https://127.0.0.1:" + port;
      return KubeProcess.start("kube-apiserver", List.of(binaries.apiserver().toString(),
          "--etcd-servers=http://127.0.0.1:" + etcdPort[0],
          "--bind-address=127.0.0.1", "--advertise-address=127.0.0.1",
          "--secure-port=" + port, "--cert-dir=" + dir.resolve("apiserver-certs"),
          "--tls-cert-file=" + serverCert, "--tls-private-key-file=" + serverKey,
          "--client-ca-file=" + ca, "--authorization-mode=RBAC",
          "--service-account-issuer=https://kubernetes.default.svc",
          "--service-account-key-file=" + sa[1], "--service-account-signing-key-file=" + sa[0],
          "--service-cluster-ip-range=10.96.0.0/16",
          // the "kubernetes" Service's endpoint would be 127.0.0.1, which Endpoints refuse
          "--endpoint-reconciler-type=none",
          "--audit-policy-file=" + auditPolicy, "--audit-log-path=" + auditLog(),
          "--audit-log-format=json", "--profiling=false"),
          dir.resolve("kube-apiserver.log"), START_TIMEOUT,
          () -> "ok".equals(get(tls, url + "/readyz")));
    }));

    adminKubeconfig = kubeconfig("admin", pki.client("underway-test-admin", "system:masters"));
    admin = new KubernetesClientBuilder().withConfig(config(adminKubeconfig)).build();

    Path cmKubeconfig = kubeconfig("kube-controller-manager",
        pki.client("system:kube-controller-manager", null));
    processes.add(KubeProcess.start("kube-controller-manager", List.of(
        binaries.controllerManager().toString(), "--kubeconfig=" + cmKubeconfig,
        "--authentication-kubeconfig=" + cmKubeconfig,
        "--authorization-kubeconfig=" + cmKubeconfig, "--secure-port=0",
        "--leader-elect=false", "--service-account-private-key-file=" + sa[0],
        // each controller as its own service account, with the roles Kubernetes bootstraps for
        // it (as kubeadm runs it): the controller-manager's own user may do little by itself
        "--root-ca-file=" + ca, "--use-service-account-credentials=true"),
        dir.resolve("kube-controller-manager.log"), START_TIMEOUT,
        // the service-account controller's first act: "default" in every namespace
        () -> admin.serviceAccounts().inNamespace("default").withName("default").get() != null));

    Path schedulerKubeconfig = kubeconfig("kube-scheduler",
        pki.client("system:kube-scheduler", null));
    processes.add(KubeProcess.start("kube-scheduler", List.of(binaries.scheduler().toString(),
        "--kubeconfig=" + schedulerKubeconfig,
        "--authentication-kubeconfig=" + schedulerKubeconfig,
        "--authorization-kubeconfig=" + schedulerKubeconfig, "--secure-port=0",
        "--leader-elect=false"),
        dir.resolve("kube-scheduler.log"), START_TIMEOUT, () -> true));

    List<String> kwok = new ArrayList<>(List.of(binaries.kwok().toString(),
        "--kubeconfig=" + adminKubeconfig, "--manage-single-node=" + NODE,
        "--node-lease-duration-seconds=40", "--cidr=10.244.0.0/24", "--node-ip=10.244.0.1"));
    binaries.stageFiles().forEach(f -> kwok.add("--config=" + f));
    processes.add(KubeProcess.start("kwok", kwok, dir.resolve("kwok.log"), START_TIMEOUT,
        () -> true));

    admin.nodes().resource(new NodeBuilder().withNewMetadata().withName(NODE)
        .withAnnotations(Map.of("kwok.x-k8s.io/node", "fake"))
        .withLabels(Map.of("kubernetes.io/hostname", NODE, "kubernetes.io/os", "linux",
            "kubernetes.io/arch", "amd64", "type", "kwok"))
        .endMetadata()
        .withNewStatus()
          .withAllocatable(resources()).withCapacity(resources())
        .endStatus().build()).create();
    selfCheck();
  }

  /** A pod in a namespace of its own reaches Ready: scheduler, controllers and kwok all work. */
  private void selfCheck() {
    String ns = "underway-control-plane-check";
    admin.namespaces().resource(new NamespaceBuilder().withNewMetadata().withName(ns)
        .endMetadata().build()).create();
    await("the default ServiceAccount of " + ns).atMost(START_TIMEOUT)
        .until(() -> allAlive() && admin.serviceAccounts().inNamespace(ns).withName("default")
            .get() != null);
    admin.pods().inNamespace(ns).resource(new PodBuilder().withNewMetadata().withName("check")
        .endMetadata().withNewSpec().addNewContainer().withName("check").withImage("check:1")
        .endContainer().endSpec().build()).create();
    try {
      await("a pod scheduled to the kwok node and Ready").atMost(START_TIMEOUT)
          .until(() -> allAlive()
              && Readiness.isPodReady(admin.pods().inNamespace(ns).withName("check").get()));
    } catch (ConditionTimeoutException e) {
      StringBuilder why = new StringBuilder(e.getMessage()).append("\npod: ")
          .append(admin.pods().inNamespace(ns).withName("check").get().getStatus())
          .append("\nnode: ").append(admin.nodes().withName(NODE).get().getStatus()
              .getConditions());
      processes.forEach(p -> why.append("\n--- ").append(p.name()).append(":\n")
          .append(p.tail()));
      throw new IllegalStateException(why.toString(), e);
    }
  }

  /** True while every component runs; an exception with the dead one's log otherwise. */
  private boolean allAlive() {
    for (KubeProcess p : processes) {
      if (!p.isAlive()) {
        throw new IllegalStateException(p.name() + " exited; the end of its log:\n" + p.tail());
      }
    }
    return true;
  }

  private static Map<String, Quantity> resources() {
    return Map.of("cpu", new Quantity("32"), "memory", new Quantity("256Gi"),
        "pods", new Quantity("110"), "ephemeral-storage", new Quantity("1Ti"));
  }

  // ---- what the tests use ----------------------------------------------------------------------

  /** The API server's URL. */
  public String url() {
    return url;
  }

  /** A client as the cluster administrator (system:masters), for set-up and checks. */
  public KubernetesClient admin() {
    return admin;
  }

  /** The administrator's kubeconfig, for kubectl. */
  public Path adminKubeconfig() {
    return adminKubeconfig;
  }

  public Path kubectlBinary() {
    return binaries.kubectl();
  }

  /** A working directory for a test's files (kubectl's cache, say). */
  public Path workDirectory() {
    return dir;
  }

  /** Every service account's requests, one JSON audit event per line (see audit-policy.yaml). */
  public Path auditLog() {
    return dir.resolve("audit.log");
  }

  /**
   * A client that authenticates as ServiceAccount {@code namespace/name} with a token from the
   * TokenRequest API, as a pod running as that account would: the real authorizer decides what
   * it may do. The caller closes it.
   */
  public KubernetesClient clientAs(String namespace, String serviceAccount) {
    String token = admin.serviceAccounts().inNamespace(namespace).withName(serviceAccount)
        .tokenRequest(new TokenRequestBuilder().withNewSpec().withExpirationSeconds(3600L)
            .endSpec().build())
        .getStatus().getToken();
    Config config = new ConfigBuilder(Config.empty()).withMasterUrl(url)
        .withCaCertData(Pki.base64(pki.ca().certificatePem())).withOauthToken(token)
        .withNamespace(namespace).build();
    return new KubernetesClientBuilder().withConfig(config).build();
  }

  /**
   * Statically provisioned PersistentVolumes for a StatefulSet's claims ({@code
   * <template>-<statefulSet>-<ordinal>} in {@code namespace}), each reserved for its claim, so the
   * controller-manager binds them as a storage provisioner would. kwok mounts nothing.
   */
  public void provideVolumes(String namespace, String template, String statefulSet, int count,
      String size) {
    for (int i = 0; i < count; i++) {
      String claim = template + "-" + statefulSet + "-" + i;
      String name = "pv-" + namespace + "-" + claim;
      if (admin.persistentVolumes().withName(name).get() != null) {
        continue;
      }
      admin.persistentVolumes().resource(new PersistentVolumeBuilder().withNewMetadata()
          .withName(name).endMetadata().withNewSpec()
          .withCapacity(Map.of("storage", new Quantity(size)))
          .withAccessModes("ReadWriteOnce").withStorageClassName("")
          .withPersistentVolumeReclaimPolicy("Retain")
          .withNewHostPath().withPath("/var/lib/underway-test/" + name).endHostPath()
          .withNewClaimRef().withNamespace(namespace).withName(claim).endClaimRef()
          .endSpec().build()).create();
    }
  }

  // ---- stopping --------------------------------------------------------------------------------

  /** Stops kwok, the scheduler, the controller-manager, the API server and then etcd. */
  @Override
  public void close() {
    if (admin != null) {
      admin.close();
    }
    stopProcesses();
    try {
      Runtime.getRuntime().removeShutdownHook(shutdownHook);
    } catch (IllegalStateException shuttingDown) {
      // the hook is running or will: nothing to remove
    }
    deleteRecursively(dir);
  }

  private synchronized void stopProcesses() {
    for (int i = processes.size() - 1; i >= 0; i--) {
      processes.get(i).close();
    }
    processes.clear();
  }

  /** The components' pids, for a test that checks none is left. */
  List<Long> pids() {
    return processes.stream().map(KubeProcess::pid).toList();
  }

  // ---- files and HTTP --------------------------------------------------------------------------

  private Path kubeconfig(String user, Pki.Issued identity) throws IOException {
    String text = """
        apiVersion: v1
        kind: Config
        clusters:
          - name: underway-test
            cluster:
              server: %s
              certificate-authority-data: %s
        users:
          - name: %s
            user:
              client-certificate-data: %s
              client-key-data: %s
        contexts:
          - name: underway-test
            context:
              cluster: underway-test
              user: %s
        current-context: underway-test
        """.formatted(url, Pki.base64(pki.ca().certificatePem()), user,
        Pki.base64(identity.certificatePem()), Pki.base64(identity.privateKeyPem()), user);
    return Pki.write(dir.resolve(user + ".kubeconfig"), text);
  }

  private static Config config(Path kubeconfig) throws IOException {
    Config config = Config.fromKubeconfig(Files.readString(kubeconfig));
    config.setClientKeyAlgo("EC");
    return config;
  }

  private Path copyResource(String name) throws IOException {
    try (InputStream in = ControlPlane.class.getResourceAsStream(name)) {
      if (in == null) {
        throw new IOException("no " + name + " beside " + ControlPlane.class.getName());
      }
      Path file = dir.resolve(name);
      Files.copy(in, file);
      return file;
    }
  }

  /** HTTPS that trusts only this run's CA (no client certificate: /readyz is public). */
  private HttpClient tlsClient() {
    try {
      KeyStore trust = KeyStore.getInstance(KeyStore.getDefaultType());
      trust.load(null, null);
      trust.setCertificateEntry("ca", pki.ca().certificate());
      TrustManagerFactory tmf =
          TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
      tmf.init(trust);
      SSLContext ssl = SSLContext.getInstance("TLS");
      ssl.init(null, tmf.getTrustManagers(), null);
      // HTTP/1.1: the API server answers a new HTTP/2 client's first requests with GOAWAY
      // while it starts, and the JDK client then keeps failing on that connection
      return HttpClient.newBuilder().sslContext(ssl).version(HttpClient.Version.HTTP_1_1)
          .connectTimeout(Duration.ofSeconds(2)).build();
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  private static String get(HttpClient http, String address) throws Exception {
    HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create(address))
        .timeout(Duration.ofSeconds(2)).build(), HttpResponse.BodyHandlers.ofString(
            StandardCharsets.UTF_8));
    return r.statusCode() == 200 ? r.body().trim() : "HTTP " + r.statusCode();
  }

  private static void deleteRecursively(Path root) {
    if (!Files.exists(root)) {
      return;
    }
    try (Stream<Path> files = Files.walk(root)) {
      files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
