package dev.underway.runbooks;

import java.util.List;
import java.util.stream.Collectors;

/**
 * Which runbooks a worker's activity implementations serve, and for each one they do not, the
 * activity interfaces nobody implements: the worker registers the first and says so about the
 * second.
 *
 * @param served the runbooks whose every activity interface is implemented
 * @param unserved the others, each with what is missing
 */
public record Coverage(List<Runbook<?>> served, List<Unserved> unserved) {

  /** A runbook these activities cannot run, and the interfaces none of them implements. */
  public record Unserved(Runbook<?> runbook, List<Class<?>> missing) {

    /** {@code SchemaChangeActivities, ...} */
    public String missingNames() {
      return missing.stream().map(Class::getSimpleName).collect(Collectors.joining(", "));
    }

    /** The worker's warning: names the runbook, its workflow type and what is missing. */
    public String sentence() {
      return "runbook " + runbook.name() + " is NOT served by this worker: no activity"
          + " implementation here implements " + missingNames() + " (" + missing.stream()
              .map(Class::getName).collect(Collectors.joining(", ")) + "), so its workflow "
          + runbook.workflowType() + " is not registered and its runs wait for a worker that"
          + " serves it";
    }
  }

  static Coverage of(List<Runbook<?>> runbooks, List<Object> activities) {
    List<Runbook<?>> served = runbooks.stream().filter(r -> r.servedBy(activities)).toList();
    List<Unserved> unserved = runbooks.stream().filter(r -> !r.servedBy(activities))
        .map(r -> new Unserved(r, r.missingActivities(activities))).toList();
    return new Coverage(served, unserved);
  }

  public List<String> servedNames() {
    return served.stream().map(Runbook::name).toList();
  }
}
