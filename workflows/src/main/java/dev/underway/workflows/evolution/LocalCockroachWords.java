package dev.underway.workflows.evolution;

import dev.underway.workflows.evolution.model.ClusterTarget;
import java.util.List;

/** The sandbox's local CockroachDB nodes. */
final class LocalCockroachWords extends LocalWords {

  @Override
  String readers() {
    return "followers";
  }

  @Override
  public String scale(ClusterTarget target, int before, int after) {
    return "start " + (after - before) + " more local node(s) joining " + target.key() + " ("
        + before + " -> " + after + " nodes), then wait until " + after
        + " nodes are ready and live";
  }

  @Override
  public String replication(List<String> zones, int factor) {
    return CockroachZones.change(zones, factor);
  }

  @Override
  public boolean licensed() {
    return true;
  }
}
