package dev.underway.activities.sql;

import dev.underway.workflows.evolution.model.RangeHealth;
import java.util.Collection;
import java.util.List;
import java.util.Set;

/**
 * Whether ranges really have their replicas, from the replicas themselves ({@code SHOW CLUSTER
 * RANGES}) rather than the range metrics. Pure: no database.
 */
public final class RangeChecks {
  private RangeChecks() {}

  /**
   * One row of {@code SHOW CLUSTER RANGES} (v23.1+): the nodes holding the range's voting
   * replicas and its learners (replicas just added, which do not vote yet).
   */
  public record RangeReplicas(long rangeId, List<Integer> voters, List<Integer> learners) {
    public RangeReplicas {
      voters = List.copyOf(voters);
      learners = List.copyOf(learners);
    }
  }

  /**
   * The voters CockroachDB's allocator aims for: {@code num_replicas}, or the nodes available
   * when there are fewer, then made odd (down) and at least 3, but never more than asked for. So
   * {@code num_replicas = 5} on 3 nodes wants 3 voters, and {@code num_replicas = 2} on 2 nodes
   * wants 2 (an even factor asked for explicitly is kept).
   */
  public static int neededVoters(int zoneReplicas, int availableNodes) {
    int need = Math.min(zoneReplicas, availableNodes);
    if (need == zoneReplicas) {
      return need;
    }
    if (need % 2 == 0) {
      need--;
    }
    return Math.min(Math.max(need, 3), zoneReplicas);
  }

  /**
   * Counts the ranges that are not done.
   *
   * @param zoneReplicas the smallest {@code num_replicas} of any zone: {@code SHOW CLUSTER
   *     RANGES} does not say which zone a range follows, so every range must have at least the
   *     voters the smallest factor needs (exact when data and system zones need the same number
   *     of voters, as on the reference story's 1 to 3 nodes; the settled range metrics, which know
   *     each range's zone, cover the rest)
   * @param liveNodes node ids currently live
   */
  public static RangeHealth health(
      Collection<RangeReplicas> ranges, int zoneReplicas, Set<Integer> liveNodes) {
    int wanted = neededVoters(zoneReplicas, liveNodes.size());
    long under = 0;
    long unavailable = 0;
    long learners = 0;
    for (RangeReplicas r : ranges) {
      long liveVoters = r.voters().stream().filter(liveNodes::contains).count();
      if (liveVoters < wanted) {
        under++;
      }
      if (liveVoters <= r.voters().size() / 2) {
        unavailable++;
      }
      if (!r.learners().isEmpty()) {
        learners++;
      }
    }
    return new RangeHealth(ranges.size(), under, unavailable, learners);
  }
}
