package dev.underway.workflows.evolution;

import dev.underway.kernel.FailureType;
import dev.underway.kernel.Failures;

/** The cluster evolution's own failure types, besides the kernel's. */
public enum EvolutionFailure implements FailureType {
  /** The change would remove nodes or replicas: Underway never scales down. A refusal. */
  SCALE_DOWN_REFUSED(Failures.SCALE_DOWN_REFUSED, true);

  private final String type;
  private final boolean refusal;

  EvolutionFailure(String type, boolean refusal) {
    this.type = type;
    this.refusal = refusal;
  }

  @Override
  public String type() {
    return type;
  }

  @Override
  public boolean refusal() {
    return refusal;
  }
}
