package dev.underway.sandbox;

import dev.underway.kernel.DecisionHandlers;
import dev.underway.kernel.RunStatus;
import dev.underway.sandbox.engine.LocalCluster;
import dev.underway.sandbox.load.LoadGenerator;
import dev.underway.sandbox.load.Workload;
import dev.underway.sandbox.report.LoadReport;
import io.temporal.client.WorkflowClient;
import io.temporal.client.WorkflowStub;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;

/**
 * What the sandbox does for one runbook: the cluster it readies, the load's workload, the
 * activities its worker serves, how it starts the run and reads its end, what it checks at the
 * end and what its benchmark reports. The rest (Temporal, the load generator, gates at the prompt
 * or {@code --auto-approve}, the run's marks, the report) is the {@link Sandbox}'s, the same for
 * every scenario.
 */
public interface Scenario extends AutoCloseable {

  /** Readies a fresh Phase 0 cluster for this runbook (shape, data), before the load starts. */
  void prepare(LocalCluster<?> cluster, PrintWriter out) throws Exception;

  /**
   * The load started (before the run): a scenario that marks the load itself while the run goes
   * on (the schema change: its backfill's guard sampling a baseline) keeps it. Nothing by default.
   */
  default void loadStarted(LoadGenerator load) {}

  /** The load's workload; null: the load generator's key-value one. */
  Workload workload();

  /** One line saying what the load does, for the console. */
  String describeLoad(SandboxOptions options);

  /** The activities the sandbox's worker serves for the run. */
  List<Object> activities(LocalCluster<?> cluster, Duration pollInterval);

  /** Starts the run on {@code taskQueue}; its workflow id and a stub to watch and decide it. */
  Started start(WorkflowClient client, String taskQueue, String requestedBy);

  /** A started run. */
  record Started(String runId, String workflowType, DecisionHandlers run) {}

  /** The run's end, from its result or, when it has none, its last status. */
  RunEnd end(WorkflowStub run, RunStatus last);

  /**
   * After the run and its tail of load, while the load still runs: what the scenario's benchmark
   * needs to run under load (marking the load with its own phases).
   */
  void afterRun(LoadGenerator load, RunEnd end, PrintWriter out) throws Exception;

  /** After the load stopped: the scenario's own checks at the database. Null: none. */
  Check check(RunEnd end) throws Exception;

  /** Series for the report's timeline besides the load's own, offsets from {@code loadStart}. */
  List<LoadReport.Gauge> gauges(Instant loadStart);

  /**
   * Writes the benchmark of finished sandbox runs of this scenario ({@code --repeat}: one per
   * repetition, each a sandbox of its own) into {@code dir}; its text for the console.
   */
  String benchmark(List<Sandbox.Outcome> runs, Path dir) throws Exception;

  /** What the scenario checked at the end. */
  interface Check {
    boolean passed();

    String text();
  }

  @Override
  default void close() {}
}
