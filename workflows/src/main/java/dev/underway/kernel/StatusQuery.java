package dev.underway.kernel;

import io.temporal.workflow.QueryMethod;

/**
 * The query every runbook's workflow answers, the same for all: {@code status}. A runbook's
 * {@code @WorkflowInterface} extends this (or {@link DecisionHandlers}, which does).
 */
public interface StatusQuery {

  /** Query: {@link RunStatus}. */
  String QUERY_STATUS = "status";

  @QueryMethod(name = QUERY_STATUS)
  RunStatus status();
}
