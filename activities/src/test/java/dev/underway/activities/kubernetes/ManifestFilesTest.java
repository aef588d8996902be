package dev.underway.activities.kubernetes;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.IntOrString;
import io.fabric8.kubernetes.api.model.PodSpec;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.StatefulSet;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.fabric8.kubernetes.api.model.policy.v1.PodDisruptionBudget;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The YAML under {@code manifests/} (read from the source folder, {@code ../manifests} relative to
 * this module): it parses, the kustomizations hang together, images are pinned, the load never
 * drops data, and the database objects have the shape the runbooks rely on.
 */
class ManifestFilesTest {

  static final Path ROOT = Path.of("..", "manifests").toAbsolutePath().normalize();
  private static final KubernetesSerialization YAML = new KubernetesSerialization();

  /** Kept out of the worker kustomization on purpose: it is a template, never applied as is. */
  private static final String SECRET_TEMPLATE = "secret-example.yaml";

  @Test
  void everyManifestParsesAsAKnownKubernetesKind() throws IOException {
    List<Path> objects = objectFiles();
    assertThat(objects).hasSizeGreaterThanOrEqualTo(12);
    for (Path file : objects) {
      Object parsed = YAML.unmarshal(Files.readString(file));
      assertThat(parsed).as(rel(file)).isInstanceOf(HasMetadata.class)
          .isNotInstanceOf(GenericKubernetesResource.class);
      HasMetadata object = (HasMetadata) parsed;
      assertThat(object.getMetadata().getName()).as(rel(file)).isNotBlank();
      assertThat(object.getMetadata().getNamespace())
          .as("%s is namespace-less (the kustomization sets it)", rel(file)).isNull();
    }
  }

  @Test
  void kustomizationsReferenceOnlyWhatExistsAndListEveryFileBesideThem() throws IOException {
    List<Path> kustomizations = yamlFiles().stream()
        .filter(p -> p.getFileName().toString().equals("kustomization.yaml")).toList();
    assertThat(kustomizations).extracting(ManifestFilesTest::rel).contains(
        "cockroachdb/base/kustomization.yaml", "cockroachdb/components/reader/kustomization.yaml",
        "cockroachdb/overlays/phase-0/kustomization.yaml",
        "cockroachdb/overlays/phase-1/kustomization.yaml",
        "cockroachdb/overlays/phase-2/kustomization.yaml", "worker/kustomization.yaml",
        "load/kustomization.yaml");
    for (Path file : kustomizations) {
      Map<String, Object> k = kustomization(file);
      assertThat(k.get("kind")).as(rel(file)).isIn("Kustomization", "Component");
      List<String> references = new ArrayList<>();
      references.addAll(list(k, "resources"));
      references.addAll(list(k, "components"));
      for (String ref : references) {
        Path target = file.getParent().resolve(ref).normalize();
        assertThat(Files.isRegularFile(target)
                || Files.isRegularFile(target.resolve("kustomization.yaml")))
            .as("%s references %s", rel(file), ref).isTrue();
      }
      try (Stream<Path> siblings = Files.list(file.getParent())) {
        siblings.filter(p -> p.toString().endsWith(".yaml"))
            .map(p -> p.getFileName().toString())
            .filter(n -> !n.equals("kustomization.yaml") && !n.equals(SECRET_TEMPLATE))
            .forEach(n -> assertThat(references).as("%s lists %s", rel(file), n).contains(n));
      }
    }
  }

  @Test
  void overlaysSetNamespaceReplicasAndTheReaderComponentPerPhase() throws IOException {
    for (int phase = 0; phase <= 2; phase++) {
      int nodes = phase + 1;
      Path file = ROOT.resolve("cockroachdb/overlays/phase-" + phase + "/kustomization.yaml");
      Map<String, Object> k = kustomization(file);
      assertThat(k.get("namespace")).isEqualTo("underway-demo");
      assertThat(list(k, "resources")).containsExactly("../../base");
      @SuppressWarnings("unchecked")
      List<Map<String, Object>> replicas = (List<Map<String, Object>>) k.get("replicas");
      assertThat(replicas).singleElement().satisfies(r -> {
        assertThat(r.get("name")).isEqualTo("cockroachdb");
        assertThat(r.get("count")).isEqualTo(nodes);
      });
      if (phase == 0) {
        assertThat(list(k, "components")).isEmpty();
      } else {
        assertThat(list(k, "components")).containsExactly("../../components/reader");
      }
    }
  }

