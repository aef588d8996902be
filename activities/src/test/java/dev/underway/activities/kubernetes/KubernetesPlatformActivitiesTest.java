package dev.underway.activities.kubernetes;

import static dev.underway.activities.kubernetes.ClusterFixture.NAMESPACE;
import static dev.underway.activities.kubernetes.ClusterFixture.STS;
import static dev.underway.activities.kubernetes.ClusterFixture.TARGET;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;
import static org.awaitility.Awaitility.await;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import dev.underway.activities.Failures;
import dev.underway.activities.PlatformActivities;
import dev.underway.model.ChangeResult;
import dev.underway.model.ChangeResult.Outcome;
import dev.underway.model.NodesReady;
import dev.underway.model.PlatformState;
import dev.underway.model.TargetRef;
import io.fabric8.kubernetes.api.model.IntOrString;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.policy.v1.PodDisruptionBudget;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.EnableKubernetesMockClient;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import io.temporal.activity.ActivityOptions;
import io.temporal.common.RetryOptions;
import io.temporal.failure.ActivityFailure;
import io.temporal.failure.ApplicationFailure;
import io.temporal.failure.CanceledFailure;
import io.temporal.testing.TestActivityEnvironment;
import java.io.InputStream;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import org.assertj.core.api.ThrowableAssert.ThrowingCallable;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

/**
 * The Kubernetes platform activities against fabric8's mock API server in CRUD mode, run through
 * Temporal's {@link TestActivityEnvironment} so heartbeats and ApplicationFailures behave as in a
 * worker. The mock has no controllers: where pods or StatefulSet status matter, the test sets
 * them itself ({@link ClusterFixture}); those tests say so in their names ({@code
 * ...WithStatusSetByTest}). Every assertion reads the state back from the mock server.
 */
@EnableKubernetesMockClient(crud = true)
class KubernetesPlatformActivitiesTest {

  KubernetesMockServer server;
  KubernetesClient client;

  private TestActivityEnvironment testEnv;
  private PlatformActivities activities;
  private ClusterFixture cluster;
  private final List<NodesReady> heartbeats = new CopyOnWriteArrayList<>();

  @BeforeEach
  void setUp() {
    cluster = new ClusterFixture(client);
    testEnv = TestActivityEnvironment.newInstance();
    testEnv.registerActivitiesImplementations(
        new KubernetesPlatformActivities(client, Duration.ofMillis(50)));
    testEnv.setActivityHeartbeatListener(NodesReady.class, heartbeats::add);
    activities = testEnv.newActivityStub(PlatformActivities.class, ActivityOptions.newBuilder()
        .setStartToCloseTimeout(Duration.ofSeconds(30))
        // The SDK throttles heartbeats to 80% of this timeout; keep it short so the listener
        // sees progress quickly.
        .setHeartbeatTimeout(Duration.ofSeconds(1))
        .setRetryOptions(RetryOptions.newBuilder().setMaximumAttempts(1).build())
        .build());
  }

  @AfterEach
  void tearDown() {
    testEnv.close();
  }

  // ---- observe -------------------------------------------------------------------------------

  @Test
  void observeReportsReplicasReadyPodsReaderServiceAndBudgetWithStatusSetByTest() {
    cluster.createStatefulSet(2);
    cluster.createPod(0);
    cluster.createPod(1);
    cluster.setPodReady(0, true);
    cluster.setReadyReplicas(1);

    assertThat(activities.observe(TARGET)).isEqualTo(new PlatformState(2, 1, false, null));

    activities.ensureReaderService(TARGET);
    activities.applyDisruptionBudget(TARGET, 0);
    assertThat(activities.observe(TARGET)).isEqualTo(new PlatformState(2, 1, true, 0));
  }

  @Test
  void observeCountsOnlyWhatPodsAndControllerBothReportReadyWithStatusSetByTest() {
    cluster.createStatefulSet(2);
    cluster.createPod(0);
    cluster.createPod(1);
    cluster.setPodReady(0, true);
    cluster.setPodReady(1, true);
    cluster.setReadyReplicas(1); // the controller has not caught up yet

    assertThat(activities.observe(TARGET).readyNodes()).isEqualTo(1);

    cluster.setReadyReplicas(2);
    cluster.setPodReady(1, false); // a pod turned unready before the controller noticed
    assertThat(activities.observe(TARGET).readyNodes()).isEqualTo(1);
  }

