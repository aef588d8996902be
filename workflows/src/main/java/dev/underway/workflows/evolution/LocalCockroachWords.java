package dev.underway.workflows.evolution;

import dev.underway.model.TargetRef;
import java.util.List;

/** The sandbox's local CockroachDB nodes. */
final class LocalCockroachWords implements TargetWords {

  @Override
  public String budget(TargetRef target) {
    return "the disruption budget of " + target.key();
  }

  @Override
  public String disruption() {
    return "node maintenance";
  }

  @Override
  public String scale(TargetRef target, int before, int after) {
    return "start " + (after - before) + " more local node(s) joining " + target.key() + " ("
        + before + " -> " + after + " nodes), then wait until " + after
        + " nodes are ready and live";
  }

  @Override
  public String replication(List<String> zones, int factor) {
    return CockroachZones.change(zones, factor);
  }

  @Override
  public String readerPath(TargetRef target) {
    return "publish the reader endpoint of " + target.key() + " (connections that prefer"
        + " followers)";
  }

  @Override
  public boolean licensed() {
    return true;
  }
}
