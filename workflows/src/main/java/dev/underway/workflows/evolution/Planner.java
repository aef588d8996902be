package dev.underway.workflows.evolution;

import dev.underway.kernel.DecideCommands;
import dev.underway.kernel.Failures;
import dev.underway.kernel.PlanCard;
import dev.underway.workflows.evolution.contract.EvolutionFailures;
import dev.underway.workflows.evolution.model.ClusterObservation;
import dev.underway.workflows.evolution.model.DatabaseState;
import dev.underway.workflows.evolution.model.Licence;
import dev.underway.workflows.evolution.model.Phase;
import dev.underway.workflows.evolution.model.PhasePlan;
import dev.underway.workflows.evolution.model.PlatformState;
import dev.underway.workflows.evolution.model.ClusterTarget;
import dev.underway.workflows.evolution.model.ZoneReplication;
import dev.underway.workflows.evolution.model.ZoneRules;
import io.temporal.failure.ApplicationFailure;
import java.util.ArrayList;
import java.util.List;

/**
 * Compares what was observed with what a phase wants and says what must change. Pure and
 * deterministic: no I/O, no clock, so workflow code calls it directly and tests call it without
 * Temporal.
 */
public final class Planner {
  private Planner() {}

  /** How every refusal message starts: the operator reads that nothing was changed. */
  public static final String REFUSED = "Refused before any change";

  /** Clean readings in a row that count as "fully replicated". */
  public static final int CLEAN_READINGS_REQUIRED = 3;

  /** PDB maxUnavailable while any replication factor involved is 2 or less. */
  static final int BUDGET_LOCKED = 0;

  /** PDB maxUnavailable once RF 3 or more is verified: one node may be drained at a time. */
  static final int BUDGET_RELAXED = 1;

