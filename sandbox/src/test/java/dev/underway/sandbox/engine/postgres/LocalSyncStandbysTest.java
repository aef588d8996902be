package dev.underway.sandbox.engine.postgres;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.junit.jupiter.api.Test;

/** Replication factor <-> synchronous_standby_names, both ways. */
class LocalSyncStandbysTest {

  private static final List<String> STANDBYS = List.of("node1", "node2", "node3", "node4");

  @Test
  void aMajorityOfTheCopiesMustHaveACommit() {
    assertThat(SyncStandbys.forReplicationFactor(1, STANDBYS).toSetting()).isEmpty();
    assertThat(SyncStandbys.forReplicationFactor(2, STANDBYS).toSetting())
        .isEqualTo("ANY 1 (node1)");
    assertThat(SyncStandbys.forReplicationFactor(3, STANDBYS).toSetting())
        .isEqualTo("ANY 1 (node1, node2)");
    assertThat(SyncStandbys.forReplicationFactor(4, STANDBYS).toSetting())
        .isEqualTo("ANY 2 (node1, node2, node3)");
    assertThat(SyncStandbys.forReplicationFactor(5, STANDBYS).toSetting())
        .isEqualTo("ANY 2 (node1, node2, node3, node4)");
    assertThatThrownBy(() -> SyncStandbys.forReplicationFactor(3, List.of("node1")))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> SyncStandbys.forReplicationFactor(2, List.of("x'; --")))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void observedReplicationFactorIsOnePlusTheListedStandbys() {
    assertThat(SyncStandbys.parse("").replicationFactor()).isEqualTo(1);
    assertThat(SyncStandbys.parse(null).replicationFactor()).isEqualTo(1);
    SyncStandbys any = SyncStandbys.parse("ANY 1 (node1, node2)");
    assertThat(any).isEqualTo(new SyncStandbys("ANY", 1, List.of("node1", "node2")));
    assertThat(any.replicationFactor()).isEqualTo(3);
    assertThat(SyncStandbys.parse("any 2 (a,\"B c\",d)"))
        .isEqualTo(new SyncStandbys("ANY", 2, List.of("a", "B c", "d")));
    // the older forms: "2 (a, b)" and a bare list mean FIRST
    assertThat(SyncStandbys.parse("2 (a, b)")).isEqualTo(new SyncStandbys("FIRST", 2,
        List.of("a", "b")));
    assertThat(SyncStandbys.parse("node1, node2"))
        .isEqualTo(new SyncStandbys("FIRST", 1, List.of("node1", "node2")));
    assertThat(SyncStandbys.parse(SyncStandbys.forReplicationFactor(3, STANDBYS).toSetting()))
        .isEqualTo(SyncStandbys.forReplicationFactor(3, STANDBYS));
  }
}
