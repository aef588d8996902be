package dev.underway.workflows.schema;

import dev.underway.kernel.FailureType;
import dev.underway.kernel.RunState;
import dev.underway.kernel.SearchAttributes;
import io.temporal.failure.ApplicationFailure;
import io.temporal.workflow.Workflow;
import java.util.List;

/** Why the planner will not change a table: a refusal kind and a sentence. */
public record Refusal(FailureType kind, String why) {

  /**
   * The change id of a planner's refusal ending the run once, through the kernel's protocol.
   * Runs recorded before it marked the run failed as they refused, then again as they ended:
   * they upsert that state once more, as they did.
   */
  static final String ONCE = "refusal-ends-once";

  /**
   * The refusal that ends the run (workflow code): of the first one's kind, saying every one's
   * why; the kernel's protocol ends the run with it.
   */
  static ApplicationFailure of(List<Refusal> refusals) {
    if (Workflow.getVersion(ONCE, Workflow.DEFAULT_VERSION, 1) == Workflow.DEFAULT_VERSION) {
      Workflow.upsertTypedSearchAttributes(
          SearchAttributes.STATE.valueSet(RunState.FAILED.name()));
    }
    return refusals.get(0).kind().refuse(String.join("; ",
        refusals.stream().map(Refusal::why).toList()));
  }
}
