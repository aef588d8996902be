package dev.underway.workflows.schema.contract;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.ByteString;
import io.temporal.api.common.v1.Payload;
import io.temporal.common.converter.DataConverter;
import io.temporal.common.converter.DefaultDataConverter;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The backfill's heartbeat details and result as the worker's data converter (Temporal's default
 * Jackson one, which fails on unknown properties unless a record says otherwise) reads them:
 * details recorded before the cumulative times were kept still resume (the times start at 0),
 * and a record written by a later release with fields this one does not know still reads.
 */
class BackfillRecordsCompatibilityTest {

  private static final DataConverter CONVERTER = DefaultDataConverter.STANDARD_INSTANCE;

  @Test
  void heartbeatDetailsFromBeforeTheCumulativeTimesStillResume() {
    BackfillProgress old = read("""
        {"cursor":["4000"],"rowsDone":4000,"rowsTotal":5000,"batches":8,"batchSize":500,
         "rowsPerSecond":12.5,"attempts":1,"resumedFrom":0,"at":"2026-12-01T10:00:00Z"}""",
        BackfillProgress.class);
    assertThat(old.cursor()).isEqualTo(List.of("4000"));
    assertThat(old.activeMillis()).isNull();
    assertThat(old.throttledMillis()).isNull();
  }

  @Test
  void theCumulativeTimesRoundTripAndUnknownFieldsAreIgnored() {
    BackfillProgress now = new BackfillProgress(List.of("7"), 7, 10, 1, 7, 1.5, 2L, null, 3, 5,
        "2026-12-07T10:00:00Z", 61_000L, 4_000L);
    Payload p = CONVERTER.toPayload(now).orElseThrow();
    assertThat(CONVERTER.fromPayload(p, BackfillProgress.class, BackfillProgress.class))
        .isEqualTo(now);
    BackfillProgress later = read("""
        {"cursor":["7"],"rowsDone":7,"rowsTotal":10,"batches":1,"batchSize":7,
         "rowsPerSecond":1.5,"attempts":3,"resumedFrom":5,"activeMillis":61000,
         "throttledMillis":4000,"aFieldOfALaterRelease":true}""", BackfillProgress.class);
    assertThat(later.activeMillis()).isEqualTo(61_000L);
    BackfillResult result = read("""
        {"rowsUpdated":10,"rowsTotal":10,"batches":2,"millis":61000,"rowsPerSecond":0.16,
         "throttledMillis":4000,"attempts":3,"aFieldOfALaterRelease":1}""",
        BackfillResult.class);
    assertThat(result.millis()).isEqualTo(61_000L);
  }

  private static <T> T read(String json, Class<T> type) {
    Payload p = Payload.newBuilder()
        .putMetadata("encoding", ByteString.copyFromUtf8("json/plain"))
        .setData(ByteString.copyFrom(json, StandardCharsets.UTF_8)).build();
    return CONVERTER.fromPayload(p, type, type);
  }
}