  @Test
  void everyContainerImageIsPinned() throws IOException {
    List<String> images = new ArrayList<>();
    for (Path file : objectFiles()) {
      Object parsed = YAML.unmarshal(Files.readString(file));
      PodSpec pod = podSpec(parsed);
      if (pod == null) {
        continue;
      }
      for (Container c : containers(pod)) {
        String image = c.getImage();
        images.add(image);
        assertThat(pinned(image)).as("%s container %s image %s is pinned", rel(file),
            c.getName(), image).isTrue();
      }
    }
    assertThat(images).contains("cockroachdb/cockroach:v25.4.1", "ghcr.io/underway/underway:0.1.0");
    assertThat(images.stream().filter(i -> i.startsWith("cockroachdb/")).distinct())
        .as("database, init and load use one CockroachDB release").hasSize(1);
  }

  @Test
  void pinnedMeansAnExplicitTagOtherThanLatestOrADigest() {
    assertThat(pinned("cockroachdb/cockroach:v25.4.1")).isTrue();
    assertThat(pinned("localhost:5000/cockroach@sha256:" + "a".repeat(64))).isTrue();
    assertThat(pinned("cockroachdb/cockroach")).isFalse();
    assertThat(pinned("cockroachdb/cockroach:latest")).isFalse();
    assertThat(pinned("localhost:5000/cockroach")).isFalse();
    assertThat(pinned(null)).isFalse();
  }

  @Test
  void theLoadJobIsBoundedAndNeverDrops() throws IOException {
    Job job = YAML.unmarshal(Files.readString(ROOT.resolve("load/kv-job.yaml")), Job.class);
    List<Container> all = containers(job.getSpec().getTemplate().getSpec());
    List<String> words = new ArrayList<>();
    all.forEach(c -> {
      if (c.getCommand() != null) {
        words.addAll(c.getCommand());
      }
      if (c.getArgs() != null) {
        words.addAll(c.getArgs());
      }
    });
    assertThat(words).noneMatch(w -> w.contains("--drop"));
    assertThat(String.join(" ", words)).contains("workload init kv").contains("workload run kv")
        .contains("cockroachdb-public:26257").containsPattern("--duration=\\d+[smh]")
        .containsPattern("--max-rate=\\d+");
    assertThat(job.getSpec().getActiveDeadlineSeconds()).isNotNull();
    // No manifest anywhere may drop data (comments aside).
    for (Path file : yamlFiles()) {
      assertThat(Files.readAllLines(file)).as(rel(file))
          .filteredOn(line -> !line.trim().startsWith("#"))
          .noneMatch(line -> line.contains("--drop"));
    }
  }