  @Test
  void everyActivityRefusesAMissingStatefulSetAsTargetNotFound() {
    client.namespaces().resource(new io.fabric8.kubernetes.api.model.NamespaceBuilder()
        .withNewMetadata().withName(NAMESPACE).endMetadata().build()).create();
    List<ThrowingCallable> calls = List.of(
        () -> activities.observe(TARGET),
        () -> activities.scaleNodes(TARGET, 2),
        () -> activities.awaitNodesReady(TARGET, 1),
        () -> activities.applyDisruptionBudget(TARGET, 0),
        () -> activities.ensureReaderService(TARGET));
    for (ThrowingCallable call : calls) {
      ApplicationFailure failure = applicationFailure(call);
      assertThat(failure.getType()).isEqualTo(Failures.TARGET_NOT_FOUND);
      assertThat(failure.isNonRetryable()).isTrue();
      assertThat(failure.getOriginalMessage()).contains(NAMESPACE + "/" + STS);
    }
    // Nothing was created on the way.
    assertThat(client.services().inNamespace(NAMESPACE).list().getItems()).isEmpty();
    assertThat(client.policy().v1().podDisruptionBudget().inNamespace(NAMESPACE).list().getItems())
        .isEmpty();
  }

  @Test
  void aMissingNamespaceIsTargetNotFoundNamingIt() {
    TargetRef elsewhere = TargetRef.of("no-such-namespace", STS, "cockroachdb-public", "app");
    ApplicationFailure failure = applicationFailure(() -> activities.observe(elsewhere));
    assertThat(failure.getType()).isEqualTo(Failures.TARGET_NOT_FOUND);
    assertThat(failure.isNonRetryable()).isTrue();
    assertThat(failure.getOriginalMessage()).contains("no-such-namespace/" + STS);
  }

  // ---- scaleNodes ----------------------------------------------------------------------------

  @Test
  void scaleNodesTwiceScalesOnceThenReportsUnchanged() {
    cluster.createStatefulSet(1);

    ChangeResult first = activities.scaleNodes(TARGET, 3);
    assertThat(first.outcome()).isEqualTo(Outcome.UPDATED);
    assertThat(first.detail()).isEqualTo("replicas 1 -> 3");
    assertThat(cluster.statefulSet().getSpec().getReplicas()).isEqualTo(3);
    String versionAfterFirst = cluster.statefulSet().getMetadata().getResourceVersion();

    ChangeResult second = activities.scaleNodes(TARGET, 3);
    assertThat(second.outcome()).isEqualTo(Outcome.UNCHANGED);
    assertThat(cluster.statefulSet().getSpec().getReplicas()).isEqualTo(3);
    assertThat(cluster.statefulSet().getMetadata().getResourceVersion()).isEqualTo(versionAfterFirst);
  }

  @Test
  void scaleDownIsRefusedNonRetryableAndChangesNothing() {
    cluster.createStatefulSet(3);
    String versionBefore = cluster.statefulSet().getMetadata().getResourceVersion();

    ApplicationFailure failure = applicationFailure(() -> activities.scaleNodes(TARGET, 2));

    assertThat(failure.getType()).isEqualTo(Failures.SCALE_DOWN_REFUSED);
    assertThat(failure.isNonRetryable()).isTrue();
    assertThat(failure.getOriginalMessage())
        .contains("never scales down").contains("cockroach node decommission").contains("3 to 2");
    assertThat(cluster.statefulSet().getSpec().getReplicas()).isEqualTo(3);
    assertThat(cluster.statefulSet().getMetadata().getResourceVersion()).isEqualTo(versionBefore);
  }

  @Test
  void scaleToLessThanOneIsAnInvalidRequest() {
    cluster.createStatefulSet(1);
    ApplicationFailure failure = applicationFailure(() -> activities.scaleNodes(TARGET, 0));
    assertThat(failure.getType()).isEqualTo(Failures.INVALID_REQUEST);
    assertThat(failure.isNonRetryable()).isTrue();
    assertThat(cluster.statefulSet().getSpec().getReplicas()).isEqualTo(1);
  }

  // ---- awaitNodesReady -----------------------------------------------------------------------

  @Test
  void awaitNodesReadyCompletesOnlyOncePodsAreReadyWithStatusSetByTest() {
    cluster.createStatefulSet(3);
    for (int i = 0; i < 3; i++) {
      cluster.createPod(i);
    }
    cluster.setReadyReplicas(0);

    // Stands in for the kubelet and the StatefulSet controller; each step waits until the
    // activity has reported the previous state, so the activity provably kept waiting.
    CompletableFuture<Void> kubelet = CompletableFuture.runAsync(() -> {
      await().atMost(Duration.ofSeconds(20)).until(() -> heartbeats.contains(new NodesReady(0, 3)));
      cluster.setPodReady(0, true);
      cluster.setReadyReplicas(1);
      await().atMost(Duration.ofSeconds(20)).until(() -> heartbeats.contains(new NodesReady(1, 3)));
      cluster.setPodReady(1, true);
      cluster.setPodReady(2, true);
      cluster.setReadyReplicas(3);
    });
    kubelet.whenComplete((ok, error) -> {
      if (error != null) {
        testEnv.requestCancelActivity(); // do not leave the activity waiting forever
      }
    });

    NodesReady result = activities.awaitNodesReady(TARGET, 3);

    kubelet.join();
    assertThat(result).isEqualTo(new NodesReady(3, 3));
    assertThat(heartbeats.get(0)).isEqualTo(new NodesReady(0, 3));
    assertThat(heartbeats).contains(new NodesReady(1, 3));
    // The last heartbeat may stay in the SDK's throttle buffer: the result is what counts.
    assertThat(heartbeats).allMatch(h -> h.wanted() == 3);
    assertThat(activities.observe(TARGET).readyNodes()).isEqualTo(3);
  }

