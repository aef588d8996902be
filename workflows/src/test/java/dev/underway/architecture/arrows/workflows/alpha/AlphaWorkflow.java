package dev.underway.architecture.arrows.workflows.alpha;

import dev.underway.architecture.arrows.kernel.KernelPart;
import dev.underway.architecture.arrows.workflows.alpha.contract.AlphaActivities;
import dev.underway.architecture.arrows.workflows.alpha.model.AlphaRecord;

/** A runbook's workflow that keeps every rule: the kernel below it, its own lower packages. */
public final class AlphaWorkflow {
  private AlphaWorkflow() {}

  public static String run(AlphaActivities activities, AlphaRecord r) {
    return KernelPart.greet(activities.observe(r));
  }
}
