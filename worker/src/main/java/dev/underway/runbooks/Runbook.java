package dev.underway.runbooks;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.List;
import java.util.Optional;

/**
 * A runbook as the worker, the command line and the sandbox know it: its workflow, the request
 * it takes, the activities it needs, its example inputs. A new runbook is a new package in the
 * workflows module plus one implementation of this, listed in {@link Runbooks}.
 */
public interface Runbook {

  /** How operators name it ({@code --runbook cluster-evolution}); its workflow ids start so. */
  String name();

  /** The Temporal workflow type, e.g. {@code ClusterEvolution}. */
  String workflowType();

  /** One line for {@code underway runbooks}. */
  String description();

  /** Its {@code @WorkflowInterface}. */
  Class<?> workflowInterface();

  /**
   * A new workflow implementation, given the Temporal address operators use (gates print it in
   * their commands).
   */
  Object newWorkflow(String temporalAddress);

  /** The activity interfaces its workflow calls. */
  List<Class<?>> activityInterfaces();

  /** The workflow method's argument type. */
  Class<?> requestType();

  /** Every problem with a request, before anything is started; empty when it is fine. */
  List<String> problems(Object request);

  /**
   * The request with its requester set, when the runbook records one: {@code given} (the
   * command's --requested-by) if not null, else the request's own, else {@code currentUser}.
   */
  default Object withRequester(Object request, String given, String currentUser) {
    return request;
  }

  /** The target's key, e.g. {@code namespace/statefulSet}, for messages. */
  String targetKey(Object request);

  /** The workflow id a request runs under: one run per target. */
  String workflowId(Object request);

  /** The same request as a dry run (plans, changes nothing), when the runbook has one. */
  default Optional<Object> dryRun(Object request) {
    return Optional.empty();
  }

  /** What its dry run returns ({@code underway plan} reads it). */
  default Class<?> dryRunResultType() {
    return Object.class;
  }

  /** Example inputs, paths under {@code runbooks/}. */
  List<String> examples();

  /** Whether a JSON request looks like this runbook's (for commands given no --runbook). */
  boolean recognizes(JsonNode request);

  /** Whether a worker with these activity implementations can run this runbook. */
  default boolean servedBy(List<Object> activities) {
    return activityInterfaces().stream().allMatch(
        i -> activities.stream().anyMatch(i::isInstance));
  }

  /** Whether {@code workflowId} is one of this runbook's runs. */
  default boolean owns(String workflowId) {
    return workflowId != null && workflowId.startsWith(name() + "-");
  }
}
