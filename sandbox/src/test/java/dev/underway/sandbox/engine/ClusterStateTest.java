package dev.underway.sandbox.engine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The one state format of both engines' clusters: round trips, names its engine, refuses junk. */
class ClusterStateTest {

  @TempDir Path tmp;

  @Test
  void roundTripsThroughTheDirectoryForBothEnginesAndHoldsNoSecret() throws Exception {
    ClusterState cockroach = new ClusterState(Engine.COCKROACH, "app",
        List.of(new ClusterState.Node("node1", 26001, 8001),
            new ClusterState.Node("node2", 26002, 8002)),
        Map.of("node1", 4242L), true, true, 0);
    cockroach.write(tmp);
    assertThat(ClusterState.isClusterDirectory(tmp)).isTrue();
    assertThat(ClusterState.engineOf(tmp)).isEqualTo(Engine.COCKROACH);
    assertThat(ClusterState.read(tmp, Engine.COCKROACH)).isEqualTo(cockroach);
    assertThat(Files.readString(tmp.resolve(ClusterState.FILE))).contains("engine=cockroach")
        .doesNotContainIgnoringCase("password");
    assertThat(tmp.resolve(ClusterState.FILE + ".tmp")).doesNotExist();

    ClusterState postgres = new ClusterState(Engine.POSTGRES, "app",
        List.of(new ClusterState.Node("node0", 5432, null),
            new ClusterState.Node("node1", 5433, null)),
        Map.of("node0", 7L, "node1", 8L), true, false, null);
    postgres.write(tmp);
    assertThat(ClusterState.engineOf(tmp)).isEqualTo(Engine.POSTGRES);
    assertThat(ClusterState.read(tmp, Engine.POSTGRES)).isEqualTo(postgres);
    assertThatThrownBy(() -> ClusterState.read(tmp, Engine.COCKROACH))
        .isInstanceOf(IOException.class)
        .hasMessageContaining("does not describe a local CockroachDB cluster (engine=postgres)");
  }

  @Test
  void validationNamesTheProblem() {
    assertThat(invalid(Engine.COCKROACH, "engine", "postgres"))
        .contains("does not describe a local CockroachDB cluster");
    assertThat(invalid(Engine.COCKROACH, null, null)).isNull();
    assertThat(invalid(Engine.COCKROACH, "nodes", "node1,node3"))
        .contains("nodes must be node1, node2, ... in order");
    assertThat(invalid(Engine.POSTGRES, "engine", "postgres"))
        .contains("nodes must be node0, node1, ... in order; found 'node1'");
    assertThat(invalid(Engine.COCKROACH, "node.node2.port", "26001"))
        .contains("port 26001 is used twice");
    assertThat(invalid(Engine.COCKROACH, "node.node1.httpPort", "70000"))
        .contains("node.node1.httpPort is not a TCP port");
    assertThat(invalid(Engine.COCKROACH, "node.node2.port", null))
        .contains("node.node2.port is not a TCP port");
    assertThat(invalid(Engine.COCKROACH, "node.node1.pid", "-1"))
        .contains("node.node1.pid is not a pid");
    assertThat(invalid(Engine.COCKROACH, "budget.maxUnavailable", "-1")).contains("negative");
    assertThat(invalid(Engine.COCKROACH, "nodes", "")).contains("no nodes");
    assertThat(invalid(Engine.COCKROACH, "database", " ")).contains("no database");
    assertThatThrownBy(() -> ClusterState.read(tmp.resolve("nothing"), Engine.COCKROACH))
        .isInstanceOf(IOException.class).hasMessageContaining("No local CockroachDB cluster");
    assertThatThrownBy(() -> ClusterState.engineOf(tmp.resolve("nothing")))
        .isInstanceOf(IOException.class).hasMessageContaining("No local cluster here");
  }

  /**
   * What reading a valid two-node CockroachDB state says when {@code key} is set to {@code
   * value} (removed when null; nothing changed when the key is null) and {@code expected} is
   * asked for; null when it reads.
   */
  private static String invalid(Engine expected, String key, String value) {
    Properties p = new Properties();
    String[] kv = {"engine", "cockroach", "database", "app", "nodes", "node1,node2",
        "node.node1.port", "26001", "node.node1.httpPort", "8001",
        "node.node2.port", "26002", "node.node2.httpPort", "8002", "initialized", "true"};
    for (int i = 0; i < kv.length; i += 2) {
      p.setProperty(kv[i], kv[i + 1]);
    }
    if (key != null && value == null) {
      p.remove(key);
    } else if (key != null) {
      p.setProperty(key, value);
    }
    try {
      ClusterState.fromProperties(p, Path.of("state"), expected);
      return null;
    } catch (IOException e) {
      return e.getMessage();
    }
  }
}