  @Test
  void theStatefulSetHasTheShapeTheRunbooksRelyOn() throws IOException {
    String text = Files.readString(ROOT.resolve("cockroachdb/base/statefulset.yaml"));
    assertThat(text.lines().limit(10)).anySatisfy(
        line -> assertThat(line).contains("PRODUCTION MUST USE THE SECURE VARIANT"));
    StatefulSet sts = YAML.unmarshal(text, StatefulSet.class);
    assertThat(sts.getMetadata().getName()).isEqualTo("cockroachdb");
    assertThat(sts.getSpec().getServiceName()).isEqualTo("cockroachdb");
    assertThat(sts.getSpec().getPodManagementPolicy()).isEqualTo("Parallel");
    assertThat(sts.getSpec().getVolumeClaimTemplates()).isNotEmpty();
    assertThat(sts.getSpec().getTemplate().getMetadata().getLabels())
        .containsAllEntriesOf(sts.getSpec().getSelector().getMatchLabels());
    Container db = sts.getSpec().getTemplate().getSpec().getContainers().get(0);
    assertThat(db.getReadinessProbe().getHttpGet().getPath()).isEqualTo("/health?ready=1");
    IntOrString port = db.getReadinessProbe().getHttpGet().getPort();
    assertThat(port.getIntVal() != null ? port.getIntVal()
        : db.getPorts().stream().filter(p -> p.getName().equals(port.getStrVal()))
            .findFirst().orElseThrow().getContainerPort()).isEqualTo(8080);
    assertThat(db.getCommand()).contains("--join=cockroachdb-0.cockroachdb:26257,"
        + "cockroachdb-1.cockroachdb:26257,cockroachdb-2.cockroachdb:26257");
    assertThat(db.getResources().getRequests()).containsKeys("cpu", "memory");
    assertThat(db.getResources().getLimits()).containsKeys("memory");
    assertThat(db.getVolumeMounts()).anySatisfy(
        m -> assertThat(m.getName()).isEqualTo(sts.getSpec().getVolumeClaimTemplates().get(0)
            .getMetadata().getName()));
  }

  /** Issue 7, item 7: the database pods as CockroachDB's reference StatefulSet and Helm chart. */
  @Test
  void theDatabasePodsFollowCockroachDbsKubernetesGuidance() throws IOException {
    StatefulSet sts = YAML.unmarshal(
        Files.readString(ROOT.resolve("cockroachdb/base/statefulset.yaml")), StatefulSet.class);
    PodSpec pod = sts.getSpec().getTemplate().getSpec();
    assertThat(pod.getTerminationGracePeriodSeconds())
        .as("time to drain before SIGKILL").isGreaterThanOrEqualTo(300L);
    Container db = pod.getContainers().get(0);
    assertThat(db.getLivenessProbe())
        .as("a liveness probe can kill a busy node: readiness only").isNull();
    assertThat(db.getCommand()).noneMatch(arg -> arg.startsWith("--advertise-host"))
        .contains("--advertise-addr=$(POD_NAME)." + sts.getSpec().getServiceName()
            + ".$(POD_NAMESPACE).svc.cluster.local");
    assertThat(db.getEnv()).anySatisfy(e -> {
      assertThat(e.getName()).isEqualTo("POD_NAMESPACE");
      assertThat(e.getValueFrom().getFieldRef().getFieldPath()).isEqualTo("metadata.namespace");
    });
    assertThat(db.getEnv()).anySatisfy(e -> {
      assertThat(e.getName()).isEqualTo("POD_NAME");
      assertThat(e.getValueFrom().getFieldRef().getFieldPath()).isEqualTo("metadata.name");
    });
    Map<String, Quantity> requests = db.getResources().getRequests();
    Map<String, Quantity> limits = db.getResources().getLimits();
    assertThat(requests).containsOnlyKeys("cpu", "memory");
    assertThat(limits).as("requests equal to limits (Guaranteed QoS)").isEqualTo(requests);
    assertThat(Quantity.getAmountInBytes(requests.get("cpu")))
        .as("a whole number of CPUs").matches(cpu -> cpu.stripTrailingZeros().scale() <= 0);
  }

