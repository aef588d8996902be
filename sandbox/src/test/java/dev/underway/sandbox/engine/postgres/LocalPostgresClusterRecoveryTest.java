package dev.underway.sandbox.engine.postgres;

import static dev.underway.sandbox.engine.EngineTests.OPTIONS;
import static dev.underway.sandbox.engine.EngineTests.POLL;
import static dev.underway.sandbox.engine.EngineTests.TARGET;
import dev.underway.sandbox.engine.EngineTests;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.underway.workflows.evolution.contract.DatabaseActivities;
import dev.underway.workflows.evolution.contract.PlatformActivities;
import dev.underway.kernel.ChangeResult.Outcome;
import dev.underway.workflows.evolution.model.NodesReady;
import dev.underway.workflows.evolution.model.PlatformState;
import io.temporal.failure.ActivityFailure;
import io.temporal.failure.ApplicationFailure;
import io.temporal.testing.TestActivityEnvironment;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Retries converge: a directory left by an interrupted base backup, a standby that stopped, a
 * worker that went away while a standby was down. The primary is never restarted, and no
 * replication factor is set that would make commits wait for a standby that is not there.
 */
class LocalPostgresClusterRecoveryTest {

  @TempDir Path tmp;

  @Test
  void interruptedAndStoppedStandbysAreRepairedWithoutTouchingThePrimary() throws Exception {
    Path dir = tmp.resolve("cluster");
    LocalPostgresCluster cluster = LocalPostgresCluster.create(
        LocalPostgresCluster.Options.in(dir));
    long primaryPid = cluster.pid(LocalPostgresCluster.PRIMARY);
    List<Long> everyPid = new ArrayList<>(List.of(primaryPid));
    TestActivityEnvironment env = TestActivityEnvironment.newInstance();
    try {
      EngineTests.Stubs stubs = EngineTests.register(env, cluster, POLL, OPTIONS);
      PlatformActivities platform = stubs.platform();
      DatabaseActivities database = stubs.database();

      // a copy interrupted by a crash: a directory that was never recorded as a node
      Files.createDirectories(dir.resolve("node1/data"));
      Files.writeString(dir.resolve("node1/data/half-copied"), "x");
      assertThat(platform.scaleNodes(TARGET, 2).outcome()).isEqualTo(Outcome.UPDATED);
      assertThat(dir.resolve("node1/data/half-copied")).doesNotExist();
      env.setHeartbeatDetails(new NodesReady(1, 2));
      assertThat(platform.awaitNodesReady(TARGET, 2)).isEqualTo(new NodesReady(2, 2));

      // the standby stops: RF 2 is refused (retryably) rather than stall every commit
      stop(cluster.pid("node1"));
      assertThat(platform.observe(TARGET)).isEqualTo(new PlatformState(2, 1, false, null, PlatformState.LOCAL));
      await().atMost(Duration.ofSeconds(30)).pollInterval(POLL)
          .until(() -> database.observe(TARGET).liveNodes() == 1);
      assertThatThrownBy(() -> database.setReplicationFactor(TARGET, 2))
          .isInstanceOf(ActivityFailure.class)
          .extracting(Throwable::getCause)
          .isInstanceOfSatisfying(ApplicationFailure.class, f -> {
            assertThat(f.isNonRetryable()).isFalse();
            assertThat(f.getOriginalMessage()).contains("wait for the nodes to be live first");
          });
      try (Connection c = cluster.openWriter(TARGET.database());
           Statement s = c.createStatement();
           ResultSet rs = s.executeQuery("SHOW synchronous_standby_names")) {
        rs.next();
        assertThat(rs.getString(1)).isEmpty();
      }

      // the retried scale finds 2 nodes recorded and starts the stopped standby again
      assertThat(platform.scaleNodes(TARGET, 2).outcome()).isEqualTo(Outcome.UNCHANGED);
      assertThat(platform.awaitNodesReady(TARGET, 2).ready()).isEqualTo(2);
      assertThat(database.awaitLiveNodes(TARGET, 2).ready()).isEqualTo(2);
      assertThat(database.setReplicationFactor(TARGET, 2).outcome()).isEqualTo(Outcome.UPDATED);
      assertThat(database.awaitReplicated(TARGET, 2).done()).isTrue();

      // the worker goes away, the standby stops meanwhile: attaching starts it again
      everyPid.add(cluster.pid("node1"));
      cluster.detach();
      stop(everyPid.get(1));
      try (LocalPostgresCluster again = LocalPostgresCluster.attach(
              LocalPostgresCluster.Options.in(dir))) {
        everyPid.add(again.pid("node1"));
        assertThat(again.pid(LocalPostgresCluster.PRIMARY)).isEqualTo(primaryPid);
        assertThat(again.pid("node1")).isNotEqualTo(everyPid.get(1));
        assertThat(again.readyNodeCount()).isEqualTo(2);
      }
      assertThat(everyPid).allSatisfy(pid ->
          assertThat(ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false)).isFalse());
    } finally {
      env.close();
      cluster.close();
      everyPid.forEach(pid -> ProcessHandle.of(pid).ifPresent(ProcessHandle::destroyForcibly));
    }
  }

  @Test
  void aStandbyWhosePortWasTakenMovesToAnotherPortAndTheRecordFollows() throws Exception {
    Path dir = tmp.resolve("cluster");
    LocalPostgresCluster cluster = LocalPostgresCluster.create(
        LocalPostgresCluster.Options.in(dir));
    List<Long> everyPid = new ArrayList<>(List.of(cluster.pid(LocalPostgresCluster.PRIMARY)));
    try {
      int primaryPort = cluster.primary().port();
      LocalPostgresCluster.Node standby = cluster.addStandby();
      cluster.publishReader();
      cluster.setDisruptionBudget(0);
      everyPid.add(cluster.pid(standby.name()));

      // the worker goes away, the standby stops, and another program takes its port
      cluster.detach();
      stop(everyPid.get(1));
      try (ServerSocket squatter =
               new ServerSocket(standby.port(), 1, InetAddress.getLoopbackAddress());
           LocalPostgresCluster again = LocalPostgresCluster.attach(
                   LocalPostgresCluster.Options.in(dir))) {
        everyPid.add(again.pid(standby.name()));
        LocalPostgresCluster.Node moved = again.nodes().get(1);
        assertThat(moved.name()).isEqualTo(standby.name());
        assertThat(moved.port()).isNotEqualTo(squatter.getLocalPort());
        assertThat(again.primary().port()).as("the writer endpoint never moves")
            .isEqualTo(primaryPort);
        assertThat(again.readyNodeCount()).isEqualTo(2);
        assertThat(again.readerJdbcUrl()).hasValueSatisfying(url ->
            assertThat(url).contains(":" + moved.port()));
        // what was recorded before the move is still recorded, and the new port with it
        again.detach();
        try (LocalPostgresCluster third = LocalPostgresCluster.attach(
                LocalPostgresCluster.Options.in(dir))) {
          assertThat(third.nodes()).containsExactlyElementsOf(List.of(again.primary(), moved));
          assertThat(third.pid(standby.name())).isEqualTo(everyPid.get(2));
          assertThat(third.readerPublished()).isTrue();
          assertThat(third.disruptionBudget()).contains(0);
        }
      }
      assertThat(everyPid).allSatisfy(pid ->
          assertThat(ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false)).isFalse());
    } finally {
      cluster.close();
      everyPid.forEach(pid -> ProcessHandle.of(pid).ifPresent(ProcessHandle::destroyForcibly));
    }
  }

  /** SIGTERM (PostgreSQL's smart shutdown), then wait until the process is gone. */
  private static void stop(long pid) {
    ProcessHandle handle = ProcessHandle.of(pid).orElseThrow();
    assertThat(handle.destroy()).isTrue();
    await().atMost(Duration.ofSeconds(30)).pollInterval(POLL).until(() -> !handle.isAlive());
  }
}
