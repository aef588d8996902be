package dev.underway.workflows.evolution.contract;

import dev.underway.kernel.FailureType;
import java.util.List;

/**
 * The cluster evolution's own kinds of failure, besides the kernel's ({@code FailureKind}):
 * raised by its activities and its planner, declared to the run by {@link #ALL}. Their Temporal
 * failure types are stable across releases: histories and the CLI read them.
 */
public final class EvolutionFailures {
  private EvolutionFailures() {}

  /** The change would remove nodes or replicas: Underway never scales down. */
  public static final FailureType SCALE_DOWN_REFUSED = FailureType.ofRefusal("ScaleDownRefused");

  /** Every one of them, for the run's protocol. */
  public static final List<FailureType> ALL = List.of(SCALE_DOWN_REFUSED);
}
