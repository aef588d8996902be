package dev.underway.model;

/**
 * What the platform (Kubernetes, or the local sandbox) reports about the cluster's nodes.
 *
 * @param desiredNodes the StatefulSet's {@code spec.replicas}
 * @param readyNodes pods that are Ready (readiness probe {@code /health?ready=1})
 * @param readerServiceExists whether the reader Service exists
 * @param disruptionBudgetMaxUnavailable the managed PDB's {@code maxUnavailable}, null if absent
 */
public record PlatformState(
    int desiredNodes,
    int readyNodes,
    boolean readerServiceExists,
    Integer disruptionBudgetMaxUnavailable) {}
