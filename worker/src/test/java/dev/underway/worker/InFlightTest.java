package dev.underway.worker;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.ByteString;
import com.google.protobuf.Timestamp;
import io.temporal.api.common.v1.ActivityType;
import io.temporal.api.common.v1.Payload;
import io.temporal.api.common.v1.Payloads;
import io.temporal.api.failure.v1.Failure;
import io.temporal.api.workflow.v1.PendingActivityInfo;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * What status shows of the steps in flight: a backfill's last heartbeat (the freshest figure
 * there is: the worker sends one at least every second, while the run reads its control row
 * every minute) in words with its age, and a step being retried with its attempt and last
 * failure, which is also what plan and start say while they wait.
 */
class InFlightTest {

  static final Instant NOW = Instant.parse("2026-12-07T21:00:00Z");

  static Timestamp at(Instant i) {
    return Timestamp.newBuilder().setSeconds(i.getEpochSecond()).setNanos(i.getNano()).build();
  }

  @Test
  void aBackfillsHeartbeatIsShownInWordsWithItsAge() {
    String beat = "{\"cursor\":[\"504056\"],\"rowsDone\":504056,\"rowsTotal\":1000000,"
        + "\"batches\":101,\"batchSize\":5000,\"rowsPerSecond\":29650.3,\"etaSeconds\":17,"
        + "\"throttle\":null,\"attempts\":1,\"resumedFrom\":0,\"at\":\"2026-12-07T20:59:59Z\"}";
    PendingActivityInfo backfill = PendingActivityInfo.newBuilder()
        .setActivityType(ActivityType.newBuilder().setName("SchemaChange.Backfill"))
        .setAttempt(1)
        .setHeartbeatDetails(Payloads.newBuilder().addPayloads(Payload.newBuilder()
            .setData(ByteString.copyFromUtf8(beat))))
        .setLastHeartbeatTime(at(NOW.minusSeconds(1))).build();

    assertThat(InFlight.of(List.of(backfill), NOW)).isEqualTo("\nIn flight:\n"
        + "  SchemaChange.Backfill  attempt 1\n"
        + "    progress:     504056 / 1000000 rows, 29650 rows/s, batch 5000, ETA 17 s"
        + " (1 s ago, its last heartbeat)\n");
  }

  @Test
  void aStepBeingRetriedShowsItsAttemptAndLastFailure() {
    PendingActivityInfo observe = PendingActivityInfo.newBuilder()
        .setActivityType(ActivityType.newBuilder().setName("SchemaChange.Observe"))
        .setAttempt(3)
        .setLastFailure(Failure.newBuilder().setMessage("observe public.orders on"
            + " underway@db:5432/shop failed (SQLSTATE 08001): Connection to db:5432 refused."))
        .setLastAttemptCompleteTime(at(NOW.minusSeconds(4))).build();

    assertThat(InFlight.of(List.of(observe), NOW)).contains("SchemaChange.Observe  attempt 3\n")
        .contains("    last failure: observe public.orders on underway@db:5432/shop failed"
            + " (SQLSTATE 08001): Connection to db:5432 refused. (4 s ago)\n");
    assertThat(Waiting.doing(List.of(observe))).isEqualTo("step SchemaChange.Observe is being"
        + " retried (attempt 3), its last failure: observe public.orders on underway@db:5432/shop"
        + " failed (SQLSTATE 08001): Connection to db:5432 refused.");
  }

  @Test
  void anotherStepsDetailsAreShownAsTheyCame() {
    assertThat(InFlight.progress("\"waiting for the lock on public.orders\""))
        .isEqualTo("\"waiting for the lock on public.orders\"");
  }
}
