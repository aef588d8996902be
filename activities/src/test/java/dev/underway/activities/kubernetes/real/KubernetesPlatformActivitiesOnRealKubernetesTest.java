package dev.underway.activities.kubernetes.real;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;
import static org.awaitility.Awaitility.await;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import dev.underway.kernel.Failures;
import dev.underway.workflows.evolution.contract.EvolutionFailures;
import dev.underway.workflows.evolution.contract.PlatformActivities;
import dev.underway.activities.kubernetes.KubernetesPlatformActivities;
import dev.underway.activities.support.HeartbeatWait;
import dev.underway.kernel.ChangeResult;
import dev.underway.kernel.ChangeResult.Outcome;
import dev.underway.workflows.evolution.model.NodesReady;
import dev.underway.workflows.evolution.model.PlatformState;
import dev.underway.workflows.evolution.model.ClusterTarget;
import io.fabric8.kubernetes.api.model.IntOrString;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.policy.v1.PodDisruptionBudget;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import io.temporal.activity.ActivityOptions;
import io.temporal.common.RetryOptions;
import io.temporal.failure.ActivityFailure;
import io.temporal.failure.ApplicationFailure;
import io.temporal.failure.CanceledFailure;
import io.temporal.testing.TestActivityEnvironment;
import java.io.IOException;
import java.nio.file.Files;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import org.assertj.core.api.ThrowableAssert.ThrowingCallable;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.slf4j.LoggerFactory;

/**
 * The Kubernetes platform activities against the real API server, as the worker's ServiceAccount
 * (so the real authorizer checks every request), run through Temporal's {@link
 * TestActivityEnvironment} so heartbeats and failures behave as in a worker. Pods are created by
 * the real StatefulSet controller, placed by the real scheduler and made Ready by kwok; nothing
 * sets status by hand. Each test gets a namespace of its own, set up from {@code manifests/}.
 */
@ExtendWith(RealKubernetes.class)
class KubernetesPlatformActivitiesOnRealKubernetesTest {

  private static final AtomicInteger NAMESPACES = new AtomicInteger();
  private static final KubernetesSerialization YAML = new KubernetesSerialization();

  static ControlPlane plane;

  private DemoNamespace ns;
  private TestActivityEnvironment testEnv;
  private PlatformActivities activities;
  private final List<NodesReady> heartbeats = new CopyOnWriteArrayList<>();

  @BeforeAll
  static void plane(ControlPlane controlPlane) {
    plane = controlPlane;
  }

  /** A namespace at {@code phase} and the activities as its worker's ServiceAccount. */
  private ClusterTarget at(int phase) {
    ns = DemoNamespace.create(plane, "underway-act-" + NAMESPACES.incrementAndGet(), phase);
    testEnv = TestActivityEnvironment.newInstance();
    testEnv.registerActivitiesImplementations(
        new KubernetesPlatformActivities(ns.worker(), Duration.ofMillis(100)));
    testEnv.setActivityHeartbeatListener(NodesReady.class, heartbeats::add);
    activities = testEnv.newActivityStub(PlatformActivities.class, ActivityOptions.newBuilder()
        .setStartToCloseTimeout(Duration.ofSeconds(90))
        // the SDK sends heartbeats at most every 80% of this: short, so progress shows quickly
        .setHeartbeatTimeout(Duration.ofSeconds(1))
        .setRetryOptions(RetryOptions.newBuilder().setMaximumAttempts(1).build())
        .build());
    return ns.target();
  }

  @AfterEach
  void tearDown() {
    setSchedulable(true);
    if (testEnv != null) {
      testEnv.close();
    }
    if (ns != null) {
      ns.close();
    }
  }

  // ---- observe, scale, wait ------------------------------------------------------------------

  @Test
  void observeReadsWhatTheManifestsAndControllersMade() {
    ClusterTarget target = at(1);
    assertThat(activities.observe(target)).isEqualTo(new PlatformState(2, 2, true, 0));
  }

