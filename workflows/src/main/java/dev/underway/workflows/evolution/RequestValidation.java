package dev.underway.workflows.evolution;

import dev.underway.kernel.ApprovalPolicy;
import dev.underway.kernel.ApprovalRules;
import dev.underway.kernel.RequestChecks;
import dev.underway.workflows.evolution.model.EvolutionRequest;
import dev.underway.workflows.evolution.model.Phase;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Checks a request before anything runs. Pure: no I/O, so the workflow calls it directly and the
 * CLI calls it before starting a run. Every problem is reported, not just the first, so an
 * operator fixes the input once.
 */
public final class RequestValidation {
  private RequestValidation() {}

  /** Where unknown fields point the operator. */
  private static final String GUIDE = "runbooks/cluster-evolution.md";
  /** Gate ids are phase names, typed by operators. */
  private static final Pattern PHASE_NAME = Pattern.compile("[a-z0-9]([-a-z0-9_.]{0,62})?");

  /** More nodes than this in one phase is refused as a probable typo. */
  public static final int MAX_NODES = 100;

  /**
   * The rules in force. Runs started before a rule existed replay with the rules they started
   * under ({@link #problems(EvolutionRequest, int)}), so their recorded histories stay valid.
   */
  public static final int CURRENT_RULES = 1;

  /** Every problem with the request, in words an operator understands; empty when it is fine. */
  public static List<String> problems(EvolutionRequest request) {
    return problems(request, CURRENT_RULES);
  }

  /**
   * Every problem under the rules of version {@code rules}: 0 is the first release's; 1 adds the
   * refusal of an explicit empty {@code approvers} list, a {@code gateExpiry} beyond {@link
   * ApprovalRules#MAX_GATE_EXPIRY}, a {@code decisionValidity} that is not a positive duration
   * up to {@link ApprovalRules#MAX_DECISION_VALIDITY}, an impossible {@code requiredApprovals},
   * and more than {@link #MAX_NODES} nodes.
   */
  public static List<String> problems(EvolutionRequest request, int rules) {
    List<String> problems = new ArrayList<>();
    if (request == null) {
      problems.add("the request is empty: give at least a target");
      return problems;
    }
    unknown("request", request.unknownFields(), problems);
    ClusterTargetChecks.check(request.target(), GUIDE, problems);
    phases(request.phases(), rules, problems);
    approval(request.approval(), request.requestedBy(), rules, problems);
    if (request.requestedBy() != null && request.requestedBy().isBlank()) {
      problems.add("requestedBy is blank: name who asks for this run, or leave it out");
    }
    return problems;
  }

  private static void phases(List<Phase> phases, int rules, List<String> problems) {
    if (phases == null) {
      return; // the defaults
    }
    if (phases.isEmpty()) {
      problems.add("phases is empty: leave it out for the default three phases, or list them");
      return;
    }
    Set<String> names = new HashSet<>();
    Phase previous = null;
    for (int i = 0; i < phases.size(); i++) {
      Phase p = phases.get(i);
      String where = "phases[" + i + "]";
      if (p == null) {
        problems.add(where + " is empty");
        continue;
      }
      String listed = where;
      if (p.name() != null && !p.name().isBlank()) {
        where = "phase '" + p.name() + "'";
      }
      unknown(listed, p.unknownFields(), problems, "nodes", "replicationFactor");
      if (p.name() == null || p.name().isBlank()) {
        problems.add(where + ".name is missing");
      } else {
        if (!PHASE_NAME.matcher(p.name()).matches()) {
          problems.add(where + ": name must be lower case letters, digits, '-', '_' or '.'"
              + " (it is the gate id operators type)");
        }
        if (!names.add(p.name())) {
          problems.add(where + " appears twice: phase names are gate ids and must be unique");
        }
      }
      boolean complete = true;
      if (p.nodes() == null) {
        if (!p.unknownFields().containsKey("nodes")) {
          problems.add(where + ": nodes is missing");
        }
        complete = false;
      } else if (p.nodes() < 1) {
        problems.add(where + ": nodes is " + p.nodes() + ", must be at least 1");
        complete = false;
      } else if (rules >= 1 && p.nodes() > MAX_NODES) {
        problems.add(where + ": nodes is " + p.nodes() + ", more than Underway's limit of "
            + MAX_NODES + " per phase: probably a typo");
        complete = false;
      }
      if (p.replicationFactor() == null) {
        if (!p.unknownFields().containsKey("replicationFactor")) {
          problems.add(where + ": replicationFactor is missing");
        }
        complete = false;
      } else if (p.replicationFactor() < 1) {
        problems.add(where + ": replicationFactor is " + p.replicationFactor()
            + ", must be at least 1");
        complete = false;
      }
      if (!complete) {
        continue;
      }
      if (p.replicationFactor() > p.nodes()) {
        problems.add(where + ": replicationFactor " + p.replicationFactor() + " is larger than its "
            + p.nodes() + " node(s): a range cannot have more replicas than there are nodes");
      }
      if (previous != null) {
        if (p.nodes() < previous.nodes()) {
          problems.add(where + " shrinks nodes from " + previous.nodes() + " to " + p.nodes()
              + ": Underway never scales down (that needs cockroach node decommission first)");
        }
        if (p.replicationFactor() < previous.replicationFactor()) {
          problems.add(where + " lowers the replication factor from "
              + previous.replicationFactor() + " to " + p.replicationFactor()
              + ": Underway never removes replicas");
        }
        if (previous.wantsReaderPath() && !p.wantsReaderPath()) {
          problems.add(where + " removes the reader path: Underway never drops a user or a"
              + " Service");
        }
      }
      previous = p;
    }
  }

  private static void approval(ApprovalPolicy a, String requestedBy, int rules,
      List<String> problems) {
    if (a == null) {
      return;
    }
    unknown("approval", a.unknownFields(), problems, "requiredApprovals");
    ApprovalRules.check(a, requestedBy, rules, problems);
  }

  /** The gate expiry, or null when gates wait indefinitely. Call after {@link #problems}. */
  public static Duration gateExpiry(ApprovalPolicy policy) {
    return ApprovalRules.gateExpiry(policy);
  }

  private static void unknown(String where, Map<String, Object> unknown, List<String> problems,
      String... wholeNumberFields) {
    RequestChecks.unknown(where, unknown, problems, GUIDE, wholeNumberFields);
  }
}
