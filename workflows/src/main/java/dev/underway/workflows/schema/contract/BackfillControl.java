package dev.underway.workflows.schema.contract;

import com.fasterxml.jackson.annotation.JsonInclude;

/**
 * What an operator asks of the running backfill (the workflow's {@code throttle}, {@code
 * unthrottle}, {@code set-batch} updates), written to the table's control row by {@link
 * SchemaChangeActivities#control}; the backfill reads it before every batch.
 *
 * @param throttled true: the backfill pauses (it keeps heartbeating) until unthrottled
 * @param reason who and why, shown as the throttle reason (e.g. {@code "alice: deploy"})
 * @param batchSize a batch size pinned by the operator (adaptation off); null: adaptive again
 *     from the current size
 * @param ratio the latency guard's ratio set by the operator ({@code set-ratio}); null: the
 *     request's
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
@com.fasterxml.jackson.annotation.JsonIgnoreProperties(ignoreUnknown = true)
public record BackfillControl(boolean throttled, String reason, Integer batchSize,
    Double ratio) {

  /** Without a ratio (as written before the guard). */
  public BackfillControl(boolean throttled, String reason, Integer batchSize) {
    this(throttled, reason, batchSize, null);
  }
}