  /**
   * The plan that takes the observed cluster to {@code phase}.
   *
   * @throws ApplicationFailure non-retryable {@code ScaleDownRefused} when reaching the phase
   *     would remove nodes or replicas
   */
  public static PhasePlan plan(ClusterTarget target, ClusterObservation observed, Phase phase) {
    PlatformState platform = observed.platform();
    DatabaseState database = observed.database();
    int nodesBefore = platform.desiredNodes();
    int nodesAfter = phase.nodes();
    int rfBefore = observed.effectiveReplicationFactor();
    int rfAfter = phase.replicationFactor();

    if (nodesBefore > nodesAfter) {
      throw ApplicationFailure.newNonRetryableFailure(
          REFUSED + ": " + target.key() + " has " + nodesBefore + " nodes but "
              + phase.name() + " wants " + nodesAfter + ". Reaching it would mean scaling down,"
              + " which Underway never does (CockroachDB needs 'cockroach node decommission'"
              + " first). If the cluster is already past this phase, list only the phases from"
              + " its current shape onwards.",
          EvolutionFailures.SCALE_DOWN_REFUSED.type());
    }
    if (rfBefore > rfAfter) {
      throw ApplicationFailure.newNonRetryableFailure(
          REFUSED + ": every range of " + target.key() + " has " + rfBefore
              + " replicas but " + phase.name() + " wants replication factor " + rfAfter
              + ". Underway never removes replicas. If the cluster is already past this phase,"
              + " list only the phases from its current shape onwards.",
          EvolutionFailures.SCALE_DOWN_REFUSED.type());
    }

    if (!database.readerUserProblems().isEmpty()) {
      throw ApplicationFailure.newNonRetryableFailure(
          REFUSED + ": target.readerUser names the existing role " + target.readerUserOrDefault()
              + " on " + target.key() + ", which must not become the read-only user: "
              + String.join("; ", database.readerUserProblems()) + ". Making it read-only by"
              + " default would take writes away from whoever uses it. Name a role of its own in"
              + " target.readerUser (Underway creates it).",
          Failures.INVALID_REQUEST);
    }

    Integer scaleTo = nodesBefore < nodesAfter ? nodesAfter : null;
    List<String> zones = new ArrayList<>();
    for (ZoneReplication z : database.zones()) {
      if (!ZoneRules.satisfied(z, rfAfter)) {
        zones.add(z.target());
      }
    }
    boolean wantsReader = phase.wantsReaderPath();
    boolean createUser = wantsReader && !database.readerUserExists();
    boolean createService = wantsReader && !platform.readerServiceExists();

    Integer budgetNow = platform.disruptionBudgetMaxUnavailable();
    boolean locked = rfBefore <= 2 || rfAfter <= 2;
    Integer budgetDuring = locked && !Integer.valueOf(BUDGET_LOCKED).equals(budgetNow)
        ? BUDGET_LOCKED : null;
    Integer budgetHeld = budgetDuring != null ? budgetDuring : budgetNow;
    int budgetFinal = rfAfter >= 3 ? BUDGET_RELAXED : BUDGET_LOCKED;
    Integer budgetAfter = Integer.valueOf(budgetFinal).equals(budgetHeld) ? null : budgetFinal;

    TargetWords words = TargetWords.of(observed);
    List<String> changes = new ArrayList<>();
    String budgetName = words.budget(target);
    if (budgetDuring != null) {
      changes.add("hold " + budgetName + " at maxUnavailable 0 while the replication factor is 2"
          + " or less, so no voluntary " + words.disruption() + " can take a replica away");
    }
    if (scaleTo != null) {
      changes.add(words.scale(target, nodesBefore, nodesAfter));
    }
    if (!zones.isEmpty()) {
      changes.add(words.replication(zones, rfAfter));
    }
    boolean revokePublic = wantsReader && Boolean.TRUE.equals(database.publicCanCreate())
        && target.revokesPublicCreate();
    if (createUser) {
      changes.add("create read-only SQL user " + target.readerUserOrDefault() + " (LOGIN and"
          + " its password in one statement; SELECT on database " + target.database()
          + ", default_transaction_read_only = true), then check that it cannot INSERT, UPDATE,"
          + " DELETE, TRUNCATE or CREATE anywhere in " + target.database());
    }
    if (revokePublic) {
      List<String> owners = target.tableOwnersOrEmpty();
      changes.add(REVOKE_PUBLIC_CREATE_CHANGE + " in database " + target.database() + " ("
          + revokePublicCreateSql() + ")" + (owners.isEmpty() ? ""
              : ", after granting CREATE on schema public explicitly to "
                  + String.join(", ", owners) + " where they have it only through PUBLIC")
          + ": any other role that creates tables in schema public through PUBLIC loses that");
    }
    if (createService) {
      changes.add(words.readerPath(target));
    }
    if (budgetAfter != null) {
      changes.add("once verified, set " + budgetName + " to maxUnavailable " + budgetAfter
          + (budgetAfter == BUDGET_RELAXED
              ? " (RF " + rfAfter + " survives one node being drained)"
              : " (RF " + rfAfter + " cannot lose a replica)"));
    }

    int tolBefore = Phase.failuresTolerated(rfBefore);
    int tolAfter = Phase.failuresTolerated(rfAfter);
    List<String> warnings = new ArrayList<>();
    if (changes.isEmpty()) {
      return new PhasePlan(phase.name(), nodesBefore, nodesAfter, rfBefore, rfAfter, tolBefore,
          tolAfter, null, List.of(), false, false, null, null, List.of(), List.of());
    }
    if (rfAfter == 2) {
      warnings.add("RF 2 tolerates ZERO node failures: (2 - 1) / 2 = 0. Losing either node makes"
          + " ranges unavailable until it returns. Treat this as a step towards RF 3.");
    }
    if (rfAfter == 1 && nodesAfter > 1) {
      warnings.add("RF 1 on " + nodesAfter + " nodes keeps a single copy of each range: any node"
          + " failure loses data availability.");
    }
    if (Math.min(tolBefore, tolAfter) == 0 && (scaleTo != null || !zones.isEmpty())) {
      warnings.add("While this phase runs the cluster tolerates no node failure: avoid node"
          + " maintenance until it is done.");
    }
    if (words.licensed()) {
      warnings.add(licenceWarning(database));
    }
    if (wantsReader && Boolean.TRUE.equals(database.publicCanCreate()) && !revokePublic) {
      warnings.add("PUBLIC (every role) may CREATE in schema public of database "
          + target.database() + ", so the read-only user " + target.readerUserOrDefault()
          + " could create tables there: its default_transaction_read_only is a session default"
          + " it can switch off, and its grants do not matter for what PUBLIC holds. To close"
          + " it, run in database " + target.database() + ": " + revokePublicCreateSql()
          + "; (first GRANT CREATE ON SCHEMA public to the roles that create tables), or set"
          + " target.revokePublicCreate: true to let this run do it as a change of its own.");
    }
    // a run holds instead of opening a gate on an unhealthy cluster; a dry run (and a run of the
    // first command sequence) shows the same facts as warnings
    for (String problem : Health.problems(observed)) {
      warnings.add(Character.toUpperCase(problem.charAt(0)) + problem.substring(1)
          + " now: find out why before approving.");
    }
    return new PhasePlan(phase.name(), nodesBefore, nodesAfter, rfBefore, rfAfter, tolBefore,
        tolAfter, scaleTo, zones, createUser, createService, budgetDuring, budgetAfter, changes,
        warnings);
  }

