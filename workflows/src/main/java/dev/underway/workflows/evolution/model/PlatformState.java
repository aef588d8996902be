package dev.underway.workflows.evolution.model;

/**
 * What the platform (Kubernetes, or the local sandbox) reports about the cluster's nodes.
 *
 * @param desiredNodes the StatefulSet's {@code spec.replicas} (local: server processes)
 * @param readyNodes pods that are Ready (readiness probe {@code /health?ready=1}; local: servers
 *     accepting connections)
 * @param readerServiceExists whether the reader Service (local: the reader endpoint) exists
 * @param disruptionBudgetMaxUnavailable the managed PDB's {@code maxUnavailable}, null if absent
 * @param kind where the nodes run (absent in JSON, as from activities that predate it: Kubernetes).
 *     It chooses the words the plan uses, nothing else
 */
public record PlatformState(
    int desiredNodes,
    int readyNodes,
    boolean readerServiceExists,
    Integer disruptionBudgetMaxUnavailable,
    PlatformKind kind) {

  public static final PlatformKind KUBERNETES = PlatformKind.KUBERNETES;
  public static final PlatformKind LOCAL = PlatformKind.LOCAL;

  public PlatformState {
    kind = kind == null ? PlatformKind.KUBERNETES : kind;
  }

  /** A Kubernetes platform. */
  public PlatformState(int desiredNodes, int readyNodes, boolean readerServiceExists,
      Integer disruptionBudgetMaxUnavailable) {
    this(desiredNodes, readyNodes, readerServiceExists, disruptionBudgetMaxUnavailable, null);
  }
}
