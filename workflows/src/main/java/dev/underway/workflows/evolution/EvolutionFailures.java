package dev.underway.workflows.evolution;

import dev.underway.kernel.FailureType;
import dev.underway.kernel.Failures;
import java.util.List;

/** The cluster evolution's own failure types, besides the kernel's. */
public final class EvolutionFailures {
  private EvolutionFailures() {}

  /** The change would remove nodes or replicas: Underway never scales down. */
  public static final FailureType SCALE_DOWN_REFUSED =
      FailureType.ofRefusal(Failures.SCALE_DOWN_REFUSED);

  /** Every one of them, for the protocol. */
  public static final List<FailureType> ALL = List.of(SCALE_DOWN_REFUSED);
}
