package dev.underway.workflows.evolution;

import dev.underway.workflows.evolution.model.ClusterObservation;
import dev.underway.workflows.evolution.model.Engine;
import dev.underway.workflows.evolution.model.PlatformKind;
import dev.underway.workflows.evolution.model.ClusterTarget;
import java.util.List;

/**
 * How a kind of target says the changes the {@link Planner} decided: the Planner decides what
 * changes (nodes, replication, reader path, disruption budget), each kind of target words it as
 * its operators know it. One implementation per kind: a CockroachDB StatefulSet on Kubernetes,
 * the sandbox's local PostgreSQL, the sandbox's local CockroachDB.
 */
interface TargetWords {

  /** The words for the target as it was observed (the platform and the engine say what it is). */
  static TargetWords of(ClusterObservation observed) {
    if (observed.platform().kind() == PlatformKind.KUBERNETES) {
      return new KubernetesWords();
    }
    return observed.database().engine() == Engine.POSTGRESQL ? new LocalPostgresWords()
        : new LocalCockroachWords();
  }

  /** The managed disruption budget, e.g. {@code PodDisruptionBudget db/crdb-budget}. */
  String budget(ClusterTarget target);

  /** What a disruption budget keeps from taking a replica away: {@code eviction}. */
  String disruption();

  /** Adding nodes, and the wait for them. */
  String scale(ClusterTarget target, int before, int after);

  /** Setting the replication factor on {@code zones}, and the wait until it holds. */
  String replication(List<String> zones, int factor);

  /** Creating the reader path (a Service, an endpoint). */
  String readerPath(ClusterTarget target);

  /** Whether CockroachDB's licence warning applies. */
  boolean licensed();
}
