package dev.underway.runbooks;

import dev.underway.workflows.evolution.contract.DatabaseActivities;
import dev.underway.workflows.evolution.contract.PlatformActivities;
import dev.underway.workflows.drift.DriftCheckRequest;
import dev.underway.workflows.drift.DriftCheckWorkflow;
import dev.underway.workflows.drift.DriftCheckWorkflowImpl;
import dev.underway.workflows.drift.DriftRules;
import java.util.List;

/** {@code drift-check}: compares a cluster with its declared phase; observes only. */
final class DriftCheckRunbook implements Runbook<DriftCheckRequest> {

  @Override
  public String name() {
    return DriftCheckWorkflow.RUNBOOK;
  }

  @Override
  public String workflowType() {
    return DriftCheckWorkflow.TYPE;
  }

  @Override
  public String description() {
    return "compare a cluster with the phase it is declared to be at; observes only, meant for"
        + " a schedule (underway schedule create)";
  }

  @Override
  public Class<?> workflowInterface() {
    return DriftCheckWorkflow.class;
  }

  @Override
  public Object newWorkflow(String temporalAddress) {
    return new DriftCheckWorkflowImpl();
  }

  @Override
  public List<Class<?>> activityInterfaces() {
    return List.of(PlatformActivities.class, DatabaseActivities.class);
  }

  @Override
  public Class<DriftCheckRequest> requestType() {
    return DriftCheckRequest.class;
  }

  /** A request with the phase the cluster is {@code declared} to be at. */
  @Override
  public List<String> keyFields() {
    return List.of("declared");
  }

  @Override
  public List<String> problems(DriftCheckRequest request) {
    return DriftRules.problems(request);
  }

  @Override
  public String targetKey(DriftCheckRequest request) {
    return request.target().key();
  }

  /** A check started by hand: the schedule's id, as a schedule appends a time to it. */
  @Override
  public String workflowId(DriftCheckRequest request) {
    return DriftCheckWorkflow.scheduleId(request.target());
  }

  @Override
  public List<String> examples() {
    return List.of("drift-check/phase-1.json", "drift-check/sandbox-phase-0.json");
  }

  @Override
  public String onReject() {
    return "it has no gates: there is nothing to reject";
  }

  @Override
  public String onAbort() {
    return "it has no gates and changes nothing: there is nothing to abort (cancel it in"
        + " Temporal if it must stop)";
  }
}
