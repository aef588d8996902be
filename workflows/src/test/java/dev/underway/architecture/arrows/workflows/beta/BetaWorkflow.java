package dev.underway.architecture.arrows.workflows.beta;

import dev.underway.architecture.arrows.workflows.alpha.AlphaWorkflow;
import dev.underway.architecture.arrows.workflows.alpha.contract.AlphaActivities;
import dev.underway.architecture.arrows.workflows.alpha.model.AlphaRecord;

/**
 * Breaks "runbooks do not import each other's workflow packages" (it calls {@link
 * AlphaWorkflow}); its use of alpha's contract and model is allowed.
 */
public final class BetaWorkflow {
  private BetaWorkflow() {}

  public static String run(AlphaActivities activities, AlphaRecord r) {
    return AlphaWorkflow.run(activities, r);
  }
}
