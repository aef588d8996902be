package dev.underway.workflows.evolution;

import static org.assertj.core.api.Assertions.assertThat;

import dev.underway.kernel.ApprovalPolicy;
import dev.underway.workflows.evolution.model.EvolutionRequest;
import dev.underway.workflows.evolution.model.Phase;
import dev.underway.workflows.evolution.model.ClusterTarget;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

class RequestValidationTest {

  private static EvolutionRequest with(List<Phase> phases) {
    return new EvolutionRequest(Requests.TARGET, phases, null, false, "alice");
  }

  @Test
  void theDefaultRequestIsValid() {
    assertThat(RequestValidation.problems(Requests.defaults())).isEmpty();
  }

  @Test
  void reportsEveryProblemAtOnce() {
    ClusterTarget t = new ClusterTarget("ns", "", "svc", "svc", "Bad_Secret", "App", "Reader", null, 0,
        null, Arrays.asList("app_owner", "App Owner", null, "app_owner", "Reader"), null);
    List<String> problems = RequestValidation.problems(new EvolutionRequest(t,
        List.of(new Phase("p", 2, 2, true), new Phase("p", 1, 1, false)),
        new ApprovalPolicy(List.of(""), null, "three days", null), false, " "));
    assertThat(problems).containsExactlyInAnyOrder(
        "target.statefulSet is missing: it must name a StatefulSet name",
        "target.database 'App' is not a SQL database name",
        "target.credentialsSecret 'Bad_Secret' is not a Secret name",
        "target.readerUser 'Reader' is not a SQL user name",
        "target.sqlPort 0 is not a TCP port (1-65535)",
        "target.tableOwners[1] 'App Owner' is not a SQL role name",
        "target.tableOwners[2] is missing: it must name a SQL role name",
        "target.tableOwners names 'app_owner' twice",
        "target.tableOwners[4] 'Reader' is not a SQL role name",
        "target.tableOwners names the reader user 'Reader': the reader must not own tables",
        "target.readerService must differ from target.publicService: the reader path is a"
            + " separate Service",
        "phase 'p' appears twice: phase names are gate ids and must be unique",
        "phase 'p' shrinks nodes from 2 to 1: Underway never scales down (that needs cockroach"
            + " node decommission first)",
        "phase 'p' lowers the replication factor from 2 to 1: Underway never removes replicas",
        "phase 'p' removes the reader path: Underway never drops a user or a Service",
        "approval.approvers has a blank name",
        "approval.gateExpiry 'three days' is not an ISO-8601 duration such as PT72H or P3D",
        "requestedBy is blank: name who asks for this run, or leave it out");
  }

  @Test
  void missingPhaseNumbersAreNamed() {
    List<String> problems = RequestValidation.problems(with(List.of(
        new Phase("x", null, null, null, null))));
    assertThat(problems).containsExactly("phase 'x': nodes is missing",
        "phase 'x': replicationFactor is missing");
  }

  @Test
  void emptyPhaseListIsAnErrorButAbsentMeansDefaults() {
    assertThat(RequestValidation.problems(with(List.of())))
        .containsExactly("phases is empty: leave it out for the default three phases, or list"
            + " them");
    assertThat(RequestValidation.problems(with(null))).isEmpty();
  }

  @Test
  void expiryMustBePositive() {
    EvolutionRequest r = new EvolutionRequest(Requests.TARGET, null,
        new ApprovalPolicy(null, true, "PT0S", null), false, "a");
    assertThat(RequestValidation.problems(r)).containsExactly(
        "approval.gateExpiry PT0S must be positive");
  }

  @Test
  void nullRequestIsExplained() {
    assertThat(RequestValidation.problems(null)).singleElement().asString()
        .contains("the request is empty");
  }

  // ---- refusals an operator can trust (rules v1) ----------------------------------------

  private static EvolutionRequest json(String phasesAndApproval) throws Exception {
    return Requests.TEMPORAL_JSON.readValue("""
        {"target": {"namespace": "underway-demo", "statefulSet": "cockroachdb",
                    "publicService": "cockroachdb-public", "database": "app"}, %s}"""
        .formatted(phasesAndApproval), EvolutionRequest.class);
  }

  @Test
  void aFractionIsRefusedNamingTheFieldNeverTruncated() throws Exception {
    EvolutionRequest r = json("""
        "phases": [{"name": "phase-1", "nodes": 2, "replicationFactor": 2.5, "readerPath": true},
                   {"name": "phase-2", "nodes": 3.7, "replicationFactor": 3}]""");
    assertThat(r.phases().get(0).replicationFactor()).as("not truncated to 2").isNull();
    assertThat(RequestValidation.problems(r)).containsExactlyInAnyOrder(
        "phases[0].replicationFactor is 2.5: it must be a whole number (it is never rounded)",
        "phases[1].nodes is 3.7: it must be a whole number (it is never rounded)");
  }

  @Test
  void textWhereANumberBelongsIsRefusedToo() throws Exception {
    assertThat(RequestValidation.problems(json("""
        "phases": [{"name": "p", "nodes": "two", "replicationFactor": 1}]""")))
        .containsExactly("phases[0].nodes is \"two\": it must be a whole number (it is never"
            + " rounded)");
  }

  @Test
  void aWholeNumberWrittenAsTextOrWithAZeroFractionIsTheNumber() throws Exception {
    EvolutionRequest r = json("""
        "phases": [{"name": "p", "nodes": "2", "replicationFactor": 2.0, "readerPath": true}]""");
    assertThat(r.phases().get(0).nodes()).isEqualTo(2);
    assertThat(r.phases().get(0).replicationFactor()).isEqualTo(2);
    assertThat(RequestValidation.problems(r)).isEmpty();
  }

