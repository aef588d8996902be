package dev.underway.workflows.drift;

import dev.underway.workflows.evolution.model.ClusterObservation;
import dev.underway.workflows.evolution.model.DatabaseState;
import dev.underway.workflows.evolution.model.EvolutionRequest;
import dev.underway.workflows.evolution.model.Phase;
import dev.underway.workflows.evolution.model.PlatformState;
import dev.underway.workflows.evolution.model.ClusterTarget;
import dev.underway.workflows.evolution.model.ZoneReplication;
import dev.underway.workflows.evolution.Planner;
import dev.underway.workflows.evolution.RequestValidation;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;

/**
 * What a drift check validates and compares. Pure and deterministic: the workflow calls it
 * directly, the CLI calls it before creating a schedule, tests call it without Temporal.
 */
public final class DriftRules {
  private DriftRules() {}

  /** Every problem with the request, in words an operator understands; empty when it is fine. */
  public static List<String> problems(DriftCheckRequest request) {
    List<String> problems = new ArrayList<>();
    if (request == null) {
      problems.add("the request is empty: give a target and the declared phase");
      return problems;
    }
    if (!request.unknownFields().isEmpty()) {
      problems.add("request has unknown field(s) " + request.unknownFields().keySet().stream()
          .sorted().toList() + ": a drift check takes only 'target' and 'declared' (see"
          + " runbooks/drift-check.md)");
    }
    if (request.declared() == null) {
      problems.add("declared is missing: name the phase the target is declared to be at, e.g."
          + " {\"name\":\"phase-0\",\"nodes\":1,\"replicationFactor\":1,\"readerPath\":false}");
    }
    // The same rules as a ClusterEvolution request with that one phase.
    List<String> same = RequestValidation.problems(new EvolutionRequest(request.target(),
        request.declared() == null ? null : List.of(request.declared()), null, false, null));
    for (String p : same) {
      problems.add(p.replace("phases[0]", "declared"));
    }
    if (request.declared() != null && request.declared().readerPath() == null) {
      problems.add("declared.readerPath is missing: say true or false, so a reader path that"
          + " should (or should not) be there is reported");
    }
    return problems;
  }

  /**
   * Every way the observed cluster differs from the declared phase: fewer or more nodes, a
   * different replication factor on any zone, a missing or unexpected reader path, a missing or
   * different disruption budget. Empty when there is no drift.
   */
  public static List<String> drift(ClusterTarget target, ClusterObservation observed, Phase declared) {
    List<String> found = new ArrayList<>(Planner.discrepancies(target, observed, declared));
    PlatformState platform = observed.platform();
    DatabaseState database = observed.database();
    String phase = declared.name();
    if (database.liveNodes() > declared.nodes()) {
      found.add(database.liveNodes() + " nodes are live, " + phase + " declares "
          + declared.nodes());
    }
    if (!declared.wantsReaderPath() && platform.readerServiceExists()) {
      found.add("reader Service " + target.readerServiceOrDefault() + " exists but " + phase
          + " declares no reader path");
    }
    if (!declared.wantsReaderPath() && database.readerUserExists()) {
      found.add("read-only user " + target.readerUserOrDefault() + " exists but " + phase
          + " declares no reader path");
    }
    int rf = declared.replicationFactor();
    int budget = Planner.settledDisruptionBudget(rf);
    Integer actual = platform.disruptionBudgetMaxUnavailable();
    String pdb = "PodDisruptionBudget " + target.namespace() + "/" + target.disruptionBudgetName();
    String why = budget == 0 ? " (RF " + rf + " cannot lose a replica)"
        : " (RF " + rf + " survives one node being drained)";
    if (actual == null) {
      found.add(pdb + " is missing, " + phase + " wants maxUnavailable " + budget + why);
    } else if (actual != budget) {
      found.add(pdb + " has maxUnavailable " + actual + ", " + phase + " wants " + budget + why);
    }
    return found;
  }

  /** The observation in one line. */
  public static String summary(ClusterObservation observed) {
    PlatformState p = observed.platform();
    DatabaseState d = observed.database();
    StringBuilder s = new StringBuilder();
    s.append(p.desiredNodes()).append(" node(s) (").append(p.readyNodes()).append(" ready, ")
        .append(d.liveNodes()).append(" live), ");
    List<Integer> factors = d.zones().stream().map(ZoneReplication::numReplicas).distinct()
        .toList();
    if (factors.size() == 1) {
      s.append("num_replicas ").append(factors.get(0)).append(" on ").append(d.zones().size())
          .append(" zone(s)");
    } else if (factors.isEmpty()) {
      s.append("no zone configuration");
    } else {
      s.append("num_replicas ").append(d.zones().stream()
          .map(z -> z.target() + "=" + z.numReplicas()).collect(Collectors.joining(", ")));
    }
    s.append(", reader Service ").append(p.readerServiceExists() ? "present" : "absent")
        .append(", read-only user ").append(d.readerUserExists() ? "present" : "absent")
        .append(", disruption budget ").append(p.disruptionBudgetMaxUnavailable() == null
            ? "absent" : "maxUnavailable " + p.disruptionBudgetMaxUnavailable());
    if (d.version() != null) {
      s.append(", ").append(d.version());
    }
    return s.toString();
  }
}
