package dev.underway.example.reindex;

import dev.underway.runbooks.Runbook;
import java.util.List;

/** {@code reindex-index} as the registry knows it: a request with an {@code index} is its own. */
public class ReindexRunbook implements Runbook<ReindexRequest> {

  @Override
  public String name() {
    return ReindexWorkflow.RUNBOOK;
  }

  @Override
  public String workflowType() {
    return ReindexWorkflow.TYPE;
  }

  @Override
  public String description() {
    return "rebuild one PostgreSQL index with REINDEX INDEX CONCURRENTLY, after a gate";
  }

  @Override
  public Class<?> workflowInterface() {
    return ReindexWorkflow.class;
  }

  @Override
  public Object newWorkflow(String temporalAddress) {
    return new ReindexWorkflowImpl(temporalAddress);
  }

  @Override
  public List<Class<?>> activityInterfaces() {
    return List.of(ReindexActivities.class);
  }

  @Override
  public Class<ReindexRequest> requestType() {
    return ReindexRequest.class;
  }

  @Override
  public List<String> keyFields() {
    return List.of("index");
  }

  @Override
  public List<String> problems(ReindexRequest request) {
    return ReindexRequest.problems(request);
  }

  @Override
  public String targetKey(ReindexRequest request) {
    return request.targetKey();
  }

  @Override
  public String workflowId(ReindexRequest request) {
    return ReindexWorkflow.workflowId(request);
  }

  @Override
  public List<String> examples() {
    return List.of();
  }
}
