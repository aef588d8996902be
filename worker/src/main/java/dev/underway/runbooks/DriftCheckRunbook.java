package dev.underway.runbooks;

import com.fasterxml.jackson.databind.JsonNode;
import dev.underway.workflows.evolution.contract.DatabaseActivities;
import dev.underway.workflows.evolution.contract.PlatformActivities;
import dev.underway.workflows.drift.DriftCheckRequest;
import dev.underway.workflows.drift.DriftCheckWorkflow;
import dev.underway.workflows.drift.DriftCheckWorkflowImpl;
import dev.underway.workflows.drift.DriftRules;
import java.util.List;

/** {@code drift-check}: compares a cluster with its declared phase; observes only. */
final class DriftCheckRunbook implements Runbook {

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
  public Class<?> requestType() {
    return DriftCheckRequest.class;
  }

  @Override
  public List<String> problems(Object request) {
    return DriftRules.problems((DriftCheckRequest) request);
  }

  @Override
  public String targetKey(Object request) {
    return ((DriftCheckRequest) request).target().key();
  }

  /** A check started by hand: the schedule's id, as a schedule appends a time to it. */
  @Override
  public String workflowId(Object request) {
    return DriftCheckWorkflow.scheduleId(((DriftCheckRequest) request).target());
  }

  @Override
  public List<String> examples() {
    return List.of("drift-check/phase-1.json", "drift-check/sandbox-phase-0.json");
  }

  @Override
  public boolean recognizes(JsonNode request) {
    return request.has("declared");
  }
}
