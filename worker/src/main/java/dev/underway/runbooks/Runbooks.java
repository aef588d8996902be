package dev.underway.runbooks;

import com.fasterxml.jackson.databind.JsonNode;
import dev.underway.workflows.drift.DriftCheckRequest;
import dev.underway.workflows.evolution.model.EvolutionRequest;
import dev.underway.workflows.schema.SchemaChangeRequest;
import io.temporal.common.metadata.POJOActivityInterfaceMetadata;
import io.temporal.common.metadata.POJOActivityMethodMetadata;
import io.temporal.worker.Worker;
import io.temporal.worker.WorkflowImplementationOptions;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Every runbook Underway has, shared by the worker (which workflows to register), the command
 * line ({@code underway runbooks}, {@code start --runbook}) and the sandbox.
 */
public final class Runbooks {
  private Runbooks() {}

  private static final Logger log = LoggerFactory.getLogger(Runbooks.class);

  public static final Runbook<EvolutionRequest> CLUSTER_EVOLUTION =
      new ClusterEvolutionRunbook();
  public static final Runbook<DriftCheckRequest> DRIFT_CHECK = new DriftCheckRunbook();
  public static final Runbook<SchemaChangeRequest> SCHEMA_CHANGE = new SchemaChangeRunbook();

  public static final List<Runbook<?>> ALL = List.of(CLUSTER_EVOLUTION, DRIFT_CHECK,
      SCHEMA_CHANGE);

  /**
   * {@link #ALL} and {@code extra} after it: a registry with runbooks the worker does not ship,
   * for {@link #register(List, Worker, WorkflowImplementationOptions, String, List)} and {@link
   * RequestRecognition#recognize} (the example runbook of the tests). {@link #ALL} is unchanged.
   *
   * @throws IllegalArgumentException when one of {@code extra} takes a name already taken
   */
  public static List<Runbook<?>> with(Runbook<?>... extra) {
    List<Runbook<?>> all = new ArrayList<>(ALL);
    for (Runbook<?> r : extra) {
      if (all.stream().anyMatch(known -> known.name().equals(r.name()))) {
        throw new IllegalArgumentException("runbook " + r.name() + " is already registered");
      }
      all.add(r);
    }
    return List.copyOf(all);
  }

  /** The runbook named {@code name}. */
  public static Optional<Runbook<?>> named(String name) {
    return ALL.stream().filter(r -> r.name().equals(name)).findFirst();
  }

  /** The runbook whose workflow ids start like {@code workflowId}. */
  public static Optional<Runbook<?>> owning(String workflowId) {
    return ALL.stream().filter(r -> r.owns(workflowId)).findFirst();
  }

  /**
   * The runbook a JSON request given without {@code --runbook} is for (see {@link
   * RequestRecognition}); throws {@link RequestRecognition.Unrecognized} when none or several.
   */
  public static RequestRecognition.Recognized recognize(JsonNode request) {
    return RequestRecognition.recognize(request, ALL);
  }

  public static List<String> names() {
    return ALL.stream().map(Runbook::name).toList();
  }

  /**
   * Every activity type the runbooks' workflows schedule (e.g. {@code SchemaChange.Backfill}),
   * named as Temporal names them, sorted, each once: what the worker's per-type options (its
   * {@code --heartbeat-timeout}) must cover, a new runbook's included.
   */
  public static List<String> activityTypes() {
    return ALL.stream().flatMap(r -> r.activityInterfaces().stream()).distinct()
        .flatMap(i -> POJOActivityInterfaceMetadata.newInstance(i).getMethodsMetadata().stream())
        .map(POJOActivityMethodMetadata::getActivityTypeName)
        .distinct().sorted().toList();
  }

  /**
   * Registers the workflow of every runbook these activities serve, and the kernel's own
   * activity every runbook with gates uses ({@link HistorySenders}: who sent a decision). The
   * caller says what it lacks for the others ({@link Coverage#unserved()}): a run of one of
   * them on this task queue waits until a worker that serves it polls there.
   *
   * @param address the Temporal address this worker was given: gates print it in their
   *     commands when it is not the default, so that they reach this server
   * @return which runbooks are served and which are not
   */
  public static Coverage register(Worker worker, WorkflowImplementationOptions options,
      String address, List<Object> activities) {
    return register(ALL, worker, options, address, activities);
  }

  /** As {@link #register(Worker, WorkflowImplementationOptions, String, List)}, of these. */
  @SuppressWarnings({"unchecked", "rawtypes"})
  public static Coverage register(List<Runbook<?>> runbooks, Worker worker,
      WorkflowImplementationOptions options, String address, List<Object> activities) {
    Coverage coverage = Coverage.of(runbooks, activities);
    for (Runbook<?> r : coverage.served()) {
      worker.registerWorkflowImplementationFactory((Class) r.workflowInterface(),
          () -> r.newWorkflow(address), options);
    }
    worker.registerActivitiesImplementations(new HistorySenders());
    log.info("Serving runbooks {} on task queue {}", coverage.servedNames(),
        worker.getTaskQueue());
    return coverage;
  }
}