  /**
   * The init Job's script, run here by bash with a stand-in for the {@code cockroach} binary
   * (the script's only dependency) that answers as CockroachDB does.
   */
  @Test
  void theInitJobCountsAnAlreadyInitializedClusterAsSuccess(@TempDir Path dir) throws Exception {
    Job job = YAML.unmarshal(
        Files.readString(ROOT.resolve("cockroachdb/base/init-job.yaml")), Job.class);
    assertThat(job.getSpec().getTtlSecondsAfterFinished())
        .as("a finished Job goes away, so a changed one can be applied again").isNotNull();
    assertThat(job.getSpec().getBackoffLimit()).isNotNull();
    Container init = job.getSpec().getTemplate().getSpec().getContainers().get(0);
    assertThat(init.getResources().getLimits()).isEqualTo(init.getResources().getRequests());
    List<String> command = init.getCommand();
    assertThat(command.subList(0, 2)).containsExactly("/bin/bash", "-c");
    String script = command.get(2);
    assertThat(script).contains("/cockroach/cockroach init --insecure")
        .contains("cluster has already been initialized");

    // a fresh cluster: init succeeds at once
    assertThat(runInit(dir, script, "echo 'Cluster successfully initialized'; exit 0"))
        .isEqualTo(0);
    // an initialised one: CockroachDB's error, counted as success
    assertThat(runInit(dir, script,
        "echo 'ERROR: cluster has already been initialized'; exit 1")).isEqualTo(0);
    // the first node not up yet, then initialised by someone else meanwhile
    Path calls = dir.resolve("calls");
    assertThat(runInit(dir, script, "echo x >> " + calls + "; if [ $(wc -l < " + calls
        + ") -lt 3 ]; then echo 'ERROR: connection refused'; exit 1; fi;"
        + " echo 'ERROR: cluster has already been initialized'; exit 1")).isEqualTo(0);
    assertThat(Files.readAllLines(calls)).hasSize(3);
    // any other error is a failure once the retries are spent
    assertThat(runInit(dir, script, "echo 'ERROR: permission denied'; exit 1")).isEqualTo(1);
  }

  /** Runs the init script with {@code cockroach} replaced by {@code stub} and no pause. */
  private static int runInit(Path dir, String script, String stub) throws Exception {
    Path cockroach = dir.resolve("cockroach");
    Files.writeString(cockroach, "#!/bin/bash\n" + stub + "\n");
    assertThat(cockroach.toFile().setExecutable(true)).isTrue();
    String runnable = script.replace("/cockroach/cockroach", cockroach.toString())
        .replaceAll("sleep \\d+", "sleep 0");
    Process p = new ProcessBuilder("/bin/bash", "-c", runnable).redirectErrorStream(true)
        .redirectOutput(dir.resolve("init.log").toFile()).start();
    assertThat(p.waitFor(60, TimeUnit.SECONDS)).as("script finished").isTrue();
    return p.exitValue();
  }

  @Test
  void theServicesAndBudgetSelectTheDatabasePods() throws IOException {
    StatefulSet sts = YAML.unmarshal(
        Files.readString(ROOT.resolve("cockroachdb/base/statefulset.yaml")), StatefulSet.class);
    Map<String, String> podLabels = sts.getSpec().getSelector().getMatchLabels();
    Service headless = YAML.unmarshal(
        Files.readString(ROOT.resolve("cockroachdb/base/service-headless.yaml")), Service.class);
    Service publicService = YAML.unmarshal(
        Files.readString(ROOT.resolve("cockroachdb/base/service-public.yaml")), Service.class);
    Service reader = YAML.unmarshal(
        Files.readString(ROOT.resolve("cockroachdb/components/reader/service.yaml")), Service.class);
    PodDisruptionBudget budget = YAML.unmarshal(
        Files.readString(ROOT.resolve("cockroachdb/base/pdb.yaml")), PodDisruptionBudget.class);

    assertThat(headless.getMetadata().getName()).isEqualTo("cockroachdb");
    assertThat(headless.getSpec().getClusterIP()).isEqualTo("None");
    assertThat(headless.getSpec().getPublishNotReadyAddresses()).isTrue();
    assertThat(headless.getSpec().getPorts()).extracting(p -> p.getName() + ":" + p.getPort())
        .containsExactlyInAnyOrder("grpc:26257", "http:8080");
    assertThat(publicService.getMetadata().getName()).isEqualTo("cockroachdb-public");
    assertThat(reader.getMetadata().getName()).isEqualTo("cockroachdb-read");
    assertThat(reader.getSpec().getPorts()).extracting(p -> p.getPort()).contains(26257);
    assertThat(budget.getMetadata().getName()).isEqualTo("cockroachdb-budget");
    assertThat(budget.getSpec().getMaxUnavailable().getIntVal()).isZero();
    for (Service s : List.of(headless, publicService, reader)) {
      assertThat(s.getSpec().getSelector()).as(s.getMetadata().getName()).isEqualTo(podLabels);
    }
    assertThat(budget.getSpec().getSelector().getMatchLabels()).isEqualTo(podLabels);
    assertThat(reader.getMetadata().getLabels()).containsEntry("app.kubernetes.io/managed-by", "underway");
    assertThat(budget.getMetadata().getLabels()).containsEntry("app.kubernetes.io/managed-by", "underway");
  }

