package dev.underway.workflows.evolution.model;

import com.fasterxml.jackson.annotation.JsonIgnore;

/**
 * The ranges as the database itself shows their replicas (CockroachDB: {@code SHOW CLUSTER
 * RANGES}; the sandbox's PostgreSQL: its one "range", the primary and its listed standbys). Not
 * the range metrics, which lag the cluster by up to two 10-second intervals.
 *
 * @param total ranges looked at
 * @param underReplicated ranges with fewer voting replicas than their zone needs on the live
 *     nodes (CockroachDB's rule: {@code num_replicas}, or the live nodes when there are fewer,
 *     made odd and at least 3 unless an even factor was asked for)
 * @param unavailable ranges whose voting replicas on live nodes are not a majority
 * @param withLearners ranges that still have a learner: a replica being added that does not vote
 *     yet
 */
public record RangeHealth(long total, long underReplicated, long unavailable, long withLearners) {

  /** No range under-replicated, unavailable or with a learner. */
  @JsonIgnore
  public boolean healthy() {
    return underReplicated == 0 && unavailable == 0 && withLearners == 0;
  }

  /** One line for status and gates, e.g. "12 range(s): 2 under-replicated, 1 with learners". */
  @JsonIgnore
  public String summary() {
    if (healthy()) {
      return total + " range(s), all fully replicated";
    }
    StringBuilder s = new StringBuilder().append(total).append(" range(s): ");
    String sep = "";
    if (underReplicated > 0) {
      s.append(underReplicated).append(" under-replicated");
      sep = ", ";
    }
    if (unavailable > 0) {
      s.append(sep).append(unavailable).append(" unavailable");
      sep = ", ";
    }
    if (withLearners > 0) {
      s.append(sep).append(withLearners).append(" with a learner replica still being added");
    }
    return s.toString();
  }
}
