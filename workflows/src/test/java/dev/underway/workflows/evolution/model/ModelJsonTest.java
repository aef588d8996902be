package dev.underway.workflows.evolution.model;

import static org.assertj.core.api.Assertions.assertThat;

import dev.underway.kernel.RunState;
import dev.underway.kernel.RunStatus;
import dev.underway.kernel.DecisionKind;
import dev.underway.kernel.Decision;
import dev.underway.kernel.GateView;
import dev.underway.kernel.TimelineEntry;
import dev.underway.kernel.ApprovalPolicy;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.underway.workflows.evolution.Requests;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The records travel as the UI's JSON input box and `temporal ... --input` send them. */
class ModelJsonTest {

  private static final ObjectMapper JSON = Requests.TEMPORAL_JSON;

  @Test
  void requestRoundTripsThroughTemporalsMapper() throws Exception {
    EvolutionRequest original = new EvolutionRequest(
        ClusterTarget.of("db", "crdb", "crdb-public", "app").withCredentialsSecret("creds")
            .withSql("localhost", 26257, "disable").withTableOwners(List.of("app_owner")),
        Phase.DEFAULTS, new ApprovalPolicy(List.of("bob"), false, "P3D", null), true, "alice");
    String json = JSON.writeValueAsString(original);
    EvolutionRequest back = JSON.readValue(json, EvolutionRequest.class);
    assertThat(back).isEqualTo(original);
    assertThat(back.target().tableOwners()).containsExactly("app_owner");
    assertThat(json).doesNotContain("unknownFields").doesNotContain("OrDefault")
        .contains("\"tableOwners\":[\"app_owner\"]");
  }

  @Test
  void absentFieldsStayAbsentAndDefaultsApply() throws Exception {
    EvolutionRequest r = JSON.readValue("""
        {"target": {"namespace": "db", "statefulSet": "crdb", "publicService": "p",
                    "database": "app"}}""", EvolutionRequest.class);
    assertThat(r.phasesOrDefault()).isEqualTo(Phase.DEFAULTS);
    assertThat(r.approvalOrDefault().mayDecide("anyone")).isTrue();
    assertThat(r.isDryRun()).isFalse();
    assertThat(r.target().readerServiceOrDefault()).isEqualTo("crdb-read");
    assertThat(r.target().sqlHostOrDefault()).isEqualTo("p.db.svc");
    assertThat(r.target().sqlPortOrDefault()).isEqualTo(26257);
    assertThat(r.target().tableOwnersOrEmpty()).isEmpty();
    JsonNode written = JSON.readTree(JSON.writeValueAsString(r));
    assertThat(written.has("phases")).isFalse();
    assertThat(written.get("target").has("readerService")).isFalse();
    assertThat(written.get("target").has("tableOwners")).isFalse();
  }

  @Test
  void unknownFieldsAreCollectedNotLost() throws Exception {
    EvolutionRequest r = JSON.readValue("""
        {"target": {"namespace": "db", "nmespace": "x"}, "dryrun": true}""",
        EvolutionRequest.class);
    assertThat(r.unknownFields()).containsOnlyKeys("dryrun");
    assertThat(r.target().unknownFields()).containsOnlyKeys("nmespace");
  }

  @Test
  void statusAndResultRoundTrip() throws Exception {
    RunStatus status = new RunStatus("cluster-evolution", RunState.WAITING_FOR_APPROVAL,
        "db/crdb", "alice", false, "phase-1", "gate",
        new GateView("phase-1", "phase-1", "text", "2026-01-01T00:00:00Z", null),
        List.of(), List.of(new Decision("phase-1", DecisionKind.APPROVE, "bob",
            "2026-01-01T00:00:00Z", "ok", true, null, "signal")),
        List.of(new TimelineEntry("phase-1", "gate", "started", "2026-01-01T00:00:00Z", null)),
        null, null);
    String json = JSON.writeValueAsString(status);
    assertThat(json).contains("\"kind\":\"approve\"");
    assertThat(JSON.readValue(json, RunStatus.class)).isEqualTo(status);
  }

  @Test
  void activityResultsRoundTripWithTheirKinds() throws Exception {
    // Activity results travel through the same mapper; a convenience getter that Jackson saw
    // as a property (isLocal -> "local") once made every workflow task fail on reading them.
    PlatformState platform = new PlatformState(2, 2, true, 0, PlatformState.LOCAL);
    DatabaseState database = new DatabaseState("PostgreSQL 17", 2,
        List.of(new ZoneReplication("synchronous_standby_names", 2)), true, true,
        DatabaseState.POSTGRESQL);
    for (Object o : List.of(platform, database, new PlatformState(1, 1, false, null),
        new ClusterObservation(platform, database))) {
      String json = JSON.writeValueAsString(o);
      assertThat(JSON.readValue(json, o.getClass())).as(json).isEqualTo(o);
    }
    assertThat(JSON.writeValueAsString(platform)).doesNotContain("\"local\":");
  }

  @Test
  void decisionKindsParseInAnyCaseAndRefuseUnknownWords() {
    assertThat(DecisionKind.parse("Approve")).isEqualTo(DecisionKind.APPROVE);
    assertThat(DecisionKind.parse(" abort ")).isEqualTo(DecisionKind.ABORT);
    assertThat(DecisionKind.parse("yes")).isNull();
  }
}
