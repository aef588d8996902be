package dev.underway.workflows.evolution.model;

/** Progress of a wait for nodes: also the heartbeat detail of that wait. */
public record NodesReady(int ready, int wanted) {
  public boolean done() {
    return ready >= wanted;
  }
}
