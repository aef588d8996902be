package dev.underway.model;

import com.fasterxml.jackson.annotation.JsonIgnore;

/**
 * What the platform (Kubernetes, or the local sandbox) reports about the cluster's nodes.
 *
 * @param desiredNodes the StatefulSet's {@code spec.replicas} (local: server processes)
 * @param readyNodes pods that are Ready (readiness probe {@code /health?ready=1}; local: servers
 *     accepting connections)
 * @param readerServiceExists whether the reader Service (local: the reader endpoint) exists
 * @param disruptionBudgetMaxUnavailable the managed PDB's {@code maxUnavailable}, null if absent
 * @param kind {@link #KUBERNETES} or {@link #LOCAL}; null means Kubernetes. It chooses the words
 *     the plan uses, nothing else.
 */
public record PlatformState(
    int desiredNodes,
    int readyNodes,
    boolean readerServiceExists,
    Integer disruptionBudgetMaxUnavailable,
    String kind) {

  public static final String KUBERNETES = "kubernetes";
  public static final String LOCAL = "local";

  /** A Kubernetes platform. */
  public PlatformState(int desiredNodes, int readyNodes, boolean readerServiceExists,
      Integer disruptionBudgetMaxUnavailable) {
    this(desiredNodes, readyNodes, readerServiceExists, disruptionBudgetMaxUnavailable, null);
  }

  @JsonIgnore
  public boolean isLocal() {
    return LOCAL.equals(kind);
  }
}
