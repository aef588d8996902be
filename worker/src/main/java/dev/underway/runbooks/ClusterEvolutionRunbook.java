package dev.underway.runbooks;

import dev.underway.workflows.evolution.contract.DatabaseActivities;
import dev.underway.workflows.evolution.contract.PlatformActivities;
import dev.underway.workflows.evolution.model.EvolutionRequest;
import dev.underway.workflows.evolution.ClusterEvolutionWorkflow;
import dev.underway.workflows.evolution.ClusterEvolutionWorkflowImpl;
import dev.underway.workflows.evolution.RequestValidation;
import java.util.List;
import java.util.Optional;

/** {@code cluster-evolution}: a CockroachDB cluster through phases, a gate before each. */
final class ClusterEvolutionRunbook implements Runbook<EvolutionRequest> {

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
  public Class<EvolutionRequest> requestType() {
    return EvolutionRequest.class;
  }

  /**
   * None: its request has no field of its own that others lack, so it claims the requests whose
   * every field is one of {@link EvolutionRequest}'s (target, phases, approval, dryRun,
   * requestedBy).
   */
  @Override
  public List<String> keyFields() {
    return List.of();
  }

  @Override
  public List<String> problems(EvolutionRequest request) {
    return RequestValidation.problems(request);
  }

  @Override
  public EvolutionRequest withRequester(EvolutionRequest r, String given, String currentUser) {
    String by = given != null ? given : r.requestedBy() != null ? r.requestedBy() : currentUser;
    return new EvolutionRequest(r.target(), r.phases(), r.approval(), r.dryRun(), by,
        r.unknownFields());
  }

  @Override
  public Optional<String> requestedBy(EvolutionRequest request) {
    return Optional.ofNullable(request.requestedBy());
  }

  @Override
  public String targetKey(EvolutionRequest request) {
    return request.target().key();
  }

  @Override
  public String workflowId(EvolutionRequest request) {
    return ClusterEvolutionWorkflow.workflowId(request.target());
  }

  @Override
  public Optional<EvolutionRequest> dryRun(EvolutionRequest request) {
    return Optional.of(request.withDryRun(true));
  }

  @Override
  public boolean isDryRun(EvolutionRequest request) {
    return request.isDryRun();
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

  /** {@code phase-1: 2 node(s), RF 2, reader path; phase-2: 3 node(s), RF 3}. */
  @Override
  public String change(EvolutionRequest request) {
    return String.join("; ", request.phasesOrDefault().stream().map(p -> p.name() + ": "
        + (p.nodes() == null ? "" : p.nodes() + " node(s)")
        + (p.replicationFactor() == null ? "" : ", RF " + p.replicationFactor())
        + (Boolean.TRUE.equals(p.readerPath()) ? ", reader path" : "")).toList());
  }

  @Override
  public String onReject() {
    return "the run ends at that gate: nothing in that phase was changed, earlier phases stay"
        + " done, nothing is rolled back";
  }

  @Override
  public String onAbort() {
    return "the run stops at once (a running step is cancelled, even while retried); steps"
        + " already done stay done, nothing is rolled back";
  }
}
