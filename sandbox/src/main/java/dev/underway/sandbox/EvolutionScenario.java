package dev.underway.sandbox;

import dev.underway.kernel.RunStatus;
import dev.underway.workflows.evolution.model.EvolutionRequest;
import dev.underway.workflows.evolution.model.EvolutionResult;
import dev.underway.runbooks.Runbook;
import dev.underway.runbooks.RunStart;
import dev.underway.runbooks.Runbooks;
import dev.underway.sandbox.engine.LocalCluster;
import dev.underway.sandbox.load.LoadGenerator;
import dev.underway.sandbox.load.Workload;
import dev.underway.sandbox.report.LoadReport;
import dev.underway.worker.Outcomes;
import dev.underway.workflows.evolution.ClusterEvolutionWorkflow;
import io.temporal.client.WorkflowClient;
import io.temporal.client.WorkflowStub;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;

/**
 * The {@code cluster-evolution} scenario: the local cluster at Phase 0, the key-value load, and
 * a {@code ClusterEvolution} run against it to Phase 2.
 */
final class EvolutionScenario implements Scenario {

  @Override
  public void prepare(LocalCluster<?> cluster, PrintWriter out) throws Exception {
    // Phase 0 as the reference deployment has it (manifests/cockroachdb/base/pdb.yaml): one
    // node, RF 1, disruptions held at maxUnavailable 0. Phase 0 then needs no gate.
    cluster.setDisruptionBudget(0);
  }

  @Override
  public Workload workload() {
    return null;
  }

  @Override
  public String describeLoad(SandboxOptions options) {
    return "Load: " + options.rate() + " ops/s target, " + options.concurrency()
        + " threads, " + options.writePercent() + "% writes; reads move to the reader path"
        + " once it exists";
  }

  @Override
  public List<Object> activities(LocalCluster<?> cluster, Duration pollInterval) {
    return cluster.activities(pollInterval);
  }

  @Override
  public Started start(WorkflowClient client, String taskQueue, String requestedBy) {
    Runbook<EvolutionRequest> runbook = Runbooks.CLUSTER_EVOLUTION;
    EvolutionRequest request = new EvolutionRequest(Sandbox.TARGET, null, null, false,
        requestedBy);
    String runId = runbook.workflowId(request);
    ClusterEvolutionWorkflow stub = client.newWorkflowStub(ClusterEvolutionWorkflow.class,
        RunStart.options(runbook, request, runId, taskQueue, "underway sandbox"));
    WorkflowClient.start(stub::evolve, request);
    return new Started(runId, runbook.workflowType(),
        client.newWorkflowStub(ClusterEvolutionWorkflow.class, runId));
  }

  @Override
  public RunEnd end(WorkflowStub run, RunStatus s) {
    EvolutionResult result;
    try {
      result = Outcomes.of(run, EvolutionResult.class);
    } catch (RuntimeException e) {
      result = new EvolutionResult(RunEnd.endedAs(run, s.state()),
          s.currentPhase() + "/" + s.currentStep(),
          s.message(), List.of(), List.of(), s.decisions());
    }
    return new RunEnd(result.state(), result.message(), result);
  }

  @Override
  public void afterRun(LoadGenerator load, RunEnd end, PrintWriter out) {}

  @Override
  public Check check(RunEnd end) {
    return null;
  }

  @Override
  public List<LoadReport.Gauge> gauges(Instant loadStart) {
    return List.of();
  }

  @Override
  public String benchmark(List<Sandbox.Outcome> runs, Path dir) throws Exception {
    Benchmark b = Benchmark.of(runs);
    return b.text() + "Benchmark: " + b.write(dir) + "\n";
  }
}
