package dev.underway.worker;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.google.protobuf.Timestamp;
import dev.underway.workflows.schema.contract.BackfillProgress;
import io.temporal.api.workflow.v1.PendingActivityInfo;
import java.time.Duration;
import java.time.Instant;
import java.util.List;

/**
 * The steps in flight as the server sees them, for {@code status}: attempt, the last failure of
 * a step being retried (the cause, at once, while the run's own timeline only shows the step),
 * and the freshest progress there is: the step's last heartbeat (the worker sends one at least
 * every second), with its age. A backfill's heartbeat is read as its progress, in words; the
 * run's own figure (its message) is read from the control row only every minute.
 */
final class InFlight {
  private InFlight() {}

  private static final ObjectMapper JSON = new ObjectMapper()
      .configure(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES, false);

  static String of(List<PendingActivityInfo> pending, Instant now) {
    if (pending.isEmpty()) {
      return "";
    }
    StringBuilder b = new StringBuilder("\nIn flight:\n");
    for (PendingActivityInfo a : pending) {
      b.append("  ").append(a.getActivityType().getName())
          .append("  attempt ").append(a.getAttempt())
          .append(a.getMaximumAttempts() > 0 ? " of " + a.getMaximumAttempts() : "")
          .append('\n');
      if (a.hasHeartbeatDetails() && a.getHeartbeatDetails().getPayloadsCount() > 0) {
        String raw = a.getHeartbeatDetails().getPayloads(0).getData().toStringUtf8();
        b.append("    progress:     ").append(progress(raw))
            .append(a.hasLastHeartbeatTime() ? " (" + ago(a.getLastHeartbeatTime(), now)
                + ", its last heartbeat)" : "").append('\n');
      }
      if (a.hasLastFailure()) {
        b.append("    last failure: ").append(a.getLastFailure().getMessage())
            .append(a.hasLastAttemptCompleteTime() ? " (" + ago(a.getLastAttemptCompleteTime(),
                now) + ")" : "").append('\n');
      }
    }
    return b.toString();
  }

  /** A backfill's heartbeat in words; any other as it came. */
  static String progress(String raw) {
    try {
      BackfillProgress p = JSON.readValue(raw, BackfillProgress.class);
      if (p.rowsTotal() > 0 || p.rowsDone() > 0) {
        return p.summary();
      }
    } catch (java.io.IOException | RuntimeException notAProgress) {
      // another step's details: shown as they are
    }
    return raw;
  }

  /** "read 3 s ago". */
  static String ago(Timestamp t, Instant now) {
    Duration d = Duration.between(Instant.ofEpochSecond(t.getSeconds(), t.getNanos()), now);
    long s = Math.max(0, d.toSeconds());
    return s < 120 ? s + " s ago" : d.toMinutes() + " min ago";
  }
}
