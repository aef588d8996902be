package dev.underway.workflows.evolution;

import dev.underway.kernel.DecisionHandlers;
import dev.underway.workflows.evolution.model.EvolutionRequest;
import dev.underway.workflows.evolution.model.EvolutionResult;
import dev.underway.workflows.evolution.model.ClusterTarget;
import io.temporal.workflow.WorkflowInterface;
import io.temporal.workflow.WorkflowMethod;

/**
 * Evolves a CockroachDB cluster through phases (nodes, replication factor, reader path), with a
 * human decision before every change. Gates, decisions and the status query are the kernel's
 * ({@link DecisionHandlers}); their names are typed by operators and must not change.
 */
@WorkflowInterface
public interface ClusterEvolutionWorkflow extends DecisionHandlers {

  /** Workflow type. */
  String TYPE = "ClusterEvolution";

  /** The runbook's name in the registry, status and CLI. */
  String RUNBOOK = "cluster-evolution";

  /** Only one run per target: its workflow id is derived from the target. */
  static String workflowId(ClusterTarget target) {
    return RUNBOOK + "-" + target.idPart();
  }

  @WorkflowMethod(name = TYPE)
  EvolutionResult evolve(EvolutionRequest request);
}
