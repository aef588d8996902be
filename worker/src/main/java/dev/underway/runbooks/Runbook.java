package dev.underway.runbooks;

import java.util.List;
import java.util.Optional;

/**
 * A runbook as the worker, the command line and the sandbox know it: its workflow, the request
 * it takes (typed: {@code R}), the activities it needs, its example inputs. A new runbook is a
 * new package in the workflows module plus one implementation of this, listed in {@link
 * Runbooks}; it edits no other runbook.
 *
 * @param <R> the workflow method's argument type, its request
 */
public interface Runbook<R> {

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
  Class<R> requestType();

  /**
   * Its discriminator: the top-level fields that mark a JSON request as this runbook's when a
   * command is given no {@code --runbook} (a drift check's {@code declared}). A runbook with
   * none claims only requests whose every top-level field its {@link #requestType()} takes. How
   * claims are settled between runbooks: {@link RequestRecognition}.
   */
  List<String> keyFields();

  /** Every problem with a request, before anything is started; empty when it is fine. */
  List<String> problems(R request);

  /**
   * The request with its requester set, when the runbook records one: {@code given} (the
   * command's --requested-by) if not null, else the request's own, else {@code currentUser}.
   */
  default R withRequester(R request, String given, String currentUser) {
    return request;
  }

  /** Who asked for the run, when the runbook records it. */
  default Optional<String> requestedBy(R request) {
    return Optional.empty();
  }

  /** The target's key, e.g. {@code namespace/statefulSet}, for messages. */
  String targetKey(R request);

  /** The workflow id a request runs under: one run per target. */
  String workflowId(R request);

  /** The same request as a dry run (plans, changes nothing), when the runbook has one. */
  default Optional<R> dryRun(R request) {
    return Optional.empty();
  }

  /** Whether the request is a dry run. */
  default boolean isDryRun(R request) {
    return false;
  }

  /** What its dry run returns ({@code underway plan} reads it). */
  default Class<?> dryRunResultType() {
    return Object.class;
  }

  /** Example inputs, paths under {@code runbooks/}; none, one or several. */
  List<String> examples();

  /**
   * The activity interfaces its workflow calls that none of {@code activities} implements:
   * empty when a worker with these activity implementations can run it.
   */
  default List<Class<?>> missingActivities(List<Object> activities) {
    return activityInterfaces().stream()
        .filter(i -> activities.stream().noneMatch(i::isInstance)).toList();
  }

  /** Whether a worker with these activity implementations can run this runbook. */
  default boolean servedBy(List<Object> activities) {
    return missingActivities(activities).isEmpty();
  }

  /**
   * The Updates of its workflow meant for operators, besides the kernel's {@code decide}: what
   * {@code underway update} may send to its runs. None by default.
   */
  default List<OperatorUpdate> updates() {
    return List.of();
  }

  /** The declared Update named {@code name}, if there is one. */
  default Optional<OperatorUpdate> update(String name) {
    return updates().stream().filter(u -> u.name().equals(name)).findFirst();
  }

  /**
   * What a reject at one of its gates does, one sentence for {@code underway reject --help}
   * (lower case, no full stop). The default says what the kernel does for any runbook: the run
   * ends at that gate, and the undos it registered run.
   */
  default String onReject() {
    return hasGates() ? "the run ends at that gate; what it registered an undo for is undone,"
        + " the rest stays as it is" : "it has no gates: there is nothing to reject";
  }

  /** What an abort does, one sentence for {@code underway abort --help}; see {@link #onReject}. */
  default String onAbort() {
    return hasGates() ? "the run stops at the next step boundary (at once at a gate); what it"
        + " registered an undo for is undone, the rest stays as it is"
        : "it cannot be aborted: it has no gates and changes nothing";
  }

  /** Whether its workflow takes decisions (approve, reject, abort). */
  default boolean hasGates() {
    return dev.underway.kernel.DecisionHandlers.class.isAssignableFrom(workflowInterface());
  }

  /** Whether {@code workflowId} is one of this runbook's runs. */
  default boolean owns(String workflowId) {
    return workflowId != null && workflowId.startsWith(name() + "-");
  }

  /**
   * The change {@code request} asks for, in one line, for the run's static details (the UI's
   * Details panel); null when the runbook has none to say beyond its description.
   */
  default String change(R request) {
    return null;
  }
}