  @Test
  void scaleTwiceScalesOnceThroughTheScaleSubresourceAndTheWaitWatchesRealPodStatus() {
    ClusterTarget target = at(0);
    setSchedulable(false); // new pods stay Pending until the test lets them be scheduled

    ChangeResult first = activities.scaleNodes(target, 3);
    assertThat(first.outcome()).isEqualTo(Outcome.UPDATED);
    assertThat(first.detail()).isEqualTo("replicas 1 -> 3");
    // the spec's generation: the controller keeps writing status (a new resourceVersion)
    long generation = ns.statefulSet().getMetadata().getGeneration();
    ChangeResult second = activities.scaleNodes(target, 3);
    assertThat(second.outcome()).isEqualTo(Outcome.UNCHANGED);
    assertThat(ns.statefulSet().getMetadata().getGeneration()).isEqualTo(generation);
    assertThat(ns.statefulSet().getSpec().getReplicas()).isEqualTo(3);

    CompletableFuture<NodesReady> wait =
        CompletableFuture.supplyAsync(() -> activities.awaitNodesReady(target, 3));
    await("the wait reports 1 of 3 Ready while two pods are Pending")
        .atMost(Duration.ofSeconds(30)).until(() -> heartbeats.contains(new NodesReady(1, 3)));
    assertThat(wait).isNotDone();
    // (one activity at a time in a TestActivityEnvironment: the state is read as administrator)
    assertThat(ns.statefulSet().getStatus().getReadyReplicas()).isEqualTo(1);

    setSchedulable(true);
    assertThat(wait.join()).isEqualTo(new NodesReady(3, 3));
    assertThat(heartbeats.get(0)).isEqualTo(new NodesReady(1, 3));
    assertThat(activities.observe(target)).isEqualTo(new PlatformState(3, 3, false, 0));
  }

  @Test
  void scaleDownIsRefusedAndChangesNothing() {
    ClusterTarget target = at(2);
    long generation = ns.statefulSet().getMetadata().getGeneration();

    ApplicationFailure failure = applicationFailure(() -> activities.scaleNodes(target, 2));

    assertThat(failure.getType()).isEqualTo(EvolutionFailures.SCALE_DOWN_REFUSED.type());
    assertThat(failure.isNonRetryable()).isTrue();
    assertThat(failure.getOriginalMessage()).contains("3 to 2").contains("never scales down");
    assertThat(ns.statefulSet().getSpec().getReplicas()).isEqualTo(3);
    assertThat(ns.statefulSet().getMetadata().getGeneration()).isEqualTo(generation);
    ApplicationFailure zero = applicationFailure(() -> activities.scaleNodes(target, 0));
    assertThat(zero.getType()).isEqualTo(Failures.INVALID_REQUEST);
    assertThat(ns.statefulSet().getSpec().getReplicas()).isEqualTo(3);
    ns.awaitReady(3);
  }

  @Test
  void awaitNodesReadyRefusesMoreNodesThanTheStatefulSetWants() {
    ClusterTarget target = at(0);
    ApplicationFailure failure = applicationFailure(() -> activities.awaitNodesReady(target, 2));
    assertThat(failure.getType()).isEqualTo(Failures.INVALID_REQUEST);
    assertThat(failure.getOriginalMessage()).contains("replicas 1").contains("scale it first");
  }

  @Test
  void awaitNodesReadyStopsWhenCancelled() {
    ClusterTarget target = at(0);
    setSchedulable(false);
    activities.scaleNodes(target, 2);
    CompletableFuture<Void> canceller = CompletableFuture.runAsync(() -> {
      await().atMost(Duration.ofSeconds(30)).until(() -> heartbeats.contains(new NodesReady(1, 2)));
      testEnv.requestCancelActivity();
    });

    Throwable thrown = catchThrowable(() -> activities.awaitNodesReady(target, 2));

    canceller.join();
    // The test environment surfaces the cancellation as CanceledFailure (a worker wraps it in
    // ActivityFailure); either way the activity stopped instead of waiting on.
    assertThat(thrown instanceof CanceledFailure || thrown.getCause() instanceof CanceledFailure)
        .as("cancelled, but got %s", thrown).isTrue();
    assertThat(heartbeats).isNotEmpty().allMatch(h -> h.equals(new NodesReady(1, 2)));
  }

