package dev.underway.runbooks;

import io.temporal.client.WorkflowOptions;

/**
 * How every run is started (by {@code underway start}, {@code underway plan} and the sandbox):
 * its workflow id and task queue, and what the Temporal UI's Summary and Details panels say it
 * is before any query — the runbook and target, who asked, the change in one line. One place,
 * so that every way of starting a run shows the same.
 */
public final class RunStart {
  private RunStart() {}

  /**
   * @param how how it was started, e.g. {@code underway start}; shown in the details
   */
  public static <R> WorkflowOptions options(Runbook<R> runbook, R request, String workflowId,
      String taskQueue, String how) {
    return WorkflowOptions.newBuilder()
        .setWorkflowId(workflowId)
        .setTaskQueue(taskQueue)
        .setStaticSummary(summary(runbook, request))
        .setStaticDetails(details(runbook, request, how))
        .build();
  }

  /** {@code schema-change · db/orders (dry run) · requested by alice}: one line. */
  public static <R> String summary(Runbook<R> runbook, R request) {
    String by = runbook.requestedBy(request).orElse(null);
    return runbook.name() + " · " + runbook.targetKey(request)
        + (runbook.isDryRun(request) ? " (dry run: changes nothing)" : "")
        + (by == null ? "" : " · requested by " + by);
  }

  /** What the run is, in Markdown: runbook, target, requester, the change, how it started. */
  public static <R> String details(Runbook<R> runbook, R request, String how) {
    StringBuilder b = new StringBuilder()
        .append("**What:** ").append(literal(runbook.description())).append("\n\n")
        .append("- **Runbook:** `").append(runbook.name()).append("`\n")
        .append("- **Target:** `").append(runbook.targetKey(request)).append("`\n")
        .append("- **Requested by:** ").append(literal(runbook.requestedBy(request)
            .orElse("not said"))).append('\n');
    String change = runbook.change(request);
    if (change != null) {
      b.append("- **Change:** `").append(change.replace("`", "'")).append("`\n");
    }
    if (runbook.isDryRun(request)) {
      b.append("- **Dry run:** it observes and plans; nothing is changed\n");
    }
    b.append("- **Started with:** ").append(literal(how)).append("\n\n")
        .append("Where the run is, its progress and, while a gate is open, the gate card:"
            + " *Current Details* (User Metadata).");
    return b.toString();
  }

  private static String literal(String s) {
    return s.replaceAll("([\\\\`*_\\[\\]<>|#])", "\\\\$1");
  }
}
