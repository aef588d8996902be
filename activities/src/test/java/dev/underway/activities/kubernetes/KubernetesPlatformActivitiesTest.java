package dev.underway.activities.kubernetes;

import static dev.underway.activities.kubernetes.ClusterFixture.NAMESPACE;
import static dev.underway.activities.kubernetes.ClusterFixture.STS;
import static dev.underway.activities.kubernetes.ClusterFixture.TARGET;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import dev.underway.kernel.Failures;
import dev.underway.workflows.evolution.contract.PlatformActivities;
import io.fabric8.kubernetes.api.model.StatusBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.EnableKubernetesMockClient;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import io.temporal.activity.ActivityOptions;
import io.temporal.common.RetryOptions;
import io.temporal.failure.ActivityFailure;
import io.temporal.failure.ApplicationFailure;
import io.temporal.testing.TestActivityEnvironment;
import java.time.Duration;
import org.assertj.core.api.ThrowableAssert.ThrowingCallable;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The Kubernetes platform activities against fabric8's mock API server (CRUD mode, with a few
 * expectation), only for what a real API server cannot be made to do on demand: a conflict, and a
 * controller that lags behind its pods. Everything else is tested against the real
 * control plane ({@code real.KubernetesPlatformActivitiesOnRealKubernetesTest}). Run through
 * Temporal's {@link TestActivityEnvironment} so failures behave as in a worker; where status
 * matters the test sets it itself ({@link ClusterFixture}), and says so in the test's name.
 */
@EnableKubernetesMockClient(crud = true)
class KubernetesPlatformActivitiesTest {

  KubernetesMockServer server;
  KubernetesClient client;

  private TestActivityEnvironment testEnv;
  private PlatformActivities activities;
  private ClusterFixture cluster;

  @BeforeEach
  void setUp() {
    cluster = new ClusterFixture(client);
    testEnv = TestActivityEnvironment.newInstance();
    testEnv.registerActivitiesImplementations(
        new KubernetesPlatformActivities(client, Duration.ofMillis(50)));
    activities = testEnv.newActivityStub(PlatformActivities.class, ActivityOptions.newBuilder()
        .setStartToCloseTimeout(Duration.ofSeconds(30))
        .setRetryOptions(RetryOptions.newBuilder().setMaximumAttempts(1).build())
        .build());
  }

  @AfterEach
  void tearDown() {
    testEnv.close();
  }

  // ---- what the real API server cannot be made to do on demand --------------------------------
  // Everything else these activities do is tested against a real API server, as the worker's
  // ServiceAccount: real.KubernetesPlatformActivitiesOnRealKubernetesTest.

  /**
   * Pods and the StatefulSet controller disagreeing for a moment (the controller has not caught
   * up, or a pod turned unready before it noticed): a real controller does this only by chance,
   * so the test sets both statuses itself.
   */
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

  /**
   * A concurrent change between reading the scale and writing it: the API server answers 409 and
   * the activity fails retryably, overwriting nothing (a retry reads again and decides again). A
   * real server conflicts only when another writer happens to win the race, so the mock answers
   * 409 here.
   */
  @Test
  void aConflictingScaleUpdateFailsRetryablyAndOverwritesNothing() {
    cluster.createStatefulSet(1);
    String scalePath = "/apis/apps/v1/namespaces/" + NAMESPACE + "/statefulsets/" + STS + "/scale";
    server.expect().put().withPath(scalePath)
        .andReturn(409, new StatusBuilder().withCode(409).withReason("Conflict")
            .withMessage("Operation cannot be fulfilled: the object has been modified").build())
        .once();

    ApplicationFailure failure = applicationFailure(() -> activities.scaleNodes(TARGET, 3));

    assertThat(failure.isNonRetryable()).isFalse();
    assertThat(failure.getOriginalMessage()).contains("409");
    assertThat(cluster.statefulSet().getSpec().getReplicas()).isEqualTo(1);
  }

  /** The ApplicationFailure an activity call ended with, as the workflow would see it. */
  static ApplicationFailure applicationFailure(ThrowingCallable call) {
    Throwable thrown = catchThrowable(call);
    assertThat(thrown).isInstanceOf(ActivityFailure.class);
    assertThat(thrown.getCause()).isInstanceOf(ApplicationFailure.class);
    return (ApplicationFailure) thrown.getCause();
  }
}
