package dev.underway.kernel;

/**
 * What the kernel needs of a request before it validates it.
 *
 * @param targetKey the target as the request names it; null when it names none
 * @param approval who may decide; null for anyone
 * @param requestedBy who asked; null when unknown
 * @param dryRun whether the run only plans
 * @param sequence the command sequence the run follows ({@link Sequence#VIEW} for a new runbook
 *     with gates, {@link Sequence#WITHOUT_GATES} for one without)
 */
public record RunSetup(String targetKey, ApprovalPolicy approval, String requestedBy,
    boolean dryRun, Sequence sequence) {}