  @Test
  void aFractionalSqlPortIsRefused() throws Exception {
    EvolutionRequest r = Requests.TEMPORAL_JSON.readValue("""
        {"target": {"namespace": "ns", "statefulSet": "db", "publicService": "db-public",
                    "database": "app", "sqlPort": 26257.5}}""", EvolutionRequest.class);
    assertThat(RequestValidation.problems(r)).containsExactly(
        "target.sqlPort is 26257.5: it must be a whole number (it is never rounded)");
  }

  @Test
  void anExplicitEmptyApproverListIsRefused() throws Exception {
    assertThat(RequestValidation.problems(json("\"approval\": {\"approvers\": []}")))
        .containsExactly("approval.approvers is an empty list: leave it out to let anyone"
            + " approve, or name the approvers");
    assertThat(RequestValidation.problems(json("\"approval\": {\"allowSelfApproval\": true}")))
        .isEmpty();
  }

  @Test
  void aGateExpiryBeyondThirtyDaysIsRefused() throws Exception {
    assertThat(RequestValidation.problems(json("\"approval\": {\"gateExpiry\": \"P30D\"}")))
        .isEmpty();
    assertThat(RequestValidation.problems(json("\"approval\": {\"gateExpiry\": \"P31D\"}")))
        .containsExactly("approval.gateExpiry P31D is longer than the maximum of 30 days (P30D):"
            + " a decision that old describes a cluster that has moved on");
  }

  @Test
  void theDecisionValidityMustBeAPositiveDurationUpToADay() throws Exception {
    assertThat(RequestValidation.problems(json(
        "\"approval\": {\"decisionValidity\": \"PT30M\"}"))).isEmpty();
    assertThat(RequestValidation.problems(json(
        "\"approval\": {\"decisionValidity\": \"P2D\"}")))
        .containsExactly("approval.decisionValidity P2D is longer than the maximum of 24 hours");
    assertThat(RequestValidation.problems(json(
        "\"approval\": {\"decisionValidity\": \"soon\"}")))
        .containsExactly("approval.decisionValidity 'soon' is not an ISO-8601 duration such as"
            + " PT5M or PT30M");
  }

  @Test
  void aNodeCountBeyondTheSanityBoundIsRefusedAsAProbableTypo() {
    assertThat(RequestValidation.problems(with(List.of(new Phase("big", 100, 3, true)))))
        .isEmpty();
    assertThat(RequestValidation.problems(with(List.of(new Phase("big", 300, 3, true)))))
        .containsExactly("phase 'big': nodes is 300, more than Underway's limit of 100 per"
            + " phase: probably a typo");
  }

  @Test
  void runsStartedUnderTheFirstRulesKeepThem() throws Exception {
    EvolutionRequest r = json("""
        "phases": [{"name": "big", "nodes": 300, "replicationFactor": 3, "readerPath": true}],
        "approval": {"approvers": [], "gateExpiry": "P60D"}""");
    assertThat(RequestValidation.problems(r, 0)).isEmpty();
    assertThat(RequestValidation.problems(r)).hasSize(3);
  }

  @Test
  void requiredApprovalsMustBeAWholeNumberThatEnoughApproversCanReach() throws Exception {
    assertThat(RequestValidation.problems(json("""
        "approval": {"approvers": ["bob", "carol"], "requiredApprovals": 2}"""))).isEmpty();
    assertThat(RequestValidation.problems(json("""
        "requestedBy": "bob",
        "approval": {"approvers": ["bob", "carol"], "allowSelfApproval": false,
                     "requiredApprovals": 2}""")))
        .containsExactly("approval.requiredApprovals is 2 but only 1 distinct approver(s) may"
            + " approve (the requester may not: allowSelfApproval is false): no gate could ever"
            + " open");
    assertThat(RequestValidation.problems(json("\"approval\": {\"requiredApprovals\": 0}")))
        .containsExactly("approval.requiredApprovals is 0: at least 1 approval is needed");
    assertThat(RequestValidation.problems(json("\"approval\": {\"requiredApprovals\": 1.5}")))
        .containsExactly("approval.requiredApprovals is 1.5: it must be a whole number (it is"
            + " never rounded)");
  }

  @Test
  void aLocalTargetIsNamedByItsNameAndRefusesKubernetesFields() throws Exception {
    EvolutionRequest local = Requests.TEMPORAL_JSON.readValue("""
        {"target": {"kind": "local", "name": "sandbox", "database": "app"}}""",
        EvolutionRequest.class);
    assertThat(RequestValidation.problems(local)).isEmpty();
    assertThat(local.target().key()).isEqualTo("local/sandbox");
    assertThat(ClusterEvolutionWorkflow.workflowId(local.target()))
        .isEqualTo("cluster-evolution-local-sandbox");

    EvolutionRequest mixed = Requests.TEMPORAL_JSON.readValue("""
        {"target": {"kind": "local", "database": "app", "namespace": "db",
                    "statefulSet": "crdb"}}""", EvolutionRequest.class);
    assertThat(RequestValidation.problems(mixed)).containsExactlyInAnyOrder(
        "target.name is missing: it must name a local cluster's name",
        "target.namespace does not apply to a local target (kind local): leave it out",
        "target.statefulSet does not apply to a local target (kind local): leave it out");

    EvolutionRequest unknownKind = Requests.TEMPORAL_JSON.readValue("""
        {"target": {"kind": "nomad", "namespace": "db", "statefulSet": "crdb",
                    "publicService": "crdb-public", "database": "app"}}""",
        EvolutionRequest.class);
    assertThat(RequestValidation.problems(unknownKind))
        .containsExactly("target.kind 'nomad' is not one of kubernetes, local");
  }
}
