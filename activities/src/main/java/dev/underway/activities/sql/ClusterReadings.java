package dev.underway.activities.sql;

import dev.underway.activities.sql.CockroachDialect.RangeCounts;
import dev.underway.workflows.evolution.model.RangeHealth;
import dev.underway.workflows.evolution.model.ClusterTarget;

/**
 * One reading of the cluster for the waiting activities. The production implementation asks
 * CockroachDB over SQL (see {@link SqlDatabaseActivities}); tests feed readings from a stub.
 */
public interface ClusterReadings {

  int liveNodes(ClusterTarget target);

  /** The range metrics: recomputed and published every 10 s, so they lag the cluster. */
  RangeCounts rangeCounts(ClusterTarget target);

  /** The replicas themselves ({@code SHOW CLUSTER RANGES}). */
  RangeHealth rangeHealth(ClusterTarget target);
}