  /**
   * What still differs from the phase once its changes were made; empty when verified. The
   * disruption budget's final value is not checked here: it is set after verification.
   */
  public static List<String> discrepancies(
      ClusterTarget target, ClusterObservation observed, Phase phase) {
    List<String> found = new ArrayList<>();
    PlatformState platform = observed.platform();
    DatabaseState database = observed.database();
    if (platform.desiredNodes() != phase.nodes()) {
      found.add("StatefulSet has " + platform.desiredNodes() + " replicas, phase wants "
          + phase.nodes());
    }
    if (platform.readyNodes() < phase.nodes()) {
      found.add(platform.readyNodes() + " of " + phase.nodes() + " pods are Ready");
    }
    if (database.liveNodes() < phase.nodes()) {
      found.add(database.liveNodes() + " of " + phase.nodes() + " nodes are live");
    }
    for (ZoneReplication z : database.zones()) {
      if (!ZoneRules.satisfied(z, phase.replicationFactor())) {
        found.add(z.target() + " has num_replicas " + z.numReplicas() + ", phase wants "
            + ZoneRules.describeWanted(z.target(), phase.replicationFactor()));
      }
    }
    if (database.ranges() != null && !database.ranges().healthy()) {
      found.add("the ranges are not fully replicated: " + database.ranges().summary());
    }
    if (phase.wantsReaderPath() && !database.readerUserExists()) {
      found.add("read-only user " + target.readerUserOrDefault() + " is missing");
    }
    if (phase.wantsReaderPath() && !database.readerUserProblems().isEmpty()) {
      found.add("read-only user " + target.readerUserOrDefault() + " is not read-only: "
          + String.join("; ", database.readerUserProblems()));
    }
    if (phase.wantsReaderPath() && !platform.readerServiceExists()) {
      found.add("reader Service " + target.readerServiceOrDefault() + " is missing");
    }
    return found;
  }

  /**
   * The disruption budget ({@code maxUnavailable}) a cluster verified at replication factor
   * {@code rf} is left with: 1 from RF 3, else 0.
   */
  public static int settledDisruptionBudget(int rf) {
    return rf >= 3 ? BUDGET_RELAXED : BUDGET_LOCKED;
  }

  /** The cluster as it will look once {@code plan} is carried out: how a dry run plans ahead. */
  public static ClusterObservation project(ClusterObservation observed, PhasePlan plan) {
    PlatformState p = observed.platform();
    DatabaseState d = observed.database();
    Integer budget = plan.disruptionBudgetAfter() != null ? plan.disruptionBudgetAfter()
        : plan.disruptionBudgetDuring() != null ? plan.disruptionBudgetDuring()
        : p.disruptionBudgetMaxUnavailable();
    PlatformState platform = new PlatformState(plan.nodesAfter(), plan.nodesAfter(),
        p.readerServiceExists() || plan.createReaderService(), budget, p.kind());
    int rf = plan.replicationAfter();
    List<ZoneReplication> zones = d.zones().stream()
        .map(z -> ZoneRules.satisfied(z, rf) ? z
            : new ZoneReplication(z.target(), ZoneRules.wanted(z.target(), rf)))
        .toList();
    boolean revoked = plan.changes().stream().anyMatch(c -> c.startsWith(
        REVOKE_PUBLIC_CREATE_CHANGE));
    DatabaseState database = new DatabaseState(d.version(), plan.nodesAfter(), zones,
        d.readerUserExists() || plan.createReaderUser(), d.licensed(), d.engine(), null,
        d.licence(), d.readerUserProblems(), revoked ? Boolean.FALSE : d.publicCanCreate());
    return new ClusterObservation(platform, database);
  }

  /** How the plan names the opt-in revocation of PUBLIC's CREATE on schema public. */
  static final String REVOKE_PUBLIC_CREATE_CHANGE = "revoke CREATE on schema public from PUBLIC";

