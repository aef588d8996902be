package dev.underway.workflows.drift;

import dev.underway.workflows.evolution.model.ClusterObservation;
import dev.underway.workflows.evolution.model.Phase;
import dev.underway.workflows.evolution.model.ClusterTarget;
import java.util.List;

/**
 * What a {@code DriftCheck} found.
 *
 * @param target the cluster looked at
 * @param declaredPhase the phase it is declared to be at
 * @param drifted whether anything differs from the declared phase
 * @param drift every difference, in words an operator understands; empty when none
 * @param observed what was read (platform and database), for the record
 * @param summary the observation in one line, e.g. {@code 2 nodes (2 ready, 2 live), RF 1, ...}
 * @param checkedAt when the observation finished (workflow time), ISO-8601
 */
public record DriftReport(
    ClusterTarget target,
    Phase declaredPhase,
    boolean drifted,
    List<String> drift,
    ClusterObservation observed,
    String summary,
    String checkedAt) {

  public DriftReport {
    drift = drift == null ? List.of() : List.copyOf(drift);
  }
}
