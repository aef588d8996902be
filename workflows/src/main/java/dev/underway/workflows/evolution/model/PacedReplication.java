package dev.underway.workflows.evolution.model;

import com.fasterxml.jackson.annotation.JsonIgnore;
import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonInclude;
import dev.underway.guard.GuardState;
import java.util.Locale;

/**
 * Progress of the replication wait while the latency guard paces the snapshot rate: also its
 * heartbeat detail, so a retried wait resumes with the replication's readings (settle time,
 * clean readings) and the guard's state (its baseline is kept, not sampled again under load).
 *
 * @param replication the replication wait's reading
 * @param guard what the guard sees and does now
 * @param rateBytesPerSecond the snapshot rate set now (the first setting's; never above the
 *     value found)
 * @param foundBytesPerSecond the value found before the phase
 * @param lowestBytesPerSecond the lowest rate set so far during the wait
 * @param changes how many times the rate was changed
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
@JsonIgnoreProperties(ignoreUnknown = true)
public record PacedReplication(
    ReplicationProgress replication,
    GuardState guard,
    Long rateBytesPerSecond,
    Long foundBytesPerSecond,
    Long lowestBytesPerSecond,
    Integer changes) {

  @JsonIgnore
  public boolean done() {
    return replication != null && replication.done();
  }

  /** {@code snapshot rate 16.0 MiB/s of 32.0 MiB/s found (lowest 8.0 MiB/s, 3 changes)}. */
  public String rateSummary() {
    if (rateBytesPerSecond == null || foundBytesPerSecond == null) {
      return "snapshot rate not set";
    }
    return "snapshot rate " + mib(rateBytesPerSecond) + " of " + mib(foundBytesPerSecond)
        + " found (lowest " + mib(lowestBytesPerSecond == null ? rateBytesPerSecond
            : lowestBytesPerSecond) + ", " + (changes == null ? 0 : changes) + " change(s))";
  }

  static String mib(long bytesPerSecond) {
    return String.format(Locale.ROOT, "%.1f MiB/s", bytesPerSecond / (1024.0 * 1024.0));
  }
}
