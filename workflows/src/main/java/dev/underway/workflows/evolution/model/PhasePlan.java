package dev.underway.workflows.evolution.model;

import java.util.List;

/**
 * The difference between what was observed and what a phase wants: the text of its gate.
 *
 * @param phase the phase's name
 * @param nodesBefore observed nodes (StatefulSet replicas)
 * @param nodesAfter desired nodes
 * @param replicationBefore replicas every range really has now (see {@link
 *     ClusterObservation#effectiveReplicationFactor()})
 * @param replicationAfter desired replication factor
 * @param failuresToleratedBefore node failures survived now: (RF - 1) / 2
 * @param failuresToleratedAfter node failures survived after the phase
 * @param scaleTo new StatefulSet replicas, or null when the node count is right
 * @param zonesToChange zone targets whose {@code num_replicas} must change
 * @param createReaderUser whether the read-only user must be created
 * @param createReaderService whether the reader Service must be created
 * @param disruptionBudgetDuring PDB {@code maxUnavailable} to hold while the phase runs, or null
 *     to leave it as it is
 * @param disruptionBudgetAfter PDB {@code maxUnavailable} once the phase is verified, or null
 * @param changes the changes in words, in the order they will be made
 * @param warnings what an approver must know (e.g. RF 2 tolerates zero failures)
 */
public record PhasePlan(
    String phase,
    int nodesBefore,
    int nodesAfter,
    int replicationBefore,
    int replicationAfter,
    int failuresToleratedBefore,
    int failuresToleratedAfter,
    Integer scaleTo,
    List<String> zonesToChange,
    boolean createReaderUser,
    boolean createReaderService,
    Integer disruptionBudgetDuring,
    Integer disruptionBudgetAfter,
    List<String> changes,
    List<String> warnings) {

  public PhasePlan {
    zonesToChange = zonesToChange == null ? List.of() : List.copyOf(zonesToChange);
    changes = changes == null ? List.of() : List.copyOf(changes);
    warnings = warnings == null ? List.of() : List.copyOf(warnings);
  }

  /** Nothing to do: the cluster already has this phase's shape. */
  public boolean alreadyThere() {
    return changes.isEmpty();
  }
}