  @Test
  void everyActivityRefusesAMissingStatefulSetAsTargetNotFound() {
    // the worker's RBAC in a namespace without the database
    String name = "underway-act-empty-" + NAMESPACES.incrementAndGet();
    plane.admin().namespaces().resource(new NamespaceBuilder().withNewMetadata().withName(name)
        .endMetadata().build()).create();
    new Manifests(plane).applyInto("worker", name, false);
    try (KubernetesClient worker = plane.clientAs(name, DemoNamespace.WORKER_ACCOUNT)) {
      testEnv = TestActivityEnvironment.newInstance();
      testEnv.registerActivitiesImplementations(
          new KubernetesPlatformActivities(worker, Duration.ofMillis(100)));
      activities = testEnv.newActivityStub(PlatformActivities.class, ActivityOptions.newBuilder()
          .setStartToCloseTimeout(Duration.ofSeconds(30))
          .setRetryOptions(RetryOptions.newBuilder().setMaximumAttempts(1).build()).build());
      ClusterTarget target = ClusterTarget.of(name, DemoNamespace.STATEFUL_SET, "cockroachdb-public",
          "app");
      List<ThrowingCallable> calls = List.of(
          () -> activities.observe(target),
          () -> activities.scaleNodes(target, 2),
          () -> activities.awaitNodesReady(target, 1),
          () -> activities.applyDisruptionBudget(target, 0),
          () -> activities.ensureReaderService(target));
      for (ThrowingCallable call : calls) {
        ApplicationFailure failure = applicationFailure(call);
        assertThat(failure.getType()).isEqualTo(Failures.TARGET_NOT_FOUND);
        assertThat(failure.isNonRetryable()).isTrue();
        assertThat(failure.getOriginalMessage()).contains(name + "/cockroachdb");
      }
      assertThat(plane.admin().services().inNamespace(name).list().getItems()).isEmpty();
      assertThat(plane.admin().policy().v1().podDisruptionBudget().inNamespace(name).list()
          .getItems()).isEmpty();
    }
  }

  @Test
  void aTargetOutsideTheWorkersNamespaceIsRefusedAtOnceNamingThePermission() {
    at(0);
    ClusterTarget elsewhere = ClusterTarget.of("underway-elsewhere", DemoNamespace.STATEFUL_SET,
        "cockroachdb-public", "app");
    List<ThrowingCallable> calls = List.of(
        () -> activities.observe(elsewhere),
        () -> activities.scaleNodes(elsewhere, 2),
        () -> activities.awaitNodesReady(elsewhere, 1),
        () -> activities.applyDisruptionBudget(elsewhere, 0),
        () -> activities.ensureReaderService(elsewhere));
    for (ThrowingCallable call : calls) {
      ApplicationFailure failure = applicationFailure(call);
      assertThat(failure.getType()).isEqualTo(Failures.INSUFFICIENT_PRIVILEGE);
      assertThat(failure.isNonRetryable()).as("retrying cannot grant a permission").isTrue();
      assertThat(failure.getOriginalMessage())
          .contains("system:serviceaccount:" + ns.name() + ":underway-worker")
          .contains("cannot get resource \"statefulsets\"")
          .contains("apply it in namespace underway-elsewhere");
    }
  }

  @Test
  void aMissingNamespaceIsTargetNotFoundForAWorkerThatMayLookThere() {
    // a worker bound cluster-wide (here: the administrator) sees 404, not 403
    testEnv = TestActivityEnvironment.newInstance();
    testEnv.registerActivitiesImplementations(
        new KubernetesPlatformActivities(plane.admin(), Duration.ofMillis(100)));
    activities = testEnv.newActivityStub(PlatformActivities.class, ActivityOptions.newBuilder()
        .setStartToCloseTimeout(Duration.ofSeconds(30))
        .setRetryOptions(RetryOptions.newBuilder().setMaximumAttempts(1).build()).build());
    ClusterTarget nowhere = ClusterTarget.of("no-such-namespace", "cockroachdb", "cockroachdb-public",
        "app");
    ApplicationFailure failure = applicationFailure(() -> activities.observe(nowhere));
    assertThat(failure.getType()).isEqualTo(Failures.TARGET_NOT_FOUND);
    assertThat(failure.isNonRetryable()).isTrue();
    assertThat(failure.getOriginalMessage()).contains("no-such-namespace/cockroachdb");
  }