  @Test
  void awaitNodesReadyResumesFromTheLastHeartbeatOnARetryWithStatusSetByTest() {
    cluster.createStatefulSet(3);
    for (int i = 0; i < 3; i++) {
      cluster.createPod(i);
      cluster.setPodReady(i, true);
    }
    cluster.setReadyReplicas(3);
    testEnv.setHeartbeatDetails(new NodesReady(2, 3)); // what the previous attempt reported
    ListAppender<ILoggingEvent> logs = captureLogs();

    NodesReady result = activities.awaitNodesReady(TARGET, 3);

    assertThat(result).isEqualTo(new NodesReady(3, 3));
    assertThat(heartbeats).containsExactly(new NodesReady(3, 3));
    assertThat(logs.list).map(ILoggingEvent::getFormattedMessage)
        .anySatisfy(line -> assertThat(line).contains("Resuming").contains("2/3"));
  }

  @Test
  void awaitNodesReadyStopsWhenCancelledWithStatusSetByTest() {
    cluster.createStatefulSet(2);
    cluster.createPod(0);
    cluster.createPod(1);
    cluster.setReadyReplicas(0);

    CompletableFuture<Void> canceller = CompletableFuture.runAsync(() -> {
      await().atMost(Duration.ofSeconds(20)).until(() -> !heartbeats.isEmpty());
      testEnv.requestCancelActivity();
    });

    Throwable thrown = catchThrowable(() -> activities.awaitNodesReady(TARGET, 2));

    canceller.join();
    // The test environment surfaces the cancellation as CanceledFailure (a worker wraps it in
    // ActivityFailure); either way the activity stopped instead of waiting on.
    assertThat(thrown instanceof CanceledFailure || thrown.getCause() instanceof CanceledFailure)
        .as("cancelled, but got %s", thrown).isTrue();
    assertThat(heartbeats).isNotEmpty().allMatch(h -> h.equals(new NodesReady(0, 2)));
  }

  @Test
  void awaitNodesReadyRefusesToWaitForMoreNodesThanTheStatefulSetWants() {
    cluster.createStatefulSet(1);
    ApplicationFailure failure = applicationFailure(() -> activities.awaitNodesReady(TARGET, 3));
    assertThat(failure.getType()).isEqualTo(Failures.INVALID_REQUEST);
    assertThat(failure.isNonRetryable()).isTrue();
    assertThat(failure.getOriginalMessage()).contains("replicas 1").contains("scale it first");
  }

  // ---- applyDisruptionBudget -----------------------------------------------------------------

  @Test
  void applyDisruptionBudgetTwiceCreatesOnceThenReportsUnchanged() {
    cluster.createStatefulSet(2);

    assertThat(activities.applyDisruptionBudget(TARGET, 0).outcome()).isEqualTo(Outcome.CREATED);
    PodDisruptionBudget afterFirst = budget();
    assertThat(afterFirst.getSpec().getMaxUnavailable()).isEqualTo(new IntOrString(0));

    assertThat(activities.applyDisruptionBudget(TARGET, 0).outcome()).isEqualTo(Outcome.UNCHANGED);
    assertThat(budget().getMetadata().getResourceVersion())
        .isEqualTo(afterFirst.getMetadata().getResourceVersion());

    ChangeResult relaxed = activities.applyDisruptionBudget(TARGET, 1);
    assertThat(relaxed.outcome()).isEqualTo(Outcome.UPDATED);
    assertThat(relaxed.detail()).contains("maxUnavailable 0 -> 1");
    assertThat(budget().getSpec().getMaxUnavailable()).isEqualTo(new IntOrString(1));
    assertThat(activities.applyDisruptionBudget(TARGET, 1).outcome()).isEqualTo(Outcome.UNCHANGED);
  }

