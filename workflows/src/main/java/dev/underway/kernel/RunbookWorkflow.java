package dev.underway.kernel;

import io.temporal.workflow.QueryMethod;

/** What every runbook's workflow answers: the {@code status} query, the same for all. */
public interface RunbookWorkflow {

  /** Query: {@link RunStatus}. */
  String QUERY_STATUS = "status";

  @QueryMethod(name = QUERY_STATUS)
  RunStatus status();
}
