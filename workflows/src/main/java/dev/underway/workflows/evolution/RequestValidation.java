package dev.underway.workflows.evolution;

import dev.underway.kernel.ApprovalPolicy;
import dev.underway.kernel.ApprovalRules;
import dev.underway.kernel.RequestChecks;
import dev.underway.workflows.evolution.model.EvolutionRequest;
import dev.underway.workflows.evolution.model.Phase;
import dev.underway.workflows.evolution.model.TargetRef;
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

  /** RFC 1123 label: Kubernetes namespaces and Service names. */
  private static final Pattern DNS_LABEL = Pattern.compile("[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?");
  /** RFC 1123 subdomain: StatefulSet and Secret names. */
  private static final Pattern DNS_SUBDOMAIN =
      Pattern.compile("(?=.{1,253}$)[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*");
  /** SQL identifiers Underway accepts unquoted: lower case, digits, underscore. */
  private static final Pattern SQL_NAME = Pattern.compile("[a-z_][a-z0-9_]{0,62}");
  /** Gate ids are phase names, typed by operators. */
  private static final Pattern PHASE_NAME = Pattern.compile("[a-z0-9]([-a-z0-9_.]{0,62})?");

  /** The JDBC {@code sslmode}s there are: the one list, which the activities check too. */
  public static final Set<String> SSL_MODES =
      Set.of("disable", "allow", "prefer", "require", "verify-ca", "verify-full");

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
    target(request.target(), problems);
    phases(request.phases(), rules, problems);
    approval(request.approval(), request.requestedBy(), rules, problems);
    if (request.requestedBy() != null && request.requestedBy().isBlank()) {
      problems.add("requestedBy is blank: name who asks for this run, or leave it out");
    }
    return problems;
  }

  private static void target(TargetRef t, List<String> problems) {
    if (t == null) {
      problems.add("target is missing: name namespace, statefulSet, publicService and database");
      return;
    }
    if (t.unknownFields().containsKey("kind")) {
      problems.add("target.kind '" + t.unknownFields().get("kind") + "' is not one of kubernetes,"
          + " local");
    }
    Map<String, Object> unknown = new java.util.LinkedHashMap<>(t.unknownFields());
    unknown.remove("kind");
    unknown("target", unknown, problems, "sqlPort");
    if (t.isLocal()) {
      required("target.name", t.name(), DNS_LABEL, "a local cluster's name", problems);
      for (var k8s : new String[][] {{"namespace", t.namespace()},
          {"statefulSet", t.statefulSet()}, {"publicService", t.publicService()},
          {"readerService", t.readerService()}, {"credentialsSecret", t.credentialsSecret()}}) {
        if (k8s[1] != null) {
          problems.add("target." + k8s[0] + " does not apply to a local target (kind local): leave"
              + " it out");
        }
      }
    } else {
      required("target.namespace", t.namespace(), DNS_LABEL, "a Kubernetes namespace", problems);
      required("target.statefulSet", t.statefulSet(), DNS_LABEL, "a StatefulSet name", problems);
      required("target.publicService", t.publicService(), DNS_LABEL, "a Service name", problems);
      optional("target.readerService", t.readerService(), DNS_LABEL, "a Service name", problems);
      optional("target.credentialsSecret", t.credentialsSecret(), DNS_SUBDOMAIN, "a Secret name",
          problems);
      if (t.name() != null) {
        problems.add("target.name names a local cluster: a Kubernetes target is named by"
            + " namespace and statefulSet (or set kind: local)");
      }
    }
    required("target.database", t.database(), SQL_NAME, "a SQL database name", problems);
    optional("target.readerUser", t.readerUser(), SQL_NAME, "a SQL user name", problems);
    tableOwners(t, problems);
    ReaderNames.check(t, problems);
    optional("target.sqlHost", t.sqlHost(), Pattern.compile("[A-Za-z0-9.:\\[\\]-]{1,253}"),
        "a host name or address", problems);
    if (t.sqlPort() != null && (t.sqlPort() < 1 || t.sqlPort() > 65535)) {
      problems.add("target.sqlPort " + t.sqlPort() + " is not a TCP port (1-65535)");
    }
    if (t.sslMode() != null && !SSL_MODES.contains(t.sslMode())) {
      problems.add("target.sslMode '" + t.sslMode() + "' is not one of " + sorted(SSL_MODES));
    }
    if (t.readerService() != null && t.readerService().equals(t.publicService())) {
      problems.add("target.readerService must differ from target.publicService: the reader path"
          + " is a separate Service");
    }
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
    RequestChecks.unknown(where, unknown, problems, "runbooks/cluster-evolution.md",
        wholeNumberFields);
  }

  /** At most this many {@code target.tableOwners}. */
  static final int MAX_TABLE_OWNERS = 32;

  private static void tableOwners(TargetRef t, List<String> problems) {
    List<String> owners = t.tableOwnersOrEmpty();
    if (owners.size() > MAX_TABLE_OWNERS) {
      problems.add("target.tableOwners names " + owners.size() + " roles; at most "
          + MAX_TABLE_OWNERS);
      return;
    }
    Set<String> seen = new HashSet<>();
    for (int i = 0; i < owners.size(); i++) {
      String owner = owners.get(i);
      required("target.tableOwners[" + i + "]", owner, SQL_NAME, "a SQL role name", problems);
      if (owner == null) {
        continue;
      }
      if (!seen.add(owner)) {
        problems.add("target.tableOwners names '" + owner + "' twice");
      } else if (owner.equals(t.readerUserOrDefault())) {
        problems.add("target.tableOwners names the reader user '" + owner
            + "': the reader must not own tables");
      }
    }
  }

  private static void required(
      String field, String value, Pattern pattern, String what, List<String> problems) {
    RequestChecks.required(field, value, pattern, what, problems);
  }

  private static void optional(
      String field, String value, Pattern pattern, String what, List<String> problems) {
    RequestChecks.optional(field, value, pattern, what, problems);
  }

  private static List<String> sorted(Set<String> values) {
    return values.stream().sorted().toList();
  }
}
