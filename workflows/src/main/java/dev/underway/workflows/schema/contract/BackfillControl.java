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
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record BackfillControl(boolean throttled, String reason, Integer batchSize) {}