  @Test
  void awaitNodesReadyResumesFromTheLastHeartbeatOnARetry() {
    ClusterTarget target = at(0);
    testEnv.setHeartbeatDetails(new NodesReady(0, 1)); // what the previous attempt reported
    // every waiting activity resumes through HeartbeatWait, which says so
    Logger logger = (Logger) LoggerFactory.getLogger(HeartbeatWait.class);
    ListAppender<ILoggingEvent> logs = new ListAppender<>();
    logs.start();
    logger.addAppender(logs);
    try {
      assertThat(activities.awaitNodesReady(target, 1)).isEqualTo(new NodesReady(1, 1));
    } finally {
      logger.detachAppender(logs);
    }
    assertThat(logs.list).map(ILoggingEvent::getFormattedMessage)
        .anySatisfy(line -> assertThat(line).contains("Resuming the wait for 1 Ready nodes of")
            .contains("NodesReady[ready=0, wanted=1]"));
  }

  // ---- the disruption budget -----------------------------------------------------------------

  @Test
  void theBudgetIsCreatedLeftAloneWhenRightAndPatchedKeepingOthersLabels() throws IOException {
    ClusterTarget target = at(0);
    budgets().withName(target.disruptionBudgetName()).delete();
    await().until(() -> budgets().withName(target.disruptionBudgetName()).get() == null);

    assertThat(activities.applyDisruptionBudget(target, 0).outcome()).isEqualTo(Outcome.CREATED);
    PodDisruptionBudget created = budgets().withName(target.disruptionBudgetName()).get();
    PodDisruptionBudget manifest = YAML.unmarshal(Files.readString(
        Manifests.root().resolve("cockroachdb/base/pdb.yaml")), PodDisruptionBudget.class);
    assertThat(created.getMetadata().getLabels())
        .containsAllEntriesOf(manifest.getMetadata().getLabels());
    assertThat(created.getSpec().getSelector()).isEqualTo(manifest.getSpec().getSelector());
    assertThat(created.getSpec().getMaxUnavailable()).isEqualTo(new IntOrString(0));

    // generation and labels: the disruption controller keeps writing status
    long generation = created.getMetadata().getGeneration();
    assertThat(activities.applyDisruptionBudget(target, 0).outcome())
        .isEqualTo(Outcome.UNCHANGED);
    assertThat(activities.applyDisruptionBudget(target, 0).outcome())
        .isEqualTo(Outcome.UNCHANGED);
    PodDisruptionBudget after = budgets().withName(target.disruptionBudgetName()).get();
    assertThat(after.getMetadata().getGeneration()).isEqualTo(generation);
    assertThat(after.getMetadata().getLabels()).isEqualTo(created.getMetadata().getLabels());

    budgets().withName(target.disruptionBudgetName()).edit(b -> {
      b.getMetadata().getLabels().put("team", "databases");
      return b;
    });
    ChangeResult relaxed = activities.applyDisruptionBudget(target, 1);
    assertThat(relaxed.outcome()).isEqualTo(Outcome.UPDATED);
    assertThat(relaxed.detail()).contains("maxUnavailable 0 -> 1");
    PodDisruptionBudget live = budgets().withName(target.disruptionBudgetName()).get();
    assertThat(live.getSpec().getMaxUnavailable()).isEqualTo(new IntOrString(1));
    assertThat(live.getMetadata().getLabels()).containsEntry("team", "databases");
    assertThat(activities.applyDisruptionBudget(target, 1).outcome())
        .isEqualTo(Outcome.UNCHANGED);
    // the disruption controller computes the budget from the real pods
    await().atMost(Duration.ofSeconds(30)).until(() -> {
      var status = budgets().withName(target.disruptionBudgetName()).get().getStatus();
      return status != null && Integer.valueOf(1).equals(status.getExpectedPods())
          && Integer.valueOf(1).equals(status.getDisruptionsAllowed());
    });
  }