  @Test
  void theCreatedBudgetMatchesTheManifestFile() {
    cluster.createStatefulSet(2);
    activities.applyDisruptionBudget(TARGET, 0);

    PodDisruptionBudget manifest =
        manifest(DesiredObjects.DISRUPTION_BUDGET_MANIFEST, PodDisruptionBudget.class);
    PodDisruptionBudget live = budget();
    assertThat(live.getMetadata().getName()).isEqualTo(TARGET.disruptionBudgetName())
        .isEqualTo(manifest.getMetadata().getName());
    assertThat(live.getMetadata().getLabels()).containsAllEntriesOf(manifest.getMetadata().getLabels())
        .containsEntry("app.kubernetes.io/managed-by", "underway");
    assertThat(live.getSpec().getSelector()).isEqualTo(manifest.getSpec().getSelector());
    assertThat(live.getSpec().getSelector().getMatchLabels())
        .isEqualTo(cluster.statefulSet().getSpec().getSelector().getMatchLabels());
    assertThat(live.getSpec().getMaxUnavailable()).isEqualTo(manifest.getSpec().getMaxUnavailable());
    assertThat(live.getSpec().getMinAvailable()).isNull();
  }

  // ---- ensureReaderService -------------------------------------------------------------------

  @Test
  void ensureReaderServiceTwiceCreatesOnceThenReportsUnchanged() {
    cluster.createStatefulSet(2);

    assertThat(activities.ensureReaderService(TARGET).outcome()).isEqualTo(Outcome.CREATED);
    Service afterFirst = readerService();
    assertThat(activities.ensureReaderService(TARGET).outcome()).isEqualTo(Outcome.UNCHANGED);
    assertThat(readerService().getMetadata().getResourceVersion())
        .isEqualTo(afterFirst.getMetadata().getResourceVersion());
  }

  @Test
  void theCreatedReaderServiceMatchesTheManifestFile() {
    cluster.createStatefulSet(2);
    activities.ensureReaderService(TARGET);

    Service manifest = manifest(DesiredObjects.READER_SERVICE_MANIFEST, Service.class);
    Service live = readerService();
    assertThat(live.getMetadata().getName()).isEqualTo("cockroachdb-read")
        .isEqualTo(manifest.getMetadata().getName());
    assertThat(live.getMetadata().getLabels()).containsAllEntriesOf(manifest.getMetadata().getLabels());
    assertThat(live.getSpec().getType()).isEqualTo(manifest.getSpec().getType());
    assertThat(live.getSpec().getPorts()).isEqualTo(manifest.getSpec().getPorts());
    assertThat(live.getSpec().getSelector()).isEqualTo(manifest.getSpec().getSelector())
        .isEqualTo(cluster.statefulSet().getSpec().getSelector().getMatchLabels());
  }

  @Test
  void ensureReaderServicePatchesADriftedServiceBackToTheManifest() {
    cluster.createStatefulSet(2);
    activities.ensureReaderService(TARGET);
    client.services().inNamespace(NAMESPACE).withName("cockroachdb-read").edit(s -> {
      s.getSpec().getPorts().get(0).setPort(5432);
      s.getSpec().setSelector(java.util.Map.of("app", "something-else"));
      return s;
    });

    ChangeResult result = activities.ensureReaderService(TARGET);

    assertThat(result.outcome()).isEqualTo(Outcome.UPDATED);
    assertThat(result.detail()).contains("ports").contains("selector");
    Service manifest = manifest(DesiredObjects.READER_SERVICE_MANIFEST, Service.class);
    assertThat(readerService().getSpec().getPorts()).isEqualTo(manifest.getSpec().getPorts());
    assertThat(readerService().getSpec().getSelector()).isEqualTo(manifest.getSpec().getSelector());
    assertThat(activities.ensureReaderService(TARGET).outcome()).isEqualTo(Outcome.UNCHANGED);
  }

  // ---- helpers -------------------------------------------------------------------------------

  private PodDisruptionBudget budget() {
    return client.policy().v1().podDisruptionBudget().inNamespace(NAMESPACE)
        .withName(TARGET.disruptionBudgetName()).get();
  }

  private Service readerService() {
    return client.services().inNamespace(NAMESPACE).withName(TARGET.readerServiceOrDefault()).get();
  }

  private <T> T manifest(String path, Class<T> type) {
    try (InputStream in = getClass().getClassLoader().getResourceAsStream(path)) {
      assertThat(in).as(path).isNotNull();
      return client.getKubernetesSerialization().unmarshal(in, type);
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }

  /** The ApplicationFailure an activity call ended with, as the workflow would see it. */
  static ApplicationFailure applicationFailure(ThrowingCallable call) {
    Throwable thrown = catchThrowable(call);
    assertThat(thrown).isInstanceOf(ActivityFailure.class);
    assertThat(thrown.getCause()).isInstanceOf(ApplicationFailure.class);
    return (ApplicationFailure) thrown.getCause();
  }

  private static ListAppender<ILoggingEvent> captureLogs() {
    Logger logger = (Logger) LoggerFactory.getLogger(KubernetesPlatformActivities.class);
    ListAppender<ILoggingEvent> appender = new ListAppender<>();
    appender.start();
    logger.addAppender(appender);
    return appender;
  }
}
