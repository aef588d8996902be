package dev.underway.activities.sql;

import static org.assertj.core.api.Assertions.assertThat;

import dev.underway.local.postgres.LocalPostgres;
import dev.underway.activities.sql.RangeChecks.RangeReplicas;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The JDBC side of reading {@code SHOW CLUSTER RANGES}: rows with its documented column names
 * and types (INT8 range_id, INT8[] replica lists, NULL when a list is absent) as pgjdbc really
 * hands them over, from a real PostgreSQL server. (The statement itself runs only on CockroachDB:
 * CockroachRealClusterTest.)
 */
class ClusterRangesRowsOnPostgresTest {

  @TempDir Path dir;

  @Test
  void readsRangeIdsVotersAndLearners() throws Exception {
    try (LocalPostgres pg = LocalPostgres.start(LocalPostgres.Options.under(dir));
         Connection c = pg.connect("postgres"); Statement s = c.createStatement();
         ResultSet rs = s.executeQuery("SELECT * FROM (VALUES"
             + " (1::INT8, ARRAY[1, 2, 3]::INT8[], ARRAY[]::INT8[], '/Min'),"
             + " (2::INT8, ARRAY[2, 1]::INT8[], ARRAY[3]::INT8[], '/Table/106'),"
             + " (3::INT8, ARRAY[1]::INT8[], NULL::INT8[], '/Table/107'))"
             + " AS r (range_id, voting_replicas, learner_replicas, start_key)")) {
      List<RangeReplicas> ranges = CockroachDialect.readRanges(rs);
      assertThat(ranges).containsExactly(
          new RangeReplicas(1, List.of(1, 2, 3), List.of()),
          new RangeReplicas(2, List.of(2, 1), List.of(3)),
          new RangeReplicas(3, List.of(1), List.of()));
    }
  }
}
