package dev.underway.runbooks;

import com.fasterxml.jackson.databind.JsonNode;
import dev.underway.workflows.evolution.contract.DatabaseActivities;
import dev.underway.workflows.evolution.contract.PlatformActivities;
import dev.underway.workflows.evolution.model.EvolutionRequest;
import dev.underway.workflows.evolution.ClusterEvolutionWorkflow;
import dev.underway.workflows.evolution.ClusterEvolutionWorkflowImpl;
import dev.underway.workflows.evolution.RequestValidation;
import java.util.List;
import java.util.Optional;

/** {@code cluster-evolution}: a CockroachDB cluster through phases, a gate before each. */
final class ClusterEvolutionRunbook implements Runbook {

  @Override
  public String name() {
    return ClusterEvolutionWorkflow.RUNBOOK;
  }

  @Override
  public String workflowType() {
    return ClusterEvolutionWorkflow.TYPE;
  }

  @Override
  public String description() {
    return "evolve a CockroachDB cluster through phases (nodes, replication factor, reader"
        + " path), a gate before each change";
  }

  @Override
  public Class<?> workflowInterface() {
    return ClusterEvolutionWorkflow.class;
  }

  @Override
  public Object newWorkflow(String temporalAddress) {
    return new ClusterEvolutionWorkflowImpl(temporalAddress);
  }

  @Override
  public List<Class<?>> activityInterfaces() {
    return List.of(PlatformActivities.class, DatabaseActivities.class);
  }

  @Override
  public Class<?> requestType() {
    return EvolutionRequest.class;
  }

  @Override
  public List<String> problems(Object request) {
    return RequestValidation.problems((EvolutionRequest) request);
  }

  @Override
  public Object withRequester(Object request, String given, String currentUser) {
    EvolutionRequest r = (EvolutionRequest) request;
    String by = given != null ? given : r.requestedBy() != null ? r.requestedBy() : currentUser;
    return new EvolutionRequest(r.target(), r.phases(), r.approval(), r.dryRun(), by,
        r.unknownFields());
  }

  @Override
  public String targetKey(Object request) {
    return ((EvolutionRequest) request).target().key();
  }

  @Override
  public String workflowId(Object request) {
    return ClusterEvolutionWorkflow.workflowId(((EvolutionRequest) request).target());
  }

  @Override
  public Optional<Object> dryRun(Object request) {
    return Optional.of(((EvolutionRequest) request).withDryRun(true));
  }

  @Override
  public Class<?> dryRunResultType() {
    return dev.underway.workflows.evolution.model.EvolutionResult.class;
  }

  @Override
  public List<String> examples() {
    return List.of("cluster-evolution/evolve.json", "cluster-evolution/plan.json",
        "cluster-evolution/custom-phases.json");
  }

  @Override
  public boolean recognizes(JsonNode request) {
    return !request.has("declared") && !request.has("change"); // the default runbook
  }
}