  @Test
  void theWorkerRunsLockedDown() throws IOException {
    Deployment worker = YAML.unmarshal(
        Files.readString(ROOT.resolve("worker/deployment.yaml")), Deployment.class);
    PodSpec pod = worker.getSpec().getTemplate().getSpec();
    assertThat(pod.getSecurityContext().getRunAsNonRoot()).isTrue();
    Container c = pod.getContainers().get(0);
    assertThat(c.getSecurityContext().getReadOnlyRootFilesystem()).isTrue();
    assertThat(c.getSecurityContext().getAllowPrivilegeEscalation()).isFalse();
    assertThat(c.getResources().getRequests()).containsKeys("cpu", "memory");
    assertThat(c.getResources().getLimits()).containsKeys("cpu", "memory");
    assertThat(c.getEnv()).extracting(e -> e.getName()).contains("TEMPORAL_ADDRESS");
    String template = Files.readString(ROOT.resolve("worker/" + SECRET_TEMPLATE));
    io.fabric8.kubernetes.api.model.Secret secret =
        YAML.unmarshal(template, io.fabric8.kubernetes.api.model.Secret.class);
    assertThat(secret.getMetadata().getName()).isEqualTo("cockroachdb-underway");
    assertThat(secret.getData()).isNullOrEmpty();
    assertThat(secret.getStringData()).containsOnlyKeys("username", "password", "readerPassword")
        .allSatisfy((k, v) -> assertThat(v).isEqualTo("REPLACE_ME"));
  }

  // ---- helpers -------------------------------------------------------------------------------

  static boolean pinned(String image) {
    if (image == null || image.isBlank()) {
      return false;
    }
    if (image.matches(".+@sha256:[0-9a-f]{64}")) {
      return true;
    }
    String lastSegment = image.substring(image.lastIndexOf('/') + 1);
    int colon = lastSegment.indexOf(':');
    if (colon < 0) {
      return false;
    }
    String tag = lastSegment.substring(colon + 1);
    return !tag.isBlank() && !tag.equals("latest") && !tag.startsWith("latest-");
  }

  private static PodSpec podSpec(Object object) {
    if (object instanceof StatefulSet s) {
      return s.getSpec().getTemplate().getSpec();
    }
    if (object instanceof Deployment d) {
      return d.getSpec().getTemplate().getSpec();
    }
    if (object instanceof Job j) {
      return j.getSpec().getTemplate().getSpec();
    }
    return null;
  }

  private static List<Container> containers(PodSpec pod) {
    List<Container> all = new ArrayList<>(pod.getContainers());
    if (pod.getInitContainers() != null) {
      all.addAll(pod.getInitContainers());
    }
    return all;
  }

  private static List<Path> yamlFiles() throws IOException {
    assertThat(ROOT).isDirectory();
    try (Stream<Path> files = Files.walk(ROOT)) {
      return files.filter(p -> p.toString().endsWith(".yaml") || p.toString().endsWith(".yml"))
          .sorted().toList();
    }
  }

  private static List<Path> objectFiles() throws IOException {
    return yamlFiles().stream()
        .filter(p -> !p.getFileName().toString().equals("kustomization.yaml")).toList();
  }

  @SuppressWarnings("unchecked")
  private static Map<String, Object> kustomization(Path file) throws IOException {
    return YAML.unmarshal(Files.readString(file), Map.class);
  }

  @SuppressWarnings("unchecked")
  private static List<String> list(Map<String, Object> map, String key) {
    Object value = map.get(key);
    return value == null ? List.of() : (List<String>) value;
  }

  private static String rel(Path file) {
    return ROOT.relativize(file).toString();
  }
}
