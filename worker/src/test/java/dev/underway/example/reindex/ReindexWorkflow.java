package dev.underway.example.reindex;

import dev.underway.example.reindex.ReindexActivities.IndexState;
import dev.underway.kernel.DecisionHandlers;
import dev.underway.kernel.RunState;
import io.temporal.workflow.WorkflowInterface;
import io.temporal.workflow.WorkflowMethod;

/**
 * Rebuilds one PostgreSQL index with {@code REINDEX INDEX CONCURRENTLY} after a gate. Gates,
 * decisions and the status query are the kernel's ({@link DecisionHandlers}).
 */
@WorkflowInterface
public interface ReindexWorkflow extends DecisionHandlers {

  /** Workflow type. */
  String TYPE = "ReindexIndex";

  /** The runbook's name in the registry, status and CLI. */
  String RUNBOOK = "reindex-index";

  /** What a run returns: how it ended, the index before and after (null when not seen). */
  record ReindexResult(RunState state, String stoppedAt, String message, IndexState before,
      IndexState after) {}

  /** One run per index: its workflow id names the target and the index. */
  static String workflowId(ReindexRequest r) {
    return RUNBOOK + "-" + r.targetKey().replaceAll("[^A-Za-z0-9]+", "-") + "-" + r.index();
  }

  @WorkflowMethod(name = TYPE)
  ReindexResult reindex(ReindexRequest request);
}
