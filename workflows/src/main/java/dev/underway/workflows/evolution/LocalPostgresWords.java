package dev.underway.workflows.evolution;

import dev.underway.workflows.evolution.model.ClusterTarget;
import java.util.List;

/**
 * The sandbox's local PostgreSQL: a primary and streaming standbys, where "replication factor N"
 * is a synchronous quorum of N copies.
 */
final class LocalPostgresWords extends LocalWords {

  @Override
  String readers() {
    return "standbys";
  }

  @Override
  public String scale(ClusterTarget target, int before, int after) {
    return "add " + (after - before) + " streaming standby node(s) to " + target.key() + " ("
        + before + " -> " + after + " nodes, each from a base backup of the primary), then wait"
        + " until " + after + " nodes accept connections and stream";
  }

  @Override
  public String replication(List<String> zones, int factor) {
    return "make every commit wait for a majority of " + factor + " copies ("
        + String.join(", ", zones) + " = ANY " + (factor / 2) + " of the " + (factor - 1)
        + " standby(s), set with a configuration reload, never a restart), then wait until every"
        + " listed standby is in the synchronous set after the reload took effect and has"
        + " replayed the primary's WAL position of that moment, on "
        + Planner.CLEAN_READINGS_REQUIRED + " consecutive readings";
  }

  @Override
  public boolean licensed() {
    return false;
  }
}
