package dev.underway.workflows.evolution.model;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.underway.workflows.evolution.Requests;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Fields added to activity results and heartbeats stay readable both ways: recorded histories
 * and heartbeats written before them must still decode (replay, resumed waits).
 */
class ModelCompatibilityJsonTest {

  private static final ObjectMapper JSON = Requests.TEMPORAL_JSON;

  @Test
  void aDatabaseStateRecordedBeforeRangesLicenceAndReaderChecksStillReads() throws Exception {
    DatabaseState old = JSON.readValue("""
        {"version":"CockroachDB CCL v25.4.0","liveNodes":3,
         "zones":[{"target":"RANGE default","numReplicas":3}],
         "readerUserExists":true,"licensed":false,"engine":null}""", DatabaseState.class);
    assertThat(old.ranges()).isNull();
    assertThat(old.licence()).isNull();
    assertThat(old.readerUserProblems()).isEmpty();
    assertThat(old.publicCanCreate()).isNull();
    assertThat(old).isEqualTo(new DatabaseState("CockroachDB CCL v25.4.0", 3,
        List.of(new ZoneReplication("RANGE default", 3)), true, false));
  }

  @Test
  void theNewFieldsRoundTripAndNoHelperBecomesAProperty() throws Exception {
    DatabaseState state = new DatabaseState("v", 3, List.of(), true, true)
        .withRanges(new RangeHealth(40, 2, 0, 1))
        .withLicence(new Licence(true, "Free", "2027-01-01T00:00:00Z", 12L))
        .withReaderUserProblems(List.of("it is a superuser"))
        .withPublicCanCreate(true);
    String json = JSON.writeValueAsString(state);
    assertThat(JSON.readValue(json, DatabaseState.class)).isEqualTo(state);
    assertThat(json).doesNotContain("healthy").doesNotContain("summary")
        .doesNotContain("needsTelemetry").doesNotContain("expired");
  }

  @Test
  void aHeartbeatFromBeforeTheSettleTimeStillResumes() throws Exception {
    ReplicationProgress old = JSON.readValue("""
        {"underReplicatedRanges":0,"unavailableRanges":0,"consecutiveCleanReadings":2,
         "readingsRequired":3}""", ReplicationProgress.class);
    assertThat(old).isEqualTo(new ReplicationProgress(0, 0, 2, 3));
    assertThat(old.countFromMillis()).isNull();
    ReplicationProgress now = new ReplicationProgress(1, 0, 0, 3, 1_000L, 40L, 1L, "0/3000060");
    assertThat(JSON.readValue(JSON.writeValueAsString(now), ReplicationProgress.class))
        .isEqualTo(now);
  }

  @Test
  void aRequestWithRevokePublicCreateRoundTrips() throws Exception {
    EvolutionRequest r = JSON.readValue("""
        {"target": {"namespace": "db", "statefulSet": "crdb", "publicService": "p",
                    "database": "app", "revokePublicCreate": true}}""", EvolutionRequest.class);
    assertThat(r.target().revokesPublicCreate()).isTrue();
    assertThat(r.target().unknownFields()).isEmpty();
    assertThat(JSON.readValue(JSON.writeValueAsString(r), EvolutionRequest.class)).isEqualTo(r);
    assertThat(ClusterTarget.of("db", "crdb", "p", "app").revokesPublicCreate()).isFalse();
  }

  @Test
  void rangeHealthSaysWhatIsWrong() {
    assertThat(new RangeHealth(12, 0, 0, 0).healthy()).isTrue();
    assertThat(new RangeHealth(12, 0, 0, 0).summary()).isEqualTo(
        "12 range(s), all fully replicated");
    assertThat(new RangeHealth(12, 2, 1, 3).healthy()).isFalse();
    assertThat(new RangeHealth(12, 2, 1, 3).summary()).isEqualTo("12 range(s): 2"
        + " under-replicated, 1 unavailable, 3 with a learner replica still being added");
    assertThat(new RangeHealth(12, 0, 0, 1).healthy()).as("a learner is not done").isFalse();
  }
}
