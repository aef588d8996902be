package dev.underway.runbooks;

import com.fasterxml.jackson.databind.JsonNode;
import io.temporal.common.metadata.POJOActivityInterfaceMetadata;
import io.temporal.common.metadata.POJOActivityMethodMetadata;
import io.temporal.worker.Worker;
import io.temporal.worker.WorkflowImplementationOptions;
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

  public static final Runbook CLUSTER_EVOLUTION = new ClusterEvolutionRunbook();
  public static final Runbook DRIFT_CHECK = new DriftCheckRunbook();
  public static final Runbook SCHEMA_CHANGE = new SchemaChangeRunbook();

  public static final List<Runbook> ALL = List.of(CLUSTER_EVOLUTION, DRIFT_CHECK, SCHEMA_CHANGE);

  /** The runbook named {@code name}. */
  public static Optional<Runbook> named(String name) {
    return ALL.stream().filter(r -> r.name().equals(name)).findFirst();
  }

  /** The runbook whose workflow ids start like {@code workflowId}. */
  public static Optional<Runbook> owning(String workflowId) {
    return ALL.stream().filter(r -> r.owns(workflowId)).findFirst();
  }

  /** The runbooks a JSON request could be for. */
  public static List<Runbook> recognizing(JsonNode request) {
    return ALL.stream().filter(r -> r.recognizes(request)).toList();
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
   * Registers the workflow of every runbook these activities serve; returns their names.
   *
   * @param address the Temporal address this worker was given: gates print it in their
   *     commands when it is not the default, so that they reach this server
   */
  @SuppressWarnings({"unchecked", "rawtypes"})
  public static List<String> register(Worker worker, WorkflowImplementationOptions options,
      String address, List<Object> activities) {
    List<Runbook> served = ALL.stream().filter(r -> r.servedBy(activities)).toList();
    for (Runbook r : served) {
      worker.registerWorkflowImplementationFactory((Class) r.workflowInterface(),
          () -> r.newWorkflow(address), options);
    }
    List<String> names = served.stream().map(Runbook::name).toList();
    log.info("Serving runbooks {}", names);
    return names;
  }
}