  /** The statement that takes CREATE on schema public away from PUBLIC. */
  public static String revokePublicCreateSql() {
    return "REVOKE CREATE ON SCHEMA public FROM PUBLIC";
  }

  /**
   * The licence line every CockroachDB gate carries: what the key states, and why a set key is
   * no proof that the cluster will not be throttled.
   */
  static String licenceWarning(DatabaseState database) {
    Licence l = database.licence() != null ? database.licence()
        : new Licence(database.licensed(), null, null, null);
    if (!l.keySet()) {
      return "No licence key is set (enterprise.license is empty). " + LICENCE_RULE + " The"
          + " clock started when this cluster was initialised, not when it grows. Set a key (SET"
          + " CLUSTER SETTING enterprise.license = '...') unless the cluster will be gone before"
          + " then.";
    }
    String what = "A licence key" + (l.type() == null ? "" : " of type " + l.type())
        + " is set" + (l.validUntil() == null ? "" : ", valid until " + l.validUntil()
            + (l.daysLeft() == null ? "" : l.expired()
                ? " (EXPIRED " + -l.daysLeft() + " day(s) before this observation)"
                : " (" + l.daysLeft() + " day(s) left when observed)"));
    if (l.expired()) {
      return what + ". " + LICENCE_RULE + " Renew the key now.";
    }
    if (l.needsTelemetry()) {
      return what + ". " + l.type() + " keys also need telemetry: a cluster whose telemetry has"
          + " not reached Cockroach Labs for 7 days is throttled (more than 5 concurrent open"
          + " transactions rejected). Check that diagnostics reporting is on and can reach the"
          + " internet, and renew the key before it expires.";
    }
    return what + ". A set key is no proof that it is valid: Underway reads what the key"
        + " states, not what CockroachDB's enforcement decided (check the DB Console's licence"
        + " notice). " + LICENCE_RULE;
  }

  /** CockroachDB's licence enforcement in one sentence. */
  static final String LICENCE_RULE = "CockroachDB throttles a cluster without a valid licence 7"
      + " days after the cluster was initialised (cockroach start + init; only start-single-node"
      + " and cockroach demo are exempt), whatever its size: more than 5 concurrent open"
      + " transactions are then rejected.";

  /** The same plan as a gate card on the run's page (the kernel adds how to decide). */
  public static PlanCard card(ClusterTarget target, PhasePlan plan) {
    return new PlanCard("Gate " + plan.phase() + " for " + target.key(), List.of(
        new PlanCard.Row("nodes", String.valueOf(plan.nodesBefore()),
            String.valueOf(plan.nodesAfter())),
        new PlanCard.Row("replication factor", String.valueOf(plan.replicationBefore()),
            String.valueOf(plan.replicationAfter())),
        new PlanCard.Row("failures tolerated ((RF - 1) / 2)",
            String.valueOf(plan.failuresToleratedBefore()),
            String.valueOf(plan.failuresToleratedAfter()))),
        plan.changes(), plan.warnings());
  }

  /**
   * What an approver reads at the gate: the numbers, the changes in order, the warnings. How to
   * decide is added by the kernel ({@code DecideCommands}).
   */
  public static String gateText(ClusterTarget target, PhasePlan plan) {
    StringBuilder s = new StringBuilder();
    s.append("Gate ").append(plan.phase()).append(" for ").append(target.key()).append('\n');
    s.append("  nodes:               ").append(plan.nodesBefore()).append(" -> ")
        .append(plan.nodesAfter()).append('\n');
    s.append("  replication factor:  ").append(plan.replicationBefore()).append(" -> ")
        .append(plan.replicationAfter()).append('\n');
    s.append("  failures tolerated:  ").append(plan.failuresToleratedBefore()).append(" -> ")
        .append(plan.failuresToleratedAfter()).append("   ((RF - 1) / 2)\n");
    s.append("Changes, in order:\n");
    for (int i = 0; i < plan.changes().size(); i++) {
      s.append("  ").append(i + 1).append(". ").append(plan.changes().get(i)).append('\n');
    }
    if (!plan.warnings().isEmpty()) {
      s.append("Warnings:\n");
      for (String w : plan.warnings()) {
        s.append("  ! ").append(w).append('\n');
      }
    }
    s.append("Nothing is rolled back automatically if a later step fails.\n");
    return s.toString();
  }
}
