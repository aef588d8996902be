package dev.underway.workflows.evolution;

import dev.underway.workflows.evolution.model.ClusterObservation;
import dev.underway.workflows.evolution.model.DatabaseState;
import dev.underway.workflows.evolution.model.PlatformState;
import java.util.ArrayList;
import java.util.List;

/**
 * Whether a cluster is healthy enough to open a gate on or to change: every node it should have
 * Ready and live, and every range fully replicated (as the replicas themselves show it, when the
 * database reports them). A run holds (state HOLDING) while this lists anything, re-checking, and goes on
 * only once it is empty, or stops when an operator aborts. Pure.
 */
public final class Health {
  private Health() {}

  /** What is unhealthy, in words; empty when healthy. */
  public static List<String> problems(ClusterObservation observed) {
    PlatformState platform = observed.platform();
    DatabaseState database = observed.database();
    List<String> found = new ArrayList<>();
    if (platform.readyNodes() < platform.desiredNodes()) {
      found.add("only " + platform.readyNodes() + " of " + platform.desiredNodes()
          + " pods are Ready");
    }
    if (database.liveNodes() < platform.desiredNodes()) {
      found.add("only " + database.liveNodes() + " of " + platform.desiredNodes()
          + " nodes are live");
    }
    if (database.ranges() != null && !database.ranges().healthy()) {
      found.add(database.ranges().summary());
    }
    return found;
  }
}
