package dev.underway.workflows.evolution;

import static org.assertj.core.api.Assertions.assertThat;

import dev.underway.model.ApprovalPolicy;
import dev.underway.model.EvolutionRequest;
import dev.underway.model.Phase;
import dev.underway.model.TargetRef;
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
    TargetRef t = new TargetRef("ns", "", "svc", "svc", "Bad_Secret", "App", "Reader", null, 0,
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
        new ApprovalPolicy(List.of(), true, "PT0S", null), false, "a");
    assertThat(RequestValidation.problems(r)).containsExactly(
        "approval.gateExpiry PT0S must be positive");
  }

  @Test
  void nullRequestIsExplained() {
    assertThat(RequestValidation.problems(null)).singleElement().asString()
        .contains("the request is empty");
  }
}