  // ---- the reader Service --------------------------------------------------------------------

  @Test
  void theReaderServiceIsCreatedLeftAloneWhenRightAndPatchedBackWhenDrifted() throws IOException {
    ClusterTarget target = at(0);
    assertThat(activities.ensureReaderService(target).outcome()).isEqualTo(Outcome.CREATED);
    Service manifest = YAML.unmarshal(Files.readString(
        Manifests.root().resolve("cockroachdb/components/reader/service.yaml")), Service.class);
    Service created = readerService(target);
    assertThat(created.getSpec().getClusterIP()).as("allocated by the API server").isNotBlank();
    assertThat(created.getSpec().getPorts()).extracting(p -> p.getName() + ":" + p.getPort())
        .containsExactly("sql:26257");
    assertThat(created.getSpec().getSelector()).isEqualTo(manifest.getSpec().getSelector());

    // the server's defaults (clusterIP, sessionAffinity, ipFamilies, ...) are no difference
    String version = created.getMetadata().getResourceVersion();
    assertThat(activities.ensureReaderService(target).outcome()).isEqualTo(Outcome.UNCHANGED);
    assertThat(activities.ensureReaderService(target).outcome()).isEqualTo(Outcome.UNCHANGED);
    assertThat(readerService(target).getMetadata().getResourceVersion()).isEqualTo(version);

    plane.admin().services().inNamespace(ns.name()).withName(target.readerServiceOrDefault())
        .edit(s -> {
          s.getSpec().getPorts().get(0).setPort(5432);
          s.getSpec().setSelector(Map.of("app", "something-else"));
          s.getMetadata().getLabels().put("team", "databases");
          return s;
        });
    ChangeResult repaired = activities.ensureReaderService(target);
    assertThat(repaired.outcome()).isEqualTo(Outcome.UPDATED);
    assertThat(repaired.detail()).contains("ports").contains("selector");
    Service live = readerService(target);
    assertThat(live.getSpec().getPorts()).extracting(p -> p.getPort()).containsExactly(26257);
    assertThat(live.getSpec().getSelector()).isEqualTo(manifest.getSpec().getSelector());
    assertThat(live.getMetadata().getLabels()).containsEntry("team", "databases");
    assertThat(activities.ensureReaderService(target).outcome()).isEqualTo(Outcome.UNCHANGED);
  }

  // ---- helpers -------------------------------------------------------------------------------

  private io.fabric8.kubernetes.client.dsl.NonNamespaceOperation<PodDisruptionBudget,
      io.fabric8.kubernetes.api.model.policy.v1.PodDisruptionBudgetList,
      io.fabric8.kubernetes.client.dsl.Resource<PodDisruptionBudget>> budgets() {
    return plane.admin().policy().v1().podDisruptionBudget().inNamespace(ns.name());
  }

  private Service readerService(ClusterTarget target) {
    return plane.admin().services().inNamespace(ns.name())
        .withName(target.readerServiceOrDefault()).get();
  }

  /** Cordons or uncordons the kwok node, as an operator would with kubectl cordon. */
  private static void setSchedulable(boolean schedulable) {
    plane.admin().nodes().withName(ControlPlane.NODE).edit(n -> {
      n.getSpec().setUnschedulable(schedulable ? null : true);
      return n;
    });
  }

  /** The ApplicationFailure an activity call ended with, as the workflow would see it. */
  private static ApplicationFailure applicationFailure(ThrowingCallable call) {
    Throwable thrown = catchThrowable(call);
    assertThat(thrown).isInstanceOf(ActivityFailure.class);
    assertThat(thrown.getCause()).isInstanceOf(ApplicationFailure.class);
    return (ApplicationFailure) thrown.getCause();
  }
}
