package dev.underway.workflows.evolution;

import dev.underway.workflows.evolution.model.ClusterTarget;

/**
 * What the sandbox's local targets say alike: their budget and disruption are the sandbox's own
 * node maintenance, their reader path an endpoint whose connections prefer {@link #readers()}.
 */
abstract class LocalWords implements TargetWords {

  /** Who the reader endpoint's connections prefer: {@code followers}, {@code standbys}. */
  abstract String readers();

  @Override
  public final String budget(ClusterTarget target) {
    return "the disruption budget of " + target.key();
  }

  @Override
  public final String disruption() {
    return "node maintenance";
  }

  @Override
  public final String readerPath(ClusterTarget target) {
    return "publish the reader endpoint of " + target.key() + " (connections that prefer "
        + readers() + ")";
  }
}
