package dev.underway.sandbox.engine.postgres;

import static org.assertj.core.api.Assertions.assertThat;

import dev.underway.guard.GuardSettings;
import dev.underway.sandbox.load.KeyValueWorkload;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.Statement;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The scale step's base backup on a real local PostgreSQL cluster, paced by the latency guard
 * sampling the primary: the baseline is taken before the copy (with the writer probe on the
 * load's table when the database has it, a read of the catalogue when not), the copy runs with
 * the guard beneath the --max-rate style ceiling and completes: the standby streams.
 */
class GuardedBaseBackupOnPostgresTest {

  /** A short baseline, sampled every 10 ms. */
  private static final GuardSettings GUARD =
      new GuardSettings(1.25, null, null, null, null, 500L, 10L);

  @TempDir Path tmp;

  @Test
  void theScaleStepsCopyRunsWithTheGuardOnTheLoadTableAndStillCompletes() throws Exception {
    try (LocalPostgresCluster cluster = LocalPostgresCluster.create(
        LocalPostgresCluster.Options.in(tmp.resolve("cluster")))) {
      try (Connection c = cluster.openWriter(cluster.database());
           Statement s = c.createStatement()) {
        s.execute("CREATE TABLE " + KeyValueWorkload.TABLE + " (id bigserial PRIMARY KEY,"
            + " k text NOT NULL, v text NOT NULL, at timestamptz NOT NULL DEFAULT now())");
        s.execute("INSERT INTO " + KeyValueWorkload.TABLE + " (k, v) SELECT 'k' || g,"
            + " repeat('v', 200) FROM generate_series(1, 20000) g");
      }
      cluster.guardBaseBackups(GUARD);
      cluster.limitBaseBackupRate(256L * 1024 * 1024);
      List<String> reports = new CopyOnWriteArrayList<>();

      LocalPostgresCluster.Node node = cluster.addNode(reports::add);

      assertThat(node.name()).isEqualTo("node1");
      assertThat(cluster.isReady(node)).isTrue();
      assertThat(reports).first().asString().isEqualTo("base backup for node1: latency guard:"
          + " sampling the primary's baseline with a row lock on underway_load, rolled back");
      assertThat(reports).as("the baseline, then the copy with its rate and the guard's state")
          .anySatisfy(r -> assertThat(r).contains("baseline p99"))
          .anySatisfy(r -> assertThat(r).contains("MiB copied at").contains("MiB/s")
              .contains("held to").contains("latency guard"));
    }
  }

  @Test
  void withoutALoadTableTheGuardReadsTheCatalogue() throws Exception {
    try (LocalPostgresCluster cluster = LocalPostgresCluster.create(
        LocalPostgresCluster.Options.in(tmp.resolve("bare")))) {
      List<String> reports = new CopyOnWriteArrayList<>();

      LocalPostgresCluster.Node node = cluster.addGuardedStandby(GUARD, reports::add);

      assertThat(cluster.isReady(node)).isTrue();
      assertThat(reports).first().asString().contains("a read of pg_class (no load table"
          + " known)");
      assertThat(reports).anySatisfy(r -> assertThat(r).contains("MiB copied at")
          .contains("latency guard free"));
    }
  }
}
